package sandbox

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Instagram API with Facebook Login: IG users (the instagram_business_account
// of a Page), their media containers, media_publish, content_publishing_limit,
// media and media insights, all on graph.facebook.com through the Graph
// dispatcher (facebook_graph.go). A caller needs the linked Page's token or
// the token of a person with a role on that Page. Callers hold s.mu.

type igUser struct {
	ID         string      `json:"id"`
	Username   string      `json:"username"`
	Name       string      `json:"name"`
	PageID     string      `json:"page_id"`
	Followers  int64       `json:"followers"`
	Follows    int64       `json:"follows"`
	MediaIDs   []string    `json:"media_ids"` // oldest first
	Publishes  []time.Time `json:"publishes"` // API publications of the last 24 h, oldest first
	QuotaTotal int         `json:"quota_total"`
}

type igContainer struct {
	ID             string    `json:"id"`
	UserID         string    `json:"user_id"`
	MediaType      string    `json:"media_type"` // IMAGE, REELS, VIDEO, CAROUSEL, STORIES
	ImageURL       string    `json:"image_url,omitempty"`
	VideoURL       string    `json:"video_url,omitempty"`
	Caption        string    `json:"caption,omitempty"`
	Children       []string  `json:"children,omitempty"`
	IsCarouselItem bool      `json:"is_carousel_item,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	ErrorStatus    string    `json:"error_status,omitempty"` // set when processing will fail
	MediaID        string    `json:"media_id,omitempty"`     // once published
}

type igMedia struct {
	ID          string    `json:"id"`
	UserID      string    `json:"user_id"`
	Caption     string    `json:"caption,omitempty"`
	MediaType   string    `json:"media_type"`   // IMAGE, VIDEO, CAROUSEL_ALBUM
	ProductType string    `json:"product_type"` // FEED, REELS, STORY
	MediaURL    string    `json:"media_url"`
	Shortcode   string    `json:"shortcode"`
	Children    []string  `json:"children,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// igQuotaTotal is the content publishing limit per 24 h. The publishing
// guide says 100, the content_publishing_limit reference "currently 50":
// the sandbox takes the stricter figure.
const igQuotaTotal = 50

func (s *Sandbox) routesInstagram() {
	// Instagram with Facebook Login is served by the Graph dispatcher
	// registered in routesFacebook (same host, graph.facebook.com); here
	// only the posts' web pages.
	s.mux.HandleFunc("GET /www.instagram.com/p/{code}/", s.igPermalink)
	s.mux.HandleFunc("GET /www.instagram.com/reel/{code}/", s.igPermalink)
}

// isInstagramGraphPath reports whether a graph.facebook.com path belongs to
// the Instagram Graph API (an ig-user or container), so faults for
// "instagram" match it.
func isInstagramGraphPath(path string) bool {
	node, _, _ := strings.Cut(strings.TrimPrefix(stripGraphVersion(path), "/"), "/")
	if len(node) != 17 || !(strings.HasPrefix(node, "17841") || strings.HasPrefix(node, "179")) {
		return false
	}
	_, err := strconv.ParseUint(node, 10, 64)
	return err == nil
}

func (s *Sandbox) igID() string { return fmt.Sprintf("179%014d", s.nextID()) }

// igAddMedia stores a published media; callers hold s.mu.
func (s *Sandbox) igAddMedia(u *igUser, m *igMedia, at time.Time) *igMedia {
	m.ID = s.igID()
	m.UserID = u.ID
	m.CreatedAt = at
	n, _ := strconv.ParseUint(m.ID, 10, 64)
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	m.Shortcode = "C" + base64.RawURLEncoding.EncodeToString(b)
	s.st.Facebook.Media[m.ID] = m
	u.MediaIDs = append(u.MediaIDs, m.ID)
	s.touch()
	return m
}

func (c *gctx) igUserValues(u *igUser) map[string]any {
	age := c.s.now().Sub(c.s.st.Facebook.SeededAt)
	return map[string]any{
		"id": u.ID, "ig_id": 1000000 + len(u.ID), "username": u.Username, "name": u.Name,
		"profile_picture_url": "https://picsum.photos/seed/" + u.Username + "/150/150.jpg",
		"followers_count":     u.Followers + growth(age, 30), "follows_count": u.Follows,
		"media_count": len(u.MediaIDs), "biography": "Specialty coffee, roasted in small batches.",
		"website": "https://example.com/" + u.Username,
	}
}

var igUserFields = []string{"id", "ig_id", "username", "name", "profile_picture_url", "followers_count", "follows_count",
	"media_count", "biography", "website"}

func (c *gctx) igUserNode(u *igUser) gresp {
	if !c.canActOn(u.PageID) {
		return c.noObject()
	}
	if e := c.need("instagram_basic"); e != nil {
		return fail(e)
	}
	switch {
	case c.edge == "" && c.method == http.MethodGet && strings.HasPrefix(c.p.Get("fields"), "mentioned_comment."):
		return c.igMentionedComment(u)
	case c.edge == "mentions" && c.method == http.MethodPost:
		return c.igAnswerMention(u)
	case c.edge == "" && c.method == http.MethodGet:
		return c.selectFields(c.igUserValues(u), igUserFields, "id")
	case c.edge == "media" && c.method == http.MethodPost:
		return c.igCreateContainer(u)
	case c.edge == "media" && c.method == http.MethodGet:
		return c.igListMedia(u)
	case c.edge == "media_publish" && c.method == http.MethodPost:
		return c.igPublish(u)
	case c.edge == "content_publishing_limit" && c.method == http.MethodGet:
		return c.igPublishingLimit(u)
	}
	return c.unsupported()
}

// igTrim drops publications older than 24 h (amortised O(1)).
func (c *gctx) igTrim(u *igUser) {
	cut := c.s.now().Add(-24 * time.Hour)
	i := 0
	for i < len(u.Publishes) && u.Publishes[i].Before(cut) {
		i++
	}
	if i > 0 {
		u.Publishes = u.Publishes[i:]
		c.s.touch()
	}
}

func (c *gctx) igPublishingLimit(u *igUser) gresp {
	if since, has := timeParam(c.p.Get("since")); has && since.Before(c.s.now().Add(-24*time.Hour)) {
		return fail(&graphError{Code: 100, Message: "(#100) The since parameter must be a timestamp within the last 24 hours"})
	}
	c.igTrim(u)
	fields := parseFields(c.p.Get("fields"))
	if len(fields) == 0 {
		fields = []field{{name: "quota_usage"}}
	}
	item := map[string]any{}
	for _, f := range fields {
		switch f.name {
		case "quota_usage":
			item["quota_usage"] = len(u.Publishes)
		case "config":
			item["config"] = map[string]int{"quota_total": u.QuotaTotal, "quota_duration": 86400}
		default:
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (ContentPublishingLimitResponse)", f.name)})
		}
	}
	return ok(map[string]any{"data": []any{item}})
}

func (c *gctx) igMediaValues(m *igMedia) map[string]any {
	u := c.s.st.Facebook.IGUsers[m.UserID]
	st := statsFor(m.ID, c.s.now().Sub(m.CreatedAt))
	kind := "p"
	if m.ProductType == "REELS" {
		kind = "reel"
	}
	v := map[string]any{
		"id": m.ID, "media_type": m.MediaType, "media_product_type": m.ProductType, "media_url": m.MediaURL,
		"permalink": "https://www.instagram.com/" + kind + "/" + m.Shortcode + "/", "shortcode": m.Shortcode,
		"timestamp": graphTime(m.CreatedAt), "username": u.Username, "like_count": st.reactions,
		"comments_count": st.comments, "owner": map[string]string{"id": u.ID}, "is_comment_enabled": true,
	}
	if m.Caption != "" {
		v["caption"] = m.Caption
	}
	if m.MediaType == "VIDEO" {
		v["thumbnail_url"] = m.MediaURL + ".thumb.jpg"
	}
	return v
}

var igMediaFields = []string{"id", "caption", "media_type", "media_product_type", "media_url", "permalink", "shortcode",
	"timestamp", "username", "like_count", "comments_count", "owner", "is_comment_enabled", "thumbnail_url", "children"}

func (c *gctx) igListMedia(u *igUser) gresp {
	since, hasSince := timeParam(c.p.Get("since"))
	until, hasUntil := timeParam(c.p.Get("until"))
	fields := parseFields(c.p.Get("fields"))
	if len(fields) == 0 {
		fields = []field{{name: "id"}}
	}
	for _, f := range fields {
		if !slices.Contains(igMediaFields, f.name) {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (IGMedia)", f.name)})
		}
	}
	var ids []string
	for i := len(u.MediaIDs) - 1; i >= 0; i-- {
		m := c.s.st.Facebook.Media[u.MediaIDs[i]]
		if hasUntil && m.CreatedAt.After(until) {
			continue
		}
		if hasSince && m.CreatedAt.Before(since) {
			break
		}
		ids = append(ids, m.ID)
	}
	return c.listing(len(ids), func(i int) (any, bool) {
		all := c.igMediaValues(c.s.st.Facebook.Media[ids[i]])
		out := map[string]any{"id": ids[i]}
		for _, f := range fields {
			if v, present := all[f.name]; present {
				out[f.name] = v
			}
		}
		return out, true
	})
}

func (c *gctx) igMediaNode(m *igMedia) gresp {
	u := c.s.st.Facebook.IGUsers[m.UserID]
	if !c.canActOn(u.PageID) {
		return c.noObject()
	}
	if e := c.need("instagram_basic"); e != nil {
		return fail(e)
	}
	switch {
	case c.edge == "" && c.method == http.MethodGet:
		v := c.igMediaValues(m)
		if len(m.Children) > 0 {
			data := []any{}
			for _, id := range m.Children {
				data = append(data, map[string]string{"id": id})
			}
			v["children"] = map[string]any{"data": data}
		}
		return c.selectFields(v, igMediaFields, "id")
	case c.edge == "insights" && c.method == http.MethodGet:
		return c.igInsights(m)
	case c.edge == "comments":
		return c.igMediaComments(m)
	}
	return c.unsupported()
}

// igInsightMetrics are the media metrics in service; impressions, plays,
// clips_replays_count, ig_reels_aggregated_all_plays_count and video_views
// were withdrawn and are refused like any unknown name.
var igInsightMetrics = []string{"views", "reach", "likes", "comments", "shares", "saved", "total_interactions",
	"follows", "profile_visits", "profile_activity", "ig_reels_avg_watch_time", "ig_reels_video_view_total_time"}

func (c *gctx) igInsights(m *igMedia) gresp {
	if e := c.need("instagram_manage_insights"); e != nil {
		return fail(e)
	}
	raw := c.p.Get("metric")
	if raw == "" {
		return fail(&graphError{Code: 100, Message: "(#100) The parameter metric is required"})
	}
	st := statsFor(m.ID, c.s.now().Sub(m.CreatedAt))
	values := map[string]int64{"views": st.views, "reach": st.reach, "likes": st.reactions, "comments": st.comments,
		"shares": st.shares, "saved": st.saves, "total_interactions": st.reactions + st.comments + st.shares + st.saves,
		"follows": st.shares / 2, "profile_visits": st.clicks, "profile_activity": st.clicks / 3,
		"ig_reels_avg_watch_time": 4200, "ig_reels_video_view_total_time": st.views * 4200}
	data := []any{}
	for i, name := range strings.Split(raw, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(igInsightMetrics, name) || (strings.HasPrefix(name, "ig_reels") && m.ProductType != "REELS") {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) metric[%d] must be one of the following values: %s", i, strings.Join(igInsightMetrics, ", "))})
		}
		data = append(data, map[string]any{"name": name, "period": "lifetime", "values": []any{map[string]int64{"value": values[name]}},
			"title": name, "description": "Lifetime " + name, "id": m.ID + "/insights/" + name + "/lifetime"})
	}
	return ok(map[string]any{"data": data})
}
