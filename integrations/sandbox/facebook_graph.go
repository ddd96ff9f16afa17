package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// gctx is one Graph request being served (under s.mu).
type gctx struct {
	s      *Sandbox
	r      *http.Request
	method string
	node   string // resolved id ("me" replaced)
	edge   string
	p      url.Values
	upload bool // a multipart "source" file came with the request
	tok    *tokenInfo
	userID string // the person behind the token
	pageID string // the Page of a Page token
	// bucObject is the business object the usage header reports on.
	bucObject string
	// media are the downloads of the request's media URLs (prefetch), nil without a media client.
	media map[string]*fetchedMedia
}

// gresp is a Graph answer, written after s.mu is released.
type gresp struct {
	status int
	body   any
}

func ok(body any) gresp { return gresp{status: http.StatusOK, body: body} }

func fail(e *graphError) gresp {
	if e.Status == 0 {
		e.Status = http.StatusBadRequest
	}
	return gresp{status: e.Status, body: e}
}

var graphVersion = regexp.MustCompile(`^v\d+\.\d+$`)

// graph serves graph.facebook.com: /{version}/{node}/{edge}, version optional.
func (s *Sandbox) graph(w http.ResponseWriter, r *http.Request) {
	params, upload, perr := graphParams(r)
	_, path := splitHostPath(r.URL.Path)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 0 && graphVersion.MatchString(segs[0]) {
		segs = segs[1:]
	}
	media := s.prefetch(r.Context(), r.Method, params)
	s.mu.Lock()
	c := &gctx{s: s, r: r, method: r.Method, p: params, upload: upload, media: media}
	var resp gresp
	if perr != nil {
		resp = fail(&graphError{Code: 100, Message: "(#100) Could not parse the request body: " + perr.Error()})
	} else {
		resp = c.route(segs)
	}
	fb := s.st.Facebook
	hour := s.now().Unix() / 3600
	if fb.usage.hour != hour {
		fb.usage.hour, fb.usage.calls = hour, 0
	}
	fb.usage.calls++
	pct := fb.usage.calls / 200 // 20,000 calls an hour is 100 %
	s.mu.Unlock()

	usageHeaders(w.Header(), c.bucObject, pct, 0)
	if e, isErr := resp.body.(*graphError); isErr {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_request" "`+e.Message+`"`)
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(resp.status)
		_, _ = w.Write(e.body())
		return
	}
	writeJSON(w, resp.status, resp.body)
}

// graphParams merges the query with a form, multipart or JSON body, as
// Graph accepts all of them.
func graphParams(r *http.Request) (url.Values, bool, error) {
	q := r.URL.Query()
	ct := r.Header.Get("Content-Type")
	upload := false
	switch {
	case r.Method == http.MethodGet || r.Body == nil:
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return q, false, err
		}
		for k, v := range r.MultipartForm.Value {
			q[k] = append(q[k], v...)
		}
		upload = len(r.MultipartForm.File["source"]) > 0
	case strings.HasPrefix(ct, "application/json"):
		var body map[string]any
		data, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			return q, false, err
		}
		if len(strings.TrimSpace(string(data))) > 0 {
			if err := json.Unmarshal(data, &body); err != nil {
				return q, false, err
			}
		}
		for k, v := range body {
			if s, isStr := v.(string); isStr {
				q.Set(k, s)
			} else {
				b, _ := json.Marshal(v)
				q.Set(k, string(b))
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return q, false, err
		}
		for k, v := range r.PostForm {
			q[k] = append(q[k], v...)
		}
	}
	return q, upload, nil
}

