// Package facebook is the adapter for Facebook Pages through the Graph API:
// Facebook Login (long-lived user token, then one Page token per Page),
// publishing to a Page, reading its posts back, and post and Page metrics.
//
// It also holds what the Instagram adapter shares with it: the Graph caller,
// the Graph error envelope and its mapping, and Facebook Login.
package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// Scopes are the permissions asked for at login: publishing and insights,
// then reading, answering and moderating comments and receiving the Page's
// feed webhooks (platform-apis.md 8.1, 8.3).
var Scopes = []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts", "read_insights", "publish_video",
	"pages_read_user_content", "pages_manage_engagement", "pages_manage_metadata"}

// MaxMessageRunes is the longest Page post message.
const MaxMessageRunes = 63206

// Config is the Facebook app.
type Config struct {
	ClientID, ClientSecret string
	// APIVersion is the Graph version ("v26.0" when empty).
	APIVersion string
}

// Client publishes to Facebook Pages.
type Client struct {
	*OAuth
	graph *Graph
	web   string // origin of www.facebook.com (or the sandbox's stand-in)
}

// NewClient returns a Client calling the hosts' Graph API through httpClient.
func NewClient(httpClient *http.Client, hosts platform.Hosts, cfg Config) *Client {
	return &Client{
		OAuth: NewOAuth(httpClient, hosts, cfg.ClientID, cfg.ClientSecret, cfg.APIVersion, Scopes, platform.Facebook),
		graph: NewGraph(httpClient, hosts, cfg.APIVersion, platform.Facebook),
		web:   hosts.Origin(LoginOrigin),
	}
}

// Accounts lists the Pages the user can publish to, one account each, with
// the Page token as AccessToken (Page tokens got from a long-lived user token
// do not expire). Pages where the user lacks the CREATE_CONTENT or MANAGE task
// are left out.
//
// https://developers.facebook.com/docs/pages-api/overview#get-page-access-tokens
func (c *Client) Accounts(ctx context.Context, tok *oauth2.Token) ([]platform.Account, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, &platform.Error{Platform: platform.Facebook, Op: "list pages", Kind: platform.KindAuth, Message: "no access token"}
	}
	pages, err := c.graph.Pages(ctx, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	var out []platform.Account
	for _, p := range pages {
		if !p.CanPublish() || p.AccessToken == "" {
			continue
		}
		out = append(out, platform.Account{ExternalID: p.ID, Name: p.Name, AvatarURL: p.PictureURL, Kind: "page", AccessToken: p.AccessToken})
	}
	return out, nil
}

// Publish posts p to the Page t with the Page token: text and link on
// /feed, one image on /photos, several as unpublished photos attached to a
// /feed post, a video on /videos. It returns the post id and permalink.
//
// https://developers.facebook.com/docs/pages-api/posts
func (c *Client) Publish(ctx context.Context, t platform.Target, p platform.Post) (platform.Published, error) {
	const op = "create post"
	text := p.Text
	if len(p.Thread) > 0 {
		text = strings.Join(p.Thread, "\n\n")
	}
	if err := validate(text, p); err != nil {
		return platform.Published{}, err
	}
	page := "/" + url.PathEscape(t.ExternalID)
	var id string
	switch {
	case p.VideoURL != "":
		var resp idResp
		form := url.Values{"file_url": {p.VideoURL}, "description": {withLink(text, p.Link)}}
		if err := c.graph.Post(ctx, op, t.AccessToken, page+"/videos", form, &resp); err != nil {
			return platform.Published{}, err
		}
		if resp.ID == "" {
			return platform.Published{}, platform.Malformed(platform.Facebook, op, http.StatusOK, errMissing("id"))
		}
		return c.videoPublished(ctx, t, resp.ID), nil
	case len(p.ImageURLs) == 1:
		var resp struct {
			ID     string `json:"id"`
			PostID string `json:"post_id"`
		}
		form := url.Values{"url": {p.ImageURLs[0]}, "caption": {withLink(text, p.Link)}}
		if alt := p.Alt[p.ImageURLs[0]]; alt != "" {
			form.Set("alt_text_custom", alt) // platform-apis.md: Page photos
		}
		if err := c.graph.Post(ctx, op, t.AccessToken, page+"/photos", form, &resp); err != nil {
			return platform.Published{}, err
		}
		if resp.ID == "" && resp.PostID == "" {
			return platform.Published{}, platform.Malformed(platform.Facebook, op, http.StatusOK, errMissing("id"))
		}
		id = resp.PostID
		if id == "" {
			id = resp.ID
		}
	case len(p.ImageURLs) > 1:
		var media []map[string]string
		for _, u := range p.ImageURLs {
			var resp idResp
			form := url.Values{"url": {u}, "published": {"false"}}
			if alt := p.Alt[u]; alt != "" {
				form.Set("alt_text_custom", alt)
			}
			if err := c.graph.Post(ctx, "upload photo", t.AccessToken, page+"/photos", form, &resp); err != nil {
				return platform.Published{}, err
			}
			if resp.ID == "" {
				return platform.Published{}, platform.Malformed(platform.Facebook, "upload photo", http.StatusOK, errMissing("id"))
			}
			media = append(media, map[string]string{"media_fbid": resp.ID})
		}
		attached, _ := json.Marshal(media)
		form := url.Values{"message": {withLink(text, p.Link)}, "attached_media": {string(attached)}}
		var resp idResp
		if err := c.graph.Post(ctx, op, t.AccessToken, page+"/feed", form, &resp); err != nil {
			return platform.Published{}, err
		}
		id = resp.ID
	default:
		form := url.Values{}
		if text != "" {
			form.Set("message", text)
		}
		if p.Link != "" {
			form.Set("link", p.Link)
		}
		var resp idResp
		if err := c.graph.Post(ctx, op, t.AccessToken, page+"/feed", form, &resp); err != nil {
			return platform.Published{}, err
		}
		id = resp.ID
	}
	if id == "" {
		return platform.Published{}, platform.Malformed(platform.Facebook, op, http.StatusOK, errMissing("id"))
	}
	return platform.Published{ID: id, URL: c.permalink(ctx, t, id)}, nil
}

