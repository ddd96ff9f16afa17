// Package instagram is the adapter for Instagram professional (Business and
// Creator) accounts through the Instagram API with Facebook Login: the
// accounts are the instagram_business_account of the person's Facebook
// Pages, reached on graph.facebook.com with the Page's token. Publishing
// goes through a media container that is polled until FINISHED.
//
// Facebook Login, the Graph caller and the Graph error mapping come from the
// facebook package.
package instagram

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Scopes are the permissions asked for at login: publishing and insights,
// then comments and their webhooks (platform-apis.md 8.2, 8.3).
var Scopes = []string{"instagram_basic", "instagram_content_publish", "instagram_manage_insights", "pages_show_list", "pages_read_engagement",
	"instagram_manage_comments", "pages_manage_metadata"}

// Limits checked before anything is sent.
const (
	MaxCaptionRunes = 2200
	MaxHashtags     = 30 // the API documentation's figure
	MaxCarousel     = 10
)

// Config is the Facebook app used for Instagram.
type Config struct {
	ClientID, ClientSecret string
	// APIVersion is the Graph version ("v26.0" when empty).
	APIVersion string
	// PollInterval is the wait between two container status reads (default 3 s).
	PollInterval time.Duration
	// PollTimeout bounds the wait for one container (default 5 minutes).
	PollTimeout time.Duration
}

// Client publishes to Instagram professional accounts.
type Client struct {
	*facebook.OAuth
	graph    *facebook.Graph
	interval time.Duration
	timeout  time.Duration
	web      string // origin of www.instagram.com (or the sandbox's stand-in)
}

// NewClient returns a Client calling the hosts' Graph API through httpClient.
func NewClient(httpClient *http.Client, hosts platform.Hosts, cfg Config) *Client {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 3 * time.Second
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 5 * time.Minute
	}
	return &Client{
		OAuth:    facebook.NewOAuth(httpClient, hosts, cfg.ClientID, cfg.ClientSecret, cfg.APIVersion, Scopes, platform.Instagram),
		web:      hosts.Origin(webOrigin),
		graph:    facebook.NewGraph(httpClient, hosts, cfg.APIVersion, platform.Instagram),
		interval: cfg.PollInterval,
		timeout:  cfg.PollTimeout,
	}
}

// Accounts lists the Instagram business account of each Page the person can
// publish to, one account each, with that Page's token as AccessToken.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/get-started
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user
func (c *Client) Accounts(ctx context.Context, tok *oauth2.Token) ([]platform.Account, error) {
	const op = "list accounts"
	if tok == nil || tok.AccessToken == "" {
		return nil, &platform.Error{Platform: platform.Instagram, Op: op, Kind: platform.KindAuth, Message: "no access token"}
	}
	pages, err := c.graph.Pages(ctx, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	var out []platform.Account
	for _, p := range pages {
		if p.InstagramBusinessAccountID == "" || !p.CanPublish() || p.AccessToken == "" {
			continue
		}
		var u struct {
			ID       string `json:"id"`
			Username string `json:"username"`
			Name     string `json:"name"`
			Picture  string `json:"profile_picture_url"`
		}
		q := url.Values{"fields": {"id,username,name,profile_picture_url,followers_count"}}
		if err := c.graph.Get(ctx, op, p.AccessToken, "/"+url.PathEscape(p.InstagramBusinessAccountID), q, &u); err != nil {
			return nil, err
		}
		if u.ID == "" {
			u.ID = p.InstagramBusinessAccountID
		}
		name := u.Name
		if name == "" {
			name = u.Username
		}
		out = append(out, platform.Account{ExternalID: u.ID, Name: name, Handle: u.Username, AvatarURL: u.Picture,
			Kind: "instagram_business", AccessToken: p.AccessToken})
	}
	return out, nil
}

// PublishingLimit reads how many posts the account published through the API
// in the last 24 hours and how many it may.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
func (c *Client) PublishingLimit(ctx context.Context, t platform.Target) (used, total int, err error) {
	const op = "read publishing limit"
	var resp struct {
		Data []struct {
			QuotaUsage *int `json:"quota_usage"`
			Config     *struct {
				QuotaTotal int `json:"quota_total"`
			} `json:"config"`
		} `json:"data"`
	}
	q := url.Values{"fields": {"quota_usage,config"}}
	if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(t.ExternalID)+"/content_publishing_limit", q, &resp); err != nil {
		return 0, 0, err
	}
	if len(resp.Data) == 0 || resp.Data[0].QuotaUsage == nil || resp.Data[0].Config == nil {
		return 0, 0, platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("missing quota_usage or config"))
	}
	return *resp.Data[0].QuotaUsage, resp.Data[0].Config.QuotaTotal, nil
}

