package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// PostMetrics reads a post's engagement from the post node (reactions,
// comments, shares) and its reach from the insights edge (post_media_view,
// post_total_media_view_unique, post_clicks). Insights the Page cannot give
// (Graph code 100 or 10: too few likes, metric unavailable, no read_insights)
// stay unknown; they are never reported as zero.
//
// https://developers.facebook.com/docs/graph-api/reference/pagepost
// https://developers.facebook.com/docs/graph-api/reference/insights
func (c *Client) PostMetrics(ctx context.Context, t platform.Target, postID string) (platform.Metrics, error) {
	const op = "read post metrics"
	node := "/" + url.PathEscape(postID)
	var post struct {
		Shares *struct {
			Count int64 `json:"count"`
		} `json:"shares"`
		Reactions *summaryEdge `json:"reactions"`
		Comments  *summaryEdge `json:"comments"`
	}
	q := url.Values{"fields": {"shares,reactions.summary(total_count),comments.summary(total_count)"}}
	if err := c.graph.Get(ctx, op, t.AccessToken, node, q, &post); err != nil {
		return platform.Metrics{}, err
	}
	var m platform.Metrics
	// Graph leaves "shares" out of a post nobody shared: that is zero.
	if post.Shares != nil {
		m.Shares = platform.Count(post.Shares.Count)
	} else {
		m.Shares = platform.Count(0)
	}
	if post.Reactions != nil && post.Reactions.Summary != nil {
		m.Likes = platform.Count(post.Reactions.Summary.TotalCount)
	}
	if post.Comments != nil && post.Comments.Summary != nil {
		m.Comments = platform.Count(post.Comments.Summary.TotalCount)
	}
	values, err := Insights(ctx, c.graph, op, t.AccessToken, node, "post_media_view,post_total_media_view_unique,post_clicks")
	if err != nil {
		if unavailable(err) {
			return m, nil
		}
		return platform.Metrics{}, err
	}
	m.Impressions = values["post_media_view"]
	m.Reach = values["post_total_media_view_unique"]
	m.Clicks = values["post_clicks"]
	return m, nil
}

type summaryEdge struct {
	Summary *struct {
		TotalCount int64 `json:"total_count"`
	} `json:"summary"`
}

// unavailable reports an insights error that means "no figure" rather than
// a failure: invalid/unsupported metric (100) or no permission (10).
func unavailable(err error) bool {
	var pe *platform.Error
	if !errors.As(err, &pe) || pe.Kind != platform.KindPermanent {
		return false
	}
	code := pe.Code
	for i := range code {
		if code[i] == '/' {
			code = code[:i]
			break
		}
	}
	return code == "100" || code == "10"
}

// Unavailable is unavailable for the Instagram adapter.
func Unavailable(err error) bool { return unavailable(err) }

// Insights reads node's /insights for the comma-separated metrics and returns
// the latest value of each number-valued metric present; a metric missing
// from the answer is absent from the map (unknown).
//
// https://developers.facebook.com/docs/graph-api/reference/insights
func Insights(ctx context.Context, g *Graph, op, token, node, metrics string) (map[string]*int64, error) {
	var resp struct {
		Data []struct {
			Name   string `json:"name"`
			Values []struct {
				Value json.RawMessage `json:"value"`
			} `json:"values"`
			TotalValue *struct {
				Value json.RawMessage `json:"value"`
			} `json:"total_value"`
		} `json:"data"`
	}
	if err := g.Get(ctx, op, token, node+"/insights", url.Values{"metric": {metrics}}, &resp); err != nil {
		return nil, err
	}
	out := map[string]*int64{}
	for _, d := range resp.Data {
		var raw json.RawMessage
		switch {
		case len(d.Values) > 0:
			raw = d.Values[len(d.Values)-1].Value
		case d.TotalValue != nil:
			raw = d.TotalValue.Value
		default:
			continue
		}
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			continue // an object-valued metric (a breakdown): not a count
		}
		v, err := n.Int64()
		if err != nil {
			f, ferr := n.Float64()
			if ferr != nil {
				return nil, platform.Malformed(g.platform, op, http.StatusOK, err)
			}
			v = int64(f)
		}
		out[d.Name] = platform.Count(v)
	}
	return out, nil
}

// AccountMetrics reads the Page's followers (followers_count, else fan_count).
//
// https://developers.facebook.com/docs/graph-api/reference/page
func (c *Client) AccountMetrics(ctx context.Context, t platform.Target) (platform.Metrics, error) {
	const op = "read page metrics"
	var resp struct {
		Followers *int64 `json:"followers_count"`
		Fans      *int64 `json:"fan_count"`
	}
	q := url.Values{"fields": {"followers_count,fan_count"}}
	if err := c.graph.Get(ctx, op, t.AccessToken, "/"+url.PathEscape(t.ExternalID), q, &resp); err != nil {
		return platform.Metrics{}, err
	}
	m := platform.Metrics{Followers: resp.Followers}
	if m.Followers == nil {
		m.Followers = resp.Fans
	}
	if m.Followers == nil {
		return platform.Metrics{}, platform.Malformed(platform.Facebook, op, http.StatusOK, errMissing("followers_count"))
	}
	return m, nil
}