func (c *gctx) route(segs []string) gresp {
	if len(segs) == 0 || segs[0] == "" {
		return fail(&graphError{Code: 100, Message: "Unsupported " + strings.ToLower(c.method) + " request.", Type: "GraphMethodException"})
	}
	if segs[0] == "oauth" && len(segs) == 2 && segs[1] == "access_token" {
		return c.s.fbAccessToken(c)
	}
	if len(segs) > 2 {
		return fail(&graphError{Code: 2500, Message: "Unknown path components: /" + strings.Join(segs[2:], "/")})
	}
	if e := c.auth(); e != nil {
		return fail(e)
	}
	c.node = segs[0]
	if c.node == "me" {
		c.node = c.userID
		if c.pageID != "" {
			c.node = c.pageID
		}
	}
	if len(segs) == 2 {
		c.edge = segs[1]
	}
	fb := c.s.st.Facebook
	switch {
	case fb.Users[c.node] != nil:
		return c.userNode()
	case fb.Pages[c.node] != nil:
		c.bucObject = c.node
		return c.pageNode(fb.Pages[c.node])
	case fb.Posts[c.node] != nil:
		return c.postNode(fb.Posts[c.node])
	case fb.Photos[c.node] != nil:
		return c.photoNode(fb.Photos[c.node])
	case fb.Videos[c.node] != nil:
		return c.videoNode(fb.Videos[c.node])
	case fb.IGUsers[c.node] != nil:
		c.bucObject = c.node
		return c.igUserNode(fb.IGUsers[c.node])
	case fb.Containers[c.node] != nil:
		return c.igContainerNode(fb.Containers[c.node])
	case fb.Media[c.node] != nil:
		return c.igMediaNode(fb.Media[c.node])
	case c.s.eng().Comments[c.node] != nil:
		return c.commentNode(c.s.eng().Comments[c.node])
	}
	return c.noObject()
}

func (c *gctx) noObject() gresp {
	return fail(&graphError{Code: 100, Subcode: 33, Type: "GraphMethodException", Message: fmt.Sprintf(
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
		strings.ToLower(c.method), c.node)})
}

func (c *gctx) unsupported() gresp {
	if c.edge == "" {
		return c.noObject()
	}
	return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (%s)", c.edge, c.nodeType())})
}

func (c *gctx) nodeType() string {
	fb := c.s.st.Facebook
	switch {
	case fb.Users[c.node] != nil:
		return "User"
	case fb.Pages[c.node] != nil:
		return "Page"
	case fb.Posts[c.node] != nil:
		return "PagePost"
	case fb.Photos[c.node] != nil:
		return "Photo"
	case fb.Videos[c.node] != nil:
		return "Video"
	case fb.IGUsers[c.node] != nil:
		return "IGUser"
	case fb.Containers[c.node] != nil:
		return "ShadowIGMediaBuilder"
	}
	return "IGMedia"
}

// auth authenticates the request's token: access_token param or Bearer.
func (c *gctx) auth() *graphError {
	raw := c.p.Get("access_token")
	if h := c.r.Header.Get("Authorization"); raw == "" && h != "" {
		if v, found := strings.CutPrefix(h, "Bearer "); found {
			raw = v
		} else if v, found := strings.CutPrefix(h, "OAuth "); found {
			raw = v
		}
	}
	if raw == "" {
		return &graphError{Code: 104, Message: "An access token is required to request this resource."}
	}
	s := c.s
	if t := s.st.Tokens[hashSecret(raw)]; t != nil && t.Platform == "facebook" && t.Revoked {
		return &graphError{Code: 190, Subcode: 458, Message: "Error validating access token: The user has not authorized application " + t.ClientID + "."}
	}
	t, st := s.lookupToken("facebook", raw, "access", "page")
	switch st {
	case tokenInvalid, tokenMissing:
		return &graphError{Code: 190, Message: "Invalid OAuth access token - Cannot parse access token"}
	case tokenExpired:
		pst := time.FixedZone("PST", -8*3600)
		return &graphError{Code: 190, Subcode: 463, Message: fmt.Sprintf(
			"Error validating access token: Session has expired on %s. The current time is %s.",
			t.ExpiresAt.In(pst).Format("Monday, 02-Jan-06 15:04:05 MST"), s.now().In(pst).Format("Monday, 02-Jan-06 15:04:05 MST"))}
	}
	c.tok = t
	c.userID = t.Subject
	if t.Kind == "page" {
		c.pageID, c.userID, _ = strings.Cut(t.Subject, ":")
	}
	if g := s.st.Facebook.Grants[c.userID+"/"+t.ClientID]; g == nil || g.Revoked {
		return &graphError{Code: 190, Subcode: 458, Message: "Error validating access token: The user has not authorized application " + t.ClientID + "."}
	}
	return nil
}

// has reports whether the token's grant holds scope.
func (c *gctx) has(scope string) bool {
	g := c.s.st.Facebook.Grants[c.userID+"/"+c.tok.ClientID]
	return g != nil && slices.Contains(g.Scopes, scope)
}

