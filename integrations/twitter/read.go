package twitter

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// maxTimelinePages bounds RecentPosts (100 posts a page).
const maxTimelinePages = 10

// timelineEarliest is the earliest start_time X accepts.
var timelineEarliest = time.Date(2010, 11, 6, 0, 0, 0, 0, time.UTC)

// RecentPosts lists the target user's posts created since since, newest
// first (GET /2/users/:id/tweets with start_time), at most 1,000.
//
// https://docs.x.com/x-api/users/get-posts
func (c *Client) RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error) {
	const op = "list recent posts"
	if since.Before(timelineEarliest) {
		since = timelineEarliest
	}
	q := url.Values{
		"start_time":   {since.UTC().Format("2006-01-02T15:04:05Z")},
		"tweet.fields": {"created_at"},
		"max_results":  {"100"},
	}
	var posts []platform.RecentPost
	for page := 0; page < maxTimelinePages; page++ {
		var out struct {
			Data []struct {
				ID        string    `json:"id"`
				Text      string    `json:"text"`
				CreatedAt time.Time `json:"created_at"`
			} `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		path := "/2/users/" + url.PathEscape(t.ExternalID) + "/tweets?" + q.Encode()
		if err := c.call(ctx, op, http.MethodGet, path, t.AccessToken, nil, http.StatusOK, &out); err != nil {
			return nil, err
		}
		for _, d := range out.Data {
			if d.ID == "" {
				return nil, platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("post without id"))
			}
			posts = append(posts, platform.RecentPost{ID: d.ID, Text: d.Text, URL: c.permalink(d.ID), CreatedAt: d.CreatedAt})
		}
		if out.Meta.NextToken == "" {
			break
		}
		q.Set("pagination_token", out.Meta.NextToken)
	}
	return posts, nil
}

// postMetrics decodes the metric objects of a post. X's production spec
// (v2.167) spells reposts repost_count; the docs and older answers
// retweet_count: both are read.
type postMetrics struct {
	RetweetCount    *int64 `json:"retweet_count"`
	RepostCount     *int64 `json:"repost_count"`
	ReplyCount      *int64 `json:"reply_count"`
	LikeCount       *int64 `json:"like_count"`
	QuoteCount      *int64 `json:"quote_count"`
	BookmarkCount   *int64 `json:"bookmark_count"`
	ImpressionCount *int64 `json:"impression_count"`
	URLLinkClicks   *int64 `json:"url_link_clicks"`
}

func (m *postMetrics) reposts() *int64 {
	if m == nil {
		return nil
	}
	if m.RetweetCount != nil {
		return m.RetweetCount
	}
	return m.RepostCount
}

// PostMetrics reads a post's metrics: public ones, plus the non-public and
// organic ones X gives the owner for posts under 30 days old. Impressions
// prefer the non-public count; shares are reposts plus quotes; clicks are
// link clicks; saves are bookmarks. X gives no reach: it stays unknown.
//
// https://docs.x.com/x-api/posts/get-post-by-id and
// https://docs.x.com/x-api/fundamentals/metrics
func (c *Client) PostMetrics(ctx context.Context, t platform.Target, postID string) (platform.Metrics, error) {
	const op = "get post metrics"
	var out struct {
		Data *struct {
			ID        string       `json:"id"`
			Public    *postMetrics `json:"public_metrics"`
			NonPublic *postMetrics `json:"non_public_metrics"`
			Organic   *postMetrics `json:"organic_metrics"`
		} `json:"data"`
	}
	q := url.Values{"tweet.fields": {"public_metrics,non_public_metrics,organic_metrics"}}
	if err := c.call(ctx, op, http.MethodGet, "/2/tweets/"+url.PathEscape(postID)+"?"+q.Encode(), t.AccessToken, nil, http.StatusOK, &out); err != nil {
		return platform.Metrics{}, err
	}
	if out.Data == nil || out.Data.ID == "" {
		return platform.Metrics{}, platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("no post in answer"))
	}
	d := out.Data
	var m platform.Metrics
	first := func(vs ...*int64) *int64 {
		for _, v := range vs {
			if v != nil {
				return v
			}
		}
		return nil
	}
	pick := func(f func(*postMetrics) *int64) *int64 {
		var vs []*int64
		for _, pm := range []*postMetrics{d.NonPublic, d.Organic, d.Public} {
			if pm != nil {
				vs = append(vs, f(pm))
			}
		}
		return first(vs...)
	}
	m.Impressions = pick(func(p *postMetrics) *int64 { return p.ImpressionCount })
	m.Clicks = pick(func(p *postMetrics) *int64 { return p.URLLinkClicks })
	if d.Public != nil {
		m.Likes = d.Public.LikeCount
		m.Comments = d.Public.ReplyCount
		m.Saves = d.Public.BookmarkCount
		if r := d.Public.reposts(); r != nil {
			shares := *r
			if d.Public.QuoteCount != nil {
				shares += *d.Public.QuoteCount
			}
			m.Shares = platform.Count(shares)
		}
	}
	return m, nil
}

// AccountMetrics reads the target user's follower count (GET /2/users/:id
// with user.fields=public_metrics).
//
// https://docs.x.com/x-api/users/get-user-by-id
func (c *Client) AccountMetrics(ctx context.Context, t platform.Target) (platform.Metrics, error) {
	const op = "get account metrics"
	var out struct {
		Data *user `json:"data"`
	}
	q := url.Values{"user.fields": {"public_metrics"}}
	if err := c.call(ctx, op, http.MethodGet, "/2/users/"+url.PathEscape(t.ExternalID)+"?"+q.Encode(), t.AccessToken, nil, http.StatusOK, &out); err != nil {
		return platform.Metrics{}, err
	}
	if out.Data == nil || out.Data.PublicMetrics == nil || out.Data.PublicMetrics.FollowersCount == nil {
		return platform.Metrics{}, platform.Malformed(platform.Twitter, op, http.StatusOK, fmt.Errorf("no public_metrics.followers_count"))
	}
	return platform.Metrics{Followers: out.Data.PublicMetrics.FollowersCount}, nil
}
