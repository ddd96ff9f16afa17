package linkedin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

type postElement struct {
	ID             string `json:"id"`
	Author         string `json:"author"`
	Commentary     string `json:"commentary"`
	CreatedAt      int64  `json:"createdAt"`
	PublishedAt    int64  `json:"publishedAt"`
	LifecycleState string `json:"lifecycleState"`
}

type postPage struct {
	Elements []postElement `json:"elements"`
	Paging   struct {
		Start int `json:"start"`
		Count int `json:"count"`
		Total int `json:"total"`
	} `json:"paging"`
}

// RecentPosts reads t's posts created at or after since, newest first, with
// the Posts API's author finder. For an organization this needs
// r_organization_social; for a member, r_member_social (partners only):
// without it LinkedIn answers 403 ACCESS_DENIED, returned as a permanent error.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
func (c *Client) RecentPosts(ctx context.Context, t platform.Target, since time.Time) ([]platform.RecentPost, error) {
	const op, pageSize, maxPages = "list posts", 50, 4
	header := http.Header{"X-Restli-Method": {"FINDER"}}
	var out []platform.RecentPost
	for page := 0; page < maxPages; page++ {
		var pp postPage
		path := "/rest/posts?q=author&author=" + escURN(t.ExternalID) + "&count=" + strconv.Itoa(pageSize) +
			"&start=" + strconv.Itoa(page*pageSize) + "&sortBy=LAST_MODIFIED"
		if _, err := c.call(ctx, op, http.MethodGet, path, t.AccessToken, nil, &pp, header); err != nil {
			return nil, err
		}
		older := false
		for _, e := range pp.Elements {
			if e.ID == "" {
				return nil, platform.Malformed(platform.LinkedIn, op, http.StatusOK, errors.New("post without id"))
			}
			created := time.UnixMilli(e.CreatedAt).UTC()
			if created.Before(since) {
				older = true
				continue
			}
			out = append(out, platform.RecentPost{ID: e.ID, Text: UnescapeLittleText(e.Commentary), URL: c.permalink(e.ID), CreatedAt: created})
		}
		if older || len(pp.Elements) < pageSize {
			break
		}
	}
	return out, nil
}

type shareStats struct {
	Elements []struct {
		Share                string `json:"share"`
		UGCPost              string `json:"ugcPost"`
		TotalShareStatistics struct {
			ImpressionCount        *int64 `json:"impressionCount"`
			UniqueImpressionsCount *int64 `json:"uniqueImpressionsCount"`
			ClickCount             *int64 `json:"clickCount"`
			LikeCount              *int64 `json:"likeCount"`
			CommentCount           *int64 `json:"commentCount"`
			ShareCount             *int64 `json:"shareCount"`
		} `json:"totalShareStatistics"`
	} `json:"elements"`
}

type socialActions struct {
	LikesSummary *struct {
		TotalLikes *int64 `json:"totalLikes"`
	} `json:"likesSummary"`
	CommentsSummary *struct {
		AggregatedTotalComments *int64 `json:"aggregatedTotalComments"`
		TotalFirstLevelComments *int64 `json:"totalFirstLevelComments"`
	} `json:"commentsSummary"`
}

// PostMetrics reads a post's figures. For an organization's post, the
// organizational entity share statistics: impressions, unique impressions
// (reach), clicks, likes, comments, shares. For a member's post, social
// actions: likes and comments; the rest is unknown (nil).
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/network-update-social-actions
func (c *Client) PostMetrics(ctx context.Context, t platform.Target, postID string) (platform.Metrics, error) {
	if isOrg(t.ExternalID) {
		const op = "get post statistics"
		param := "shares"
		if strings.HasPrefix(postID, "urn:li:ugcPost:") {
			param = "ugcPosts"
		}
		var st shareStats
		path := "/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=" + escURN(t.ExternalID) +
			"&" + param + "=List(" + escURN(postID) + ")"
		if _, err := c.call(ctx, op, http.MethodGet, path, t.AccessToken, nil, &st, nil); err != nil {
			return platform.Metrics{}, err
		}
		for _, e := range st.Elements {
			if e.Share != postID && e.UGCPost != postID {
				continue
			}
			s := e.TotalShareStatistics
			return platform.Metrics{Impressions: s.ImpressionCount, Reach: s.UniqueImpressionsCount, Clicks: s.ClickCount,
				Likes: s.LikeCount, Comments: s.CommentCount, Shares: s.ShareCount}, nil
		}
		// No statistics yet for this post: every figure is unknown.
		return platform.Metrics{}, nil
	}
	const op = "get social actions"
	var sa socialActions
	if _, err := c.call(ctx, op, http.MethodGet, "/rest/socialActions/"+escURN(postID), t.AccessToken, nil, &sa, nil); err != nil {
		return platform.Metrics{}, err
	}
	var m platform.Metrics
	if sa.LikesSummary != nil {
		m.Likes = sa.LikesSummary.TotalLikes
	}
	if sa.CommentsSummary != nil {
		m.Comments = sa.CommentsSummary.AggregatedTotalComments
		if m.Comments == nil {
			m.Comments = sa.CommentsSummary.TotalFirstLevelComments
		}
	}
	return m, nil
}

// AccountMetrics reads an organization's follower count (network size,
// edge COMPANY_FOLLOWED_BY_MEMBER). LinkedIn gives no follower count for a
// member to a third-party app: every figure is unknown, and nothing is called.
// https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-lookup-api
func (c *Client) AccountMetrics(ctx context.Context, t platform.Target) (platform.Metrics, error) {
	if !isOrg(t.ExternalID) {
		return platform.Metrics{}, nil
	}
	const op = "get followers"
	var ns struct {
		FirstDegreeSize *int64 `json:"firstDegreeSize"`
	}
	path := "/rest/networkSizes/" + escURN(t.ExternalID) + "?edgeType=COMPANY_FOLLOWED_BY_MEMBER"
	if _, err := c.call(ctx, op, http.MethodGet, path, t.AccessToken, nil, &ns, nil); err != nil {
		return platform.Metrics{}, err
	}
	if ns.FirstDegreeSize == nil {
		return platform.Metrics{}, platform.Malformed(platform.LinkedIn, op, http.StatusOK, errors.New("networkSizes without firstDegreeSize"))
	}
	return platform.Metrics{Followers: ns.FirstDegreeSize}, nil
}