// need returns Graph's missing-permission error unless the grant has every scope.
func (c *gctx) need(scopes ...string) *graphError {
	for _, sc := range scopes {
		if !c.has(sc) {
			return &graphError{Code: 10, Message: fmt.Sprintf("(#10) This endpoint requires the '%s' permission.", sc)}
		}
	}
	return nil
}

// canActOn reports whether the caller may act on page: its Page token, or a
// user token of someone with a role on it.
func (c *gctx) canActOn(pageID string) bool {
	if c.pageID != "" {
		return c.pageID == pageID
	}
	u := c.s.st.Facebook.Users[c.userID]
	return u != nil && u.Tasks[pageID] != nil
}

// pageTokenFor requires the Page token of pageID for a write.
func (c *gctx) pageTokenFor(pageID string) *graphError {
	if c.pageID == pageID {
		return nil
	}
	if c.pageID == "" && c.canActOn(pageID) {
		return &graphError{Code: 200, Message: "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission"}
	}
	return &graphError{Code: 200, Message: "(#200) The user hasn't authorized the application to perform this action"}
}

// field is one entry of ?fields=, e.g. "reactions.summary(total_count)".
type field struct{ name, mods string }

// parseFields splits a fields list at top-level commas.
func parseFields(v string) []field {
	var out []field
	depth, start := 0, 0
	add := func(part string) {
		part = strings.TrimSpace(part)
		if part == "" {
			return
		}
		i := strings.IndexAny(part, ".{")
		if i < 0 {
			out = append(out, field{name: part})
			return
		}
		out = append(out, field{name: part[:i], mods: part[i:]})
	}
	for i, r := range v {
		switch r {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case ',':
			if depth == 0 {
				add(v[start:i])
				start = i + 1
			}
		}
	}
	add(v[start:])
	return out
}

// selectFields answers a node read: the requested fields (or defaults) from
// values; a field the node type does not have is Graph's error 100.
func (c *gctx) selectFields(values map[string]any, known []string, defaults ...string) gresp {
	fields := parseFields(c.p.Get("fields"))
	if len(fields) == 0 {
		for _, d := range defaults {
			fields = append(fields, field{name: d})
		}
	}
	out := map[string]any{}
	for _, f := range fields {
		if !slices.Contains(known, f.name) {
			return fail(&graphError{Code: 100, Message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (%s)", f.name, c.nodeType())})
		}
		v, present := values[f.name]
		if !present {
			continue
		}
		if m, isMap := v.(map[string]any); isMap && m["summary"] != nil && !strings.Contains(f.mods, "summary(") {
			m = maps(m)
			delete(m, "summary")
			v = m
		}
		out[f.name] = v
	}
	out["id"] = values["id"]
	return ok(out)
}

func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// graphTime formats a time as Graph does ("2026-11-25T10:00:00+0000").
func graphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-0700") }

// timeParam reads since/until: a unix time or a strtotime-like date.
func timeParam(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// listing pages through n items (index 0 = first shown) with Graph's
// cursors; item renders one, or returns false to end the list early.
func (c *gctx) listing(n int, item func(i int) (any, bool)) gresp {
	limit := 25
	if v, err := strconv.Atoi(c.p.Get("limit")); err == nil && v > 0 {
		limit = min(v, 100)
	}
	start := 0
	if a := c.p.Get("after"); a != "" {
		b, err := base64.RawURLEncoding.DecodeString(a)
		i, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || i < 0 {
			return fail(&graphError{Code: 100, Message: "(#100) The after cursor is invalid"})
		}
		start = i
	}
	data := []any{}
	i := start
	more := false
	for ; i < n; i++ {
		v, cont := item(i)
		if !cont {
			break
		}
		if len(data) == limit {
			more = true
			break
		}
		data = append(data, v)
	}
	resp := map[string]any{"data": data}
	if len(data) > 0 {
		pg := map[string]any{"cursors": map[string]string{
			"before": base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start))),
			"after":  base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start + len(data)))),
		}}
		if more {
			q := url.Values{}
			for k, v := range c.p {
				if k != "access_token" {
					q[k] = v
				}
			}
			q.Set("after", base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start+len(data)))))
			pg["next"] = c.s.base(c.r) + c.r.URL.Path + "?" + q.Encode()
		}
		resp["paging"] = pg
	}
	return ok(resp)
}
