package sandbox

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Pages: the Page node, its edges (feed, photos, videos, published_posts,
// insights) and the post, photo and video nodes. Callers hold s.mu.

const fbMaxMessage = 63206

func (c *gctx) pageValues(pg *fbPage) map[string]any {
	age := c.s.now().Sub(c.s.st.Facebook.SeededAt)
	v := map[string]any{
		"id": pg.ID, "name": pg.Name, "username": pg.Username, "category": pg.Category,
		"category_list":   []map[string]string{{"id": "2200", "name": pg.Category}},
		"followers_count": pg.Followers + growth(age, 40),
		"fan_count":       pg.Fans + growth(age, 35),
		"link":            "https://www.facebook.com/" + pg.Username,
		"picture": map[string]any{"data": map[string]any{"height": 50, "width": 50, "is_silhouette": false,
			"url": "https://picsum.photos/seed/" + pg.Username + "/50/50.jpg"}},
	}
	if pg.IGUserID != "" {
		v["instagram_business_account"] = map[string]string{"id": pg.IGUserID}
	}
	return v
}

var pageFields = []string{"id", "name", "username", "category", "category_list", "followers_count", "fan_count", "link",
	"picture", "instagram_business_account", "access_token", "about", "website", "verification_status"}

func (c *gctx) pageNode(pg *fbPage) gresp {
	switch {
	case c.edge == "" && c.method == http.MethodGet:
		v := c.pageValues(pg)
		if c.pageID == pg.ID && strings.Contains(c.p.Get("fields"), "access_token") {
			v["access_token"] = c.s.issueToken(tokenInfo{Platform: "facebook", Kind: "page", ClientID: c.tok.ClientID, Subject: pg.ID + ":" + c.userID}, 0)
		}
		return c.selectFields(v, pageFields, "name", "id")
	case c.edge == "feed" && c.method == http.MethodPost:
		return c.pagePost(pg)
	case c.edge == "photos" && c.method == http.MethodPost:
		return c.pagePhoto(pg)
	case c.edge == "videos" && c.method == http.MethodPost:
		return c.pageVideo(pg)
	case (c.edge == "feed" || c.edge == "published_posts" || c.edge == "posts") && c.method == http.MethodGet:
		if c.pageID != pg.ID {
			return fail(&graphError{Code: 190, Message: "(#190) This method must be called with a Page Access Token"})
		}
		return c.pageFeed(pg)
	case c.edge == "insights" && c.method == http.MethodGet:
		return c.pageInsights(pg)
	case c.edge == "subscribed_apps":
		return c.subscribedApps(pg)
	}
	return c.unsupported()
}

// writeChecks are what every Page write needs: the Page's own token and the
// publishing permissions.
func (c *gctx) writeChecks(pg *fbPage) *graphError {
	if e := c.pageTokenFor(pg.ID); e != nil {
		return e
	}
	if !c.has("pages_manage_posts") || !c.has("pages_read_engagement") {
		return &graphError{Code: 200, Message: "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission"}
	}
	return nil
}

func validURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// schedule reads published / scheduled_publish_time: when the post goes live.
func (c *gctx) schedule() (time.Time, bool, *graphError) {
	now := c.s.now()
	published := c.p.Get("published") != "false" && c.p.Get("published") != "0"
	sp := c.p.Get("scheduled_publish_time")
	if sp == "" {
		return now, published, nil
	}
	at, okT := timeParam(sp)
	if published {
		return now, true, &graphError{Code: 100, Message: "(#100) You cannot specify a scheduled publish time on a published post"}
	}
	if !okT || at.Before(now.Add(10*time.Minute)) || at.After(now.Add(30*24*time.Hour)) {
		return now, false, &graphError{Code: 100, Message: "(#100) The specified scheduled publish time is invalid."}
	}
	return at, true, nil
}

func (c *gctx) pagePost(pg *fbPage) gresp {
	if e := c.writeChecks(pg); e != nil {
		return fail(e)
	}
	msg, link, attached := c.p.Get("message"), c.p.Get("link"), c.p.Get("attached_media")
	if msg == "" && link == "" && attached == "" {
		return fail(&graphError{Code: 100, Message: "(#100) Missing message or attachment"})
	}
	if utf8.RuneCountInString(msg) > fbMaxMessage {
		return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Param message must be at most %d characters long", fbMaxMessage)})
	}
	if link != "" && !validURL(link) {
		return fail(&graphError{Code: 100, Message: "(#100) The parameter link is not a valid URL"})
	}
	fb := c.s.st.Facebook
	var photos []string
	if attached != "" {
		var media []struct {
			ID string `json:"media_fbid"`
		}
		if err := json.Unmarshal([]byte(attached), &media); err != nil || len(media) == 0 {
			return fail(&graphError{Code: 100, Message: "(#100) param attached_media must be an array of objects with a media_fbid"})
		}
		for i, m := range media {
			ph := fb.Photos[m.ID]
			if ph == nil || ph.PageID != pg.ID || ph.PostID != "" || ph.Attached || slices.Contains(photos, m.ID) {
				return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) param attached_media[%d] must be a valid unpublished photo of this Page", i)})
			}
			photos = append(photos, m.ID)
		}
	}
	at, _, e := c.schedule()
	if e != nil {
		return fail(e)
	}
	// Graph refuses the same status twice in a row on a Page.
	h := hashSecret(msg + "\x00" + link + "\x00" + attached)
	if msg != "" && h == pg.LastHash {
		return fail(&graphError{Code: 506, Message: "(#506) Duplicate status message", UserTitle: "Duplicate Status Update",
			UserMsg: "This status update is identical to the last one you posted. Try posting something different, or delete your previous update."})
	}
	pg.LastHash = h
	for _, id := range photos {
		fb.Photos[id].Attached = true
	}
	p := c.s.fbAddPost(pg, &fbPost{Message: msg, Link: link, PhotoIDs: photos}, at)
	for _, id := range photos {
		fb.Photos[id].PostID = p.ID
	}
	return ok(map[string]string{"id": p.ID})
}