type idResp struct {
	ID string `json:"id"`
}

func validate(text string, p platform.Post) error {
	msg := ""
	switch {
	case text == "" && p.Link == "" && len(p.ImageURLs) == 0 && p.VideoURL == "":
		msg = "a Facebook post needs text, a link, an image or a video"
	case utf8.RuneCountInString(text) > MaxMessageRunes:
		msg = "a Facebook post is at most 63,206 characters"
	case p.VideoURL != "" && len(p.ImageURLs) > 0:
		msg = "a Facebook post has either images or a video, not both"
	}
	if msg == "" {
		return nil
	}
	return &platform.Error{Platform: platform.Facebook, Op: "create post", Kind: platform.KindPermanent, Message: msg}
}

// withLink appends the link to a photo caption or video description, which
// have no link parameter.
func withLink(text, link string) string {
	switch {
	case link == "":
		return text
	case text == "":
		return link
	}
	return text + "\n\n" + link
}

// permalink reads the post's permalink_url. The post exists whatever happens
// here, so a failed read falls back to the canonical URL instead of failing
// the publication.
//
// https://developers.facebook.com/docs/graph-api/reference/pagepost
func (c *Client) permalink(ctx context.Context, t platform.Target, id string) string {
	var resp struct {
		PermalinkURL string `json:"permalink_url"`
	}
	q := url.Values{"fields": {"permalink_url"}}
	if err := c.graph.Get(ctx, "read post", t.AccessToken, "/"+url.PathEscape(id), q, &resp); err != nil || resp.PermalinkURL == "" {
		return c.web + "/" + id
	}
	return c.absolute(resp.PermalinkURL)
}

// videoPublished reads a video's post id and permalink.
//
// https://developers.facebook.com/docs/graph-api/reference/video
func (c *Client) videoPublished(ctx context.Context, t platform.Target, videoID string) platform.Published {
	var resp struct {
		PermalinkURL string `json:"permalink_url"`
		PostID       string `json:"post_id"`
	}
	q := url.Values{"fields": {"permalink_url,post_id"}}
	out := platform.Published{ID: videoID, URL: c.web + "/" + videoID}
	if err := c.graph.Get(ctx, "read video", t.AccessToken, "/"+url.PathEscape(videoID), q, &resp); err != nil {
		return out
	}
	if resp.PostID != "" {
		out.ID = resp.PostID
	}
	if resp.PermalinkURL != "" {
		out.URL = c.absolute(resp.PermalinkURL)
	}
	return out
}

// absolute makes Graph's site-relative permalinks ("/page/videos/1/")
// absolute, on www.facebook.com or, in sandbox mode, its sandbox stand-in.
func (c *Client) absolute(u string) string {
	if strings.HasPrefix(u, "/") {
		return c.web + u
	}
	if rest, ok := strings.CutPrefix(u, LoginOrigin+"/"); ok {
		return c.web + "/" + rest // in sandbox mode, the sandbox's page
	}
	return u
}

// graphTime is Graph's timestamp layout ("2026-11-25T10:00:00+0000").
const graphTime = "2006-01-02T15:04:05-0700"

// ParseTime reads a Graph timestamp.
func ParseTime(v string) (time.Time, error) {
	t, err := time.Parse(graphTime, v)
	if err != nil {
		t, err = time.Parse(time.RFC3339, v)
	}
	return t, err
}

// RecentPosts lists the Page's published posts created since since.
//
// https://developers.facebook.com/docs/graph-api/reference/page/published_posts/
func (c *Client) RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error) {
	const op = "list posts"
	q := url.Values{"fields": {"id,message,created_time,permalink_url"}, "limit": {"100"}}
	if !since.IsZero() {
		q.Set("since", strconv.FormatInt(since.Unix(), 10))
	}
	var out []platform.RecentPost
	for range maxPages {
		var resp struct {
			Data []struct {
				ID          string `json:"id"`
				Message     string `json:"message"`
				CreatedTime string `json:"created_time"`
				Permalink   string `json:"permalink_url"`
			} `json:"data"`
			Paging paging `json:"paging"`
		}
		if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(t.ExternalID)+"/published_posts", q, &resp); err != nil {
			return nil, err
		}
		for _, d := range resp.Data {
			created, err := ParseTime(d.CreatedTime)
			if err != nil || d.ID == "" {
				return nil, platform.Malformed(platform.Facebook, op, http.StatusOK, errors.New("post without id or created_time"))
			}
			if created.Before(since) {
				continue
			}
			out = append(out, platform.RecentPost{ID: d.ID, Text: d.Message, URL: c.absolute(d.Permalink), CreatedAt: created})
		}
		after, more := resp.Paging.nextCursor()
		if !more {
			break
		}
		q.Set("after", after)
	}
	return out, nil
}
