package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// LinkedIn comments on organization posts (platform-apis.md 8.4): the
// socialActions comments collection of a post (or of a comment: its
// replies). Reading needs what reading the post needs; commenting acts as
// an organization the member administers, with w_organization_social.

func (s *Sandbox) routesLinkedInComments() {
	s.mux.HandleFunc("GET /api.linkedin.com/rest/socialActions/{urn}/comments", s.liHandle(s.liListComments))
	s.mux.HandleFunc("POST /api.linkedin.com/rest/socialActions/{urn}/comments", s.liHandle(s.liCreateComment))
}

// liActivity is the activity URN of a post URN ("urn:li:share:N" → "urn:li:activity:N").
func liActivity(postURN string) string {
	return "urn:li:activity:" + postURN[strings.LastIndex(postURN, ":")+1:]
}

// liCommentURN is a comment's URN.
func liCommentURN(c *engComment) string {
	return "urn:li:comment:(" + liActivity(c.PostID) + "," + c.ID + ")"
}

// liTarget resolves the path's URN: a post, or a comment on one (whose
// replies are addressed).
func (s *Sandbox) liTarget(urn string) (*liPost, *engComment) {
	if p := s.st.LinkedIn.Posts[urn]; p != nil {
		return p, nil
	}
	inner, found := strings.CutPrefix(urn, "urn:li:comment:(")
	if !found {
		return nil, nil
	}
	id := strings.TrimSuffix(inner[strings.LastIndex(inner, ",")+1:], ")")
	c := s.eng().Comments[id]
	if c == nil || c.Platform != "linkedin" || liCommentURN(c) != urn {
		return nil, nil
	}
	return s.st.LinkedIn.Posts[c.PostID], c
}

func (s *Sandbox) liCommentJSON(c *engComment, author string) map[string]any {
	actor := c.FromID
	if c.ByOwner {
		actor = author
	}
	at := c.CreatedAt.UnixMilli()
	m := map[string]any{
		"actor": actor, "id": c.ID, "$URN": liCommentURN(c), "object": liActivity(c.PostID),
		"message":         map[string]any{"text": c.Text, "attributes": []any{}},
		"created":         map[string]any{"actor": actor, "time": at},
		"lastModified":    map[string]any{"actor": actor, "time": at},
		"likesSummary":    map[string]any{"selectedLikes": []any{}, "aggregatedTotalLikes": c.Likes, "likedByCurrentUser": false, "totalLikes": c.Likes},
		"commentsSummary": map[string]any{"selectedComments": []any{}, "totalFirstLevelComments": s.replyCount(c.ID), "aggregatedTotalComments": s.replyCount(c.ID)},
	}
	if c.ParentID != "" {
		if p := s.eng().Comments[c.ParentID]; p != nil {
			m["parentComment"] = liCommentURN(p)
		}
	}
	return m
}

func (s *Sandbox) liListComments(r *http.Request, _ []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	urn := r.PathValue("urn")
	p, parent := s.liTarget(urn)
	if p == nil {
		return liNotFound("Entity " + urn)
	}
	if !s.liCanRead(t, p.Author) {
		return liDenied("socialActions.comments", "GET", v)
	}
	start, count, bad := liPaging(r.URL.Query(), 10, 100)
	if bad != nil {
		return *bad
	}
	object := p.URN
	if parent != nil {
		object = parent.ID
	}
	all := s.commentsOn(object, parent != nil)
	elems := []any{}
	for i := start; i < len(all) && len(elems) < count; i++ {
		elems = append(elems, s.liCommentJSON(all[i], p.Author))
	}
	return liJSON(200, map[string]any{"paging": map[string]any{"start": start, "count": count, "total": len(all), "links": []any{}},
		"elements": elems})
}

func (s *Sandbox) liCreateComment(r *http.Request, body []byte) liAnswer {
	t, v, bad := s.liREST(r)
	if bad != nil {
		return *bad
	}
	urn := r.PathValue("urn")
	p, parent := s.liTarget(urn)
	if p == nil {
		return liNotFound("Entity " + urn)
	}
	var in struct {
		Actor         string `json:"actor"`
		Object        string `json:"object"`
		ParentComment string `json:"parentComment"`
		Message       *struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "malformed body: "+err.Error()))
	}
	switch {
	case in.Actor == "":
		return liRequired("/actor")
	case in.Message == nil || strings.TrimSpace(in.Message.Text) == "":
		return liRequired("/message/text")
	case !s.liCanWrite(t, in.Actor):
		return liDenied("socialActions.comments", "CREATE", v)
	case parent != nil && in.ParentComment != urn:
		return liJSON(400, liErr(400, 0, "ILLEGAL_ARGUMENT", "parentComment must be the comment the request addresses"))
	}
	c := &engComment{ID: itoa(7100000000000000000 + s.nextID()), Platform: "linkedin", PostID: p.URN, FromID: in.Actor,
		ByOwner: in.Actor == p.Author, Text: in.Message.Text, CreatedAt: s.now()}
	if parent != nil {
		c.ParentID = parent.ID
		if parent.ParentID != "" {
			c.ParentID = parent.ParentID
		}
	}
	s.addComment(c)
	a := liJSON(201, s.liCommentJSON(c, p.Author))
	a.header = http.Header{"X-Restli-Id": {url.QueryEscape(liCommentURN(c))}}
	return a
}