func (c *gctx) pagePhoto(pg *fbPage) gresp {
	if e := c.writeChecks(pg); e != nil {
		return fail(e)
	}
	src := c.p.Get("url")
	if src == "" && !c.upload {
		return fail(&graphError{Code: 324, Message: "(#324) Requires upload file"})
	}
	if src != "" && !validURL(src) {
		return fail(&graphError{Code: 100, Message: "(#100) url should represent a valid URL"})
	}
	if e := c.fbPhotoError(src); e != nil {
		return fail(e)
	}
	caption := c.p.Get("caption")
	if caption == "" {
		caption = c.p.Get("message")
	}
	if utf8.RuneCountInString(caption) > fbMaxMessage {
		return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Param caption must be at most %d characters long", fbMaxMessage)})
	}
	at, published, e := c.schedule()
	if e != nil {
		return fail(e)
	}
	fb := c.s.st.Facebook
	ph := &fbPhoto{ID: c.s.fbID(), PageID: pg.ID, URL: src, Caption: caption, CreatedAt: c.s.now()}
	fb.Photos[ph.ID] = ph
	c.s.touch()
	if !published {
		return ok(map[string]string{"id": ph.ID})
	}
	p := c.s.fbAddPost(pg, &fbPost{Message: caption, PhotoIDs: []string{ph.ID}}, at)
	ph.PostID = p.ID
	return ok(map[string]string{"id": ph.ID, "post_id": p.ID})
}

func (c *gctx) pageVideo(pg *fbPage) gresp {
	if e := c.writeChecks(pg); e != nil {
		return fail(e)
	}
	src := c.p.Get("file_url")
	if src == "" && !c.upload {
		return fail(&graphError{Code: 100, Message: "(#100) Either file_url or source must be provided"})
	}
	if src != "" && !validURL(src) {
		return fail(&graphError{Code: 100, Message: "(#100) file_url should represent a valid URL"})
	}
	desc := c.p.Get("description")
	if utf8.RuneCountInString(desc) > fbMaxMessage {
		return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Param description must be at most %d characters long", fbMaxMessage)})
	}
	at, published, e := c.schedule()
	if e != nil {
		return fail(e)
	}
	v := &fbVideo{ID: c.s.fbID(), PageID: pg.ID, FileURL: src, Title: c.p.Get("title"), Description: desc, CreatedAt: c.s.now()}
	c.s.st.Facebook.Videos[v.ID] = v
	c.s.touch()
	if published {
		p := c.s.fbAddPost(pg, &fbPost{Message: desc, VideoID: v.ID}, at)
		v.PostID = p.ID
	}
	return ok(map[string]string{"id": v.ID})
}