// RecentPosts lists the account's media created since since.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
func (c *Client) RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error) {
	const op = "list media"
	q := url.Values{"fields": {"id,caption,timestamp,permalink"}, "limit": {"100"}}
	if !since.IsZero() {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	var out []platform.RecentPost
	for range 50 {
		var resp struct {
			Data []struct {
				ID        string `json:"id"`
				Caption   string `json:"caption"`
				Timestamp string `json:"timestamp"`
				Permalink string `json:"permalink"`
			} `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(t.ExternalID)+"/media", q, &resp); err != nil {
			return nil, err
		}
		for _, d := range resp.Data {
			created, err := facebook.ParseTime(d.Timestamp)
			if err != nil || d.ID == "" {
				return nil, platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("media without id or timestamp"))
			}
			if created.Before(since) {
				continue
			}
			out = append(out, platform.RecentPost{ID: d.ID, Text: d.Caption, URL: c.site(d.Permalink), CreatedAt: created})
		}
		after, more := facebook.NextCursor(resp.Paging.Next, resp.Paging.Cursors.After)
		if !more {
			break
		}
		q.Set("after", after)
	}
	return out, nil
}

// PostMetrics reads a media's insights (views, reach, likes, comments,
// shares, saved). A metric the API does not give (empty data, an album
// child, too few viewers: code 10, or an unsupported metric: code 100) stays
// unknown, never zero.
//
// https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
func (c *Client) PostMetrics(ctx context.Context, t platform.Target, postID string) (platform.Metrics, error) {
	values, err := facebook.Insights(ctx, c.graph, "read media insights", t.AccessToken, "/"+url.PathEscape(postID),
		"views,reach,likes,comments,shares,saved")
	if err != nil {
		if facebook.Unavailable(err) {
			return platform.Metrics{}, nil
		}
		return platform.Metrics{}, err
	}
	return platform.Metrics{
		Impressions: values["views"],
		Reach:       values["reach"],
		Likes:       values["likes"],
		Comments:    values["comments"],
		Shares:      values["shares"],
		Saves:       values["saved"],
	}, nil
}

// AccountMetrics reads the account's followers_count.
//
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user
func (c *Client) AccountMetrics(ctx context.Context, t platform.Target) (platform.Metrics, error) {
	const op = "read account metrics"
	var resp struct {
		Followers *int64 `json:"followers_count"`
	}
	q := url.Values{"fields": {"followers_count"}}
	if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(t.ExternalID), q, &resp); err != nil {
		return platform.Metrics{}, err
	}
	if resp.Followers == nil {
		return platform.Metrics{}, platform.Malformed(platform.Instagram, op, http.StatusOK, errors.New("missing followers_count"))
	}
	return platform.Metrics{Followers: resp.Followers}, nil
}

// webOrigin is where Instagram's permalinks live.
const webOrigin = "https://www.instagram.com"

// site points a permalink Graph gave at www.instagram.com or, in sandbox
// mode, at the sandbox's stand-in.
func (c *Client) site(permalink string) string {
	if rest, ok := strings.CutPrefix(permalink, webOrigin+"/"); ok {
		return c.web + "/" + rest
	}
	return permalink
}
