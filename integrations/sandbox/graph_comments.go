package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Comments on Graph: Facebook Page posts (/{post-id}/comments, the comment
// node with is_hidden and /likes) and Instagram media (/{ig-media-id}/comments,
// /{ig-comment-id}/replies, hide). Reference: platform-apis.md 8.1, 8.2.

var (
	fbCommentFields = []string{"id", "from", "message", "created_time", "parent", "is_hidden", "can_hide", "can_reply_privately",
		"can_comment", "can_like", "can_remove", "comment_count", "like_count", "user_likes", "attachment", "message_tags",
		"permalink_url", "object", "is_private", "application", "admin_creator"}
	igCommentFields = []string{"id", "text", "timestamp", "username", "like_count", "hidden", "from", "parent_id", "media",
		"user", "legacy_instagram_comment_id", "replies"}
)

// fbPostComments serves /{post-id}/comments: a Page token of the post's
// Page reads (a user token reads an empty list, as documented) and answers.
func (c *gctx) fbPostComments(p *fbPost) gresp {
	if c.method == http.MethodPost {
		return c.fbAnswer(p.PageID, p.ID, "")
	}
	if c.pageID != p.PageID {
		return ok(map[string]any{"data": []any{}})
	}
	return c.fbListComments(p.ID, p.PageID)
}

// fbListComments lists the comments on object (a post or a comment).
func (c *gctx) fbListComments(object, pageID string) gresp {
	for _, sc := range []string{"pages_read_engagement", "pages_read_user_content"} {
		if !c.has(sc) {
			return fail(&graphError{Code: 10, Message: "(#10) This endpoint requires the '" + sc + "' permission or the 'Page Public Content Access' feature."})
		}
	}
	filter, order := c.p.Get("filter"), c.p.Get("order")
	if filter != "" && filter != "toplevel" && filter != "stream" {
		return fail(&graphError{Code: 100, Message: "(#100) param filter must be one of {toplevel, stream} - got \"" + filter + "\""})
	}
	if order != "" && order != "chronological" && order != "reverse_chronological" {
		return fail(&graphError{Code: 100, Message: "(#100) param order must be one of {chronological, reverse_chronological} - got \"" + order + "\""})
	}
	list := c.s.commentsOn(object, filter == "stream")
	if since, set := timeParam(c.p.Get("since")); set {
		list = slices.DeleteFunc(list, func(x *engComment) bool { return x.CreatedAt.Before(since) })
	}
	if order == "reverse_chronological" {
		slices.Reverse(list)
	}
	fields := parseFields(c.p.Get("fields"))
	if len(fields) == 0 {
		fields = []field{{name: "created_time"}, {name: "from"}, {name: "message"}, {name: "id"}}
	}
	for _, f := range fields {
		if !slices.Contains(fbCommentFields, f.name) {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (Comment)", f.name)})
		}
	}
	resp := c.listing(len(list), func(i int) (any, bool) { return pick(c.fbCommentValues(list[i], pageID), fields), true })
	if c.p.Get("summary") == "true" && resp.status == http.StatusOK {
		ord := "chronological"
		if filter != "stream" {
			ord = "ranked"
		}
		resp.body.(map[string]any)["summary"] = map[string]any{"order": ord, "total_count": len(list), "can_comment": true}
	}
	return resp
}

func pick(values map[string]any, fields []field) map[string]any {
	out := map[string]any{"id": values["id"]}
	for _, f := range fields {
		if v, present := values[f.name]; present {
			out[f.name] = v
		}
	}
	return out
}

func (c *gctx) fbCommentValues(x *engComment, pageID string) map[string]any {
	post := c.s.st.Facebook.Posts[x.PostID]
	v := map[string]any{
		"id": x.ID, "message": x.Text, "created_time": graphTime(x.CreatedAt), "is_hidden": x.Hidden, "can_hide": !x.ByOwner,
		"can_comment": x.ParentID == "", "can_like": true, "can_remove": true, "can_reply_privately": !x.ByOwner,
		"comment_count": c.s.replyCount(x.ID), "like_count": x.Likes, "user_likes": x.OwnerLiked, "is_private": false,
		"message_tags": []any{}, "object": map[string]string{"id": x.PostID},
	}
	if post != nil {
		_, num, _ := strings.Cut(post.ID, "_")
		v["permalink_url"] = "https://www.facebook.com/" + pageID + "/posts/" + num + "?comment_id=" + x.ID
	}
	if x.ParentID != "" {
		if p := c.s.eng().Comments[x.ParentID]; p != nil {
			v["parent"] = map[string]any{"id": p.ID, "message": p.Text, "created_time": graphTime(p.CreatedAt)}
		}
	}
	// from is given to a Page token only, and for people only with
	// pages_read_user_content (8.1).
	if x.ByOwner {
		v["from"] = map[string]string{"id": pageID, "name": c.s.st.Facebook.Pages[pageID].Name}
	} else if c.pageID == pageID && c.has("pages_read_user_content") {
		v["from"] = map[string]string{"id": x.FromID, "name": x.FromName}
	}
	return v
}

// fbAnswer posts the Page's comment on object (a post, or a comment).
func (c *gctx) fbAnswer(pageID, postID, parentID string) gresp {
	if e := c.pageTokenFor(pageID); e != nil {
		return fail(e)
	}
	if e := c.need("pages_manage_engagement"); e != nil {
		return fail(e)
	}
	msg := c.p.Get("message")
	if strings.TrimSpace(msg) == "" && c.p.Get("attachment_url") == "" && c.p.Get("attachment_id") == "" && !c.upload {
		return fail(&graphError{Code: 100, Message: "(#100) Missing message or attachment"})
	}
	_, num, _ := strings.Cut(postID, "_")
	x := c.s.addComment(&engComment{ID: num + "_" + c.s.fbID(), Platform: "facebook", PostID: postID, ParentID: parentID,
		FromID: pageID, ByOwner: true, Text: msg, CreatedAt: c.s.now()})
	return ok(map[string]string{"id": x.ID})
}

// fbCommentNode serves a Facebook comment: read, hide, answer, like.
func (c *gctx) fbCommentNode(x *engComment) gresp {
	post := c.s.st.Facebook.Posts[x.PostID]
	if post == nil || !c.canActOn(post.PageID) {
		return c.noObject()
	}
	switch {
	case c.edge == "" && c.method == http.MethodGet:
		if c.pageID != post.PageID {
			return c.noObject()
		}
		return c.selectFields(c.fbCommentValues(x, post.PageID), fbCommentFields, "created_time", "from", "message", "id")
	case c.edge == "comments" && c.method == http.MethodGet:
		if c.pageID != post.PageID {
			return ok(map[string]any{"data": []any{}})
		}
		return c.fbListComments(x.ID, post.PageID)
	case c.edge == "comments" && c.method == http.MethodPost:
		parent := x.ID
		if x.ParentID != "" {
			parent = x.ParentID // Facebook threads one level deep
		}
		return c.fbAnswer(post.PageID, post.ID, parent)
	case c.edge == "" && c.method == http.MethodPost:
		if e := c.pageTokenFor(post.PageID); e != nil {
			return fail(e)
		}
		if e := c.need("pages_manage_engagement"); e != nil {
			return fail(e)
		}
		v := c.p.Get("is_hidden")
		if v != "true" && v != "false" {
			return fail(&graphError{Code: 100, Message: "(#100) param is_hidden must be a boolean"})
		}
		if x.ByOwner {
			return fail(&graphError{Code: 100, Message: "(#100) The Page's own comment cannot be hidden"})
		}
		x.Hidden = v == "true"
		c.s.touch()
		return ok(map[string]bool{"success": true})
	case c.edge == "likes" && (c.method == http.MethodPost || c.method == http.MethodDelete):
		if e := c.pageTokenFor(post.PageID); e != nil {
			return fail(e)
		}
		if e := c.need("pages_manage_engagement"); e != nil {
			return fail(e)
		}
		if liked := c.method == http.MethodPost; liked != x.OwnerLiked {
			x.OwnerLiked = liked
			x.Likes += map[bool]int64{true: 1, false: -1}[liked]
			c.s.touch()
		}
		return ok(map[string]bool{"success": true})
	}
	return c.unsupported()
}

// igNeedComments is the permission set of the comment endpoints (8.2).
func (c *gctx) igNeedComments() *graphError {
	return c.need("instagram_basic", "instagram_manage_comments", "pages_read_engagement")
}

// igMediaComments serves /{ig-media-id}/comments: top-level comments,
// newest first, at most 50 a page; POST comments as the account.
func (c *gctx) igMediaComments(m *igMedia) gresp {
	if e := c.igNeedComments(); e != nil {
		return fail(e)
	}
	if c.method == http.MethodPost {
		return c.igAnswer(m, "")
	}
	list := c.s.commentsOn(m.ID, false)
	slices.Reverse(list)
	return c.igList(list)
}

func (c *gctx) igList(list []*engComment) gresp {
	fields := parseFields(c.p.Get("fields"))
	if len(fields) == 0 {
		fields = []field{{name: "id"}, {name: "text"}, {name: "timestamp"}}
	}
	for _, f := range fields {
		if !slices.Contains(igCommentFields, f.name) {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (IGComment)", f.name)})
		}
	}
	if n, err := strconv.Atoi(c.p.Get("limit")); err == nil && n > 50 {
		c.p.Set("limit", "50") // at most 50 a page (8.2)
	}
	return c.listing(len(list), func(i int) (any, bool) { return pick(c.igCommentValues(list[i]), fields), true })
}

func (c *gctx) igCommentValues(x *engComment) map[string]any {
	v := map[string]any{"id": x.ID, "text": x.Text, "timestamp": graphTime(x.CreatedAt), "like_count": x.Likes, "hidden": x.Hidden,
		"media": map[string]string{"id": x.PostID}, "username": x.FromUsername,
		"from": map[string]string{"id": x.FromID, "username": x.FromUsername}}
	if x.ParentID != "" {
		v["parent_id"] = x.ParentID
	}
	var data []any
	for _, r := range c.s.commentsOn(x.ID, true) {
		data = append(data, map[string]any{"id": r.ID, "text": r.Text, "timestamp": graphTime(r.CreatedAt), "username": r.FromUsername,
			"from": map[string]string{"id": r.FromID, "username": r.FromUsername}, "hidden": r.Hidden, "parent_id": x.ID})
	}
	if data != nil {
		v["replies"] = map[string]any{"data": data}
	}
	return v
}

// igAnswer comments on m as its account, under parentID when set.
func (c *gctx) igAnswer(m *igMedia, parentID string) gresp {
	msg := c.p.Get("message")
	if strings.TrimSpace(msg) == "" {
		return fail(&graphError{Code: 100, Message: "(#100) The parameter message is required"})
	}
	u := c.s.st.Facebook.IGUsers[m.UserID]
	x := c.s.addComment(&engComment{ID: c.s.igID(), Platform: "instagram", PostID: m.ID, ParentID: parentID, FromID: u.ID,
		FromUsername: u.Username, ByOwner: true, Text: msg, CreatedAt: c.s.now()})
	return ok(map[string]string{"id": x.ID})
}

// igCommentNode serves an Instagram comment: read, replies, hide.
func (c *gctx) igCommentNode(x *engComment) gresp {
	m := c.s.st.Facebook.Media[x.PostID]
	if m == nil || !c.canActOn(c.s.st.Facebook.IGUsers[m.UserID].PageID) {
		return c.noObject()
	}
	if e := c.igNeedComments(); e != nil {
		return fail(e)
	}
	switch {
	case c.edge == "" && c.method == http.MethodGet:
		return c.selectFields(c.igCommentValues(x), igCommentFields, "id", "text", "timestamp")
	case c.edge == "replies" && c.method == http.MethodGet:
		return c.igList(c.s.commentsOn(x.ID, true))
	case c.edge == "replies" && c.method == http.MethodPost:
		if x.Hidden {
			return fail(&graphError{Code: 100, Subcode: 2534023, Message: "(#100) Hidden comments cannot be replied to"})
		}
		parent := x.ID
		if x.ParentID != "" {
			parent = x.ParentID // a reply to a reply joins the top-level comment
		}
		return c.igAnswer(m, parent)
	case c.edge == "" && c.method == http.MethodPost:
		v := c.p.Get("hide")
		if v != "true" && v != "false" {
			return fail(&graphError{Code: 100, Message: "(#100) The parameter hide is required"})
		}
		if x.ByOwner {
			return fail(&graphError{Code: 100, Message: "(#100) You cannot hide your own comment"})
		}
		x.Hidden = v == "true"
		c.s.touch()
		return ok(map[string]bool{"success": true})
	}
	return c.unsupported()
}

// commentNode serves a comment on either Graph API.
func (c *gctx) commentNode(x *engComment) gresp {
	if x.Platform == "instagram" {
		return c.igCommentNode(x)
	}
	return c.fbCommentNode(x)
}