// pageFeed lists the Page's posts, newest first, honouring since/until.
func (c *gctx) pageFeed(pg *fbPage) gresp {
	since, hasSince := timeParam(c.p.Get("since"))
	until, hasUntil := timeParam(c.p.Get("until"))
	now := c.s.now()
	fb := c.s.st.Facebook
	known := []string{"id", "message", "created_time", "updated_time", "permalink_url", "shares", "reactions", "comments",
		"full_picture", "from", "is_published", "status_type"}
	fields := parseFields(c.p.Get("fields"))
	if len(fields) == 0 {
		fields = parseFields("created_time,message,id")
	}
	for _, f := range fields {
		if !slices.Contains(known, f.name) {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (PagePost)", f.name)})
		}
	}
	// Visible posts, newest first; scheduled ones are not published yet.
	var ids []string
	for i := len(pg.PostIDs) - 1; i >= 0; i-- {
		p := fb.Posts[pg.PostIDs[i]]
		if p.CreatedAt.After(now) || (hasUntil && p.CreatedAt.After(until)) {
			continue
		}
		if hasSince && p.CreatedAt.Before(since) {
			break
		}
		ids = append(ids, p.ID)
	}
	return c.listing(len(ids), func(i int) (any, bool) {
		p := fb.Posts[ids[i]]
		all := c.postValues(p)
		out := map[string]any{"id": p.ID}
		for _, f := range fields {
			if v, present := all[f.name]; present {
				if m, isMap := v.(map[string]any); isMap && m["summary"] != nil && !strings.Contains(f.mods, "summary(") {
					m = maps(m)
					delete(m, "summary")
					v = m
				}
				out[f.name] = v
			}
		}
		return out, true
	})
}

// postStats are a post's synthetic figures at its age.
type postStats struct{ views, reach, reactions, comments, shares, clicks, saves int64 }

func statsFor(id string, age time.Duration) postStats {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	scale := 300 + float64(h.Sum32()%400)
	views := growth(age, scale)
	return postStats{views: views, reach: views * 7 / 10, reactions: views / 16, comments: views / 90,
		shares: views / 150, clicks: views / 30, saves: views / 60}
}

func (c *gctx) postValues(p *fbPost) map[string]any {
	fb := c.s.st.Facebook
	pg := fb.Pages[p.PageID]
	st := statsFor(p.ID, c.s.now().Sub(p.CreatedAt))
	_, num, _ := strings.Cut(p.ID, "_")
	v := map[string]any{
		"id": p.ID, "created_time": graphTime(p.CreatedAt), "updated_time": graphTime(p.CreatedAt),
		"permalink_url": "https://www.facebook.com/" + pg.ID + "/posts/" + num,
		"from":          map[string]string{"name": pg.Name, "id": pg.ID},
		"is_published":  true, "status_type": "mobile_status_update",
		"reactions": map[string]any{"data": []any{}, "summary": map[string]any{"total_count": st.reactions, "viewer_reaction": "NONE"}},
		"comments":  map[string]any{"data": []any{}, "summary": map[string]any{"order": "ranked", "total_count": st.comments, "can_comment": true}},
	}
	if p.Message != "" {
		v["message"] = p.Message
	}
	if st.shares > 0 {
		v["shares"] = map[string]int64{"count": st.shares}
	}
	if len(p.PhotoIDs) > 0 {
		v["full_picture"] = fb.Photos[p.PhotoIDs[0]].URL
		v["status_type"] = "added_photos"
	}
	if p.VideoID != "" {
		v["status_type"] = "added_video"
	}
	if p.Link != "" {
		v["status_type"] = "shared_story"
	}
	return v
}

func (c *gctx) postNode(p *fbPost) gresp {
	if !c.canActOn(p.PageID) {
		return c.noObject()
	}
	switch {
	case c.edge == "" && c.method == http.MethodGet:
		return c.selectFields(c.postValues(p), []string{"id", "message", "created_time", "updated_time", "permalink_url", "shares",
			"reactions", "comments", "full_picture", "from", "is_published", "status_type"}, "created_time", "message", "id")
	case c.edge == "insights" && c.method == http.MethodGet:
		st := statsFor(p.ID, c.s.now().Sub(p.CreatedAt))
		known := map[string]int64{
			"post_media_view": st.views, "post_total_media_view_unique": st.reach, "post_clicks": st.clicks,
			"post_reactions_like_total": st.reactions * 3 / 4, "post_video_views": 0,
		}
		if p.VideoID != "" {
			known["post_video_views"] = st.views / 2
		}
		return c.insights(p.PageID, p.ID, known)
	case c.edge == "comments":
		return c.fbPostComments(p)
	}
	return c.unsupported()
}

// insights answers /{object}/insights for the metrics it knows (lifetime
// values); it needs the Page token and read_insights.
func (c *gctx) insights(pageID, object string, known map[string]int64) gresp {
	if c.pageID != pageID {
		return fail(&graphError{Code: 190, Message: "(#190) This method must be called with a Page Access Token"})
	}
	if e := c.need("read_insights"); e != nil {
		return fail(e)
	}
	metrics := strings.Split(c.p.Get("metric"), ",")
	if c.p.Get("metric") == "" {
		return fail(&graphError{Code: 3001, Subcode: 1504028, Message: "Invalid query", UserTitle: "No Metric Specified",
			UserMsg: "No metric was specified to be fetched. Please specify one or more metrics to be fetched and try again."})
	}
	data := []any{}
	for _, m := range metrics {
		m = strings.TrimSpace(m)
		val, found := known[m]
		if !found {
			return fail(&graphError{Code: 100, Message: "(#100) The value must be a valid insights metric"})
		}
		data = append(data, map[string]any{"name": m, "period": "lifetime", "values": []any{map[string]int64{"value": val}},
			"title": m, "description": "Lifetime: " + m, "id": object + "/insights/" + m + "/lifetime"})
	}
	return ok(map[string]any{"data": data, "paging": map[string]string{}})
}

func (c *gctx) pageInsights(pg *fbPage) gresp {
	age := c.s.now().Sub(c.s.st.Facebook.SeededAt)
	views := growth(age+30*24*time.Hour, 900)
	return c.insights(pg.ID, pg.ID, map[string]int64{
		"page_follows": pg.Followers + growth(age, 40), "page_media_view": views,
		"page_total_media_view_unique": views * 6 / 10, "page_post_engagements": views / 12, "page_views_total": views / 20,
	})
}

func (c *gctx) photoNode(ph *fbPhoto) gresp {
	if !c.canActOn(ph.PageID) || c.method != http.MethodGet || c.edge != "" {
		if c.canActOn(ph.PageID) {
			return c.unsupported()
		}
		return c.noObject()
	}
	v := map[string]any{"id": ph.ID, "created_time": graphTime(ph.CreatedAt), "link": "https://www.facebook.com/photo.php?fbid=" + ph.ID,
		"images": []map[string]any{{"source": ph.URL, "height": 1080, "width": 1080}}, "picture": ph.URL}
	if ph.Caption != "" {
		v["name"] = ph.Caption
	}
	if ph.PostID != "" {
		v["page_story_id"] = ph.PostID
	}
	return c.selectFields(v, []string{"id", "created_time", "link", "images", "picture", "name", "page_story_id", "from", "width", "height"}, "created_time", "name", "id")
}

func (c *gctx) videoNode(v *fbVideo) gresp {
	if !c.canActOn(v.PageID) || c.method != http.MethodGet || c.edge != "" {
		if c.canActOn(v.PageID) {
			return c.unsupported()
		}
		return c.noObject()
	}
	pg := c.s.st.Facebook.Pages[v.PageID]
	vals := map[string]any{"id": v.ID, "created_time": graphTime(v.CreatedAt), "updated_time": graphTime(v.CreatedAt),
		"permalink_url": "/" + pg.Username + "/videos/" + v.ID + "/", "published": v.PostID != "",
		"source": v.FileURL, "length": 30.5, "status": map[string]string{"video_status": "ready"}}
	if v.Description != "" {
		vals["description"] = v.Description
	}
	if v.Title != "" {
		vals["title"] = v.Title
	}
	if v.PostID != "" {
		vals["post_id"] = v.PostID
	}
	return c.selectFields(vals, []string{"id", "created_time", "updated_time", "permalink_url", "published", "source", "length",
		"status", "description", "title", "post_id", "views"}, "created_time", "description", "id")
}
