package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// X (Twitter) API v2 emulation: OAuth 2.0 with PKCE and rotating refresh
// tokens (x_oauth.go), users, posts and their metrics (x_posts.go), media
// upload (x_media.go). Served under /api.x.com, /x.com (consent page,
// permalinks) and the older /api.twitter.com, /twitter.com.
//
// Reference: shared/reference/platform-apis.md §3 and the OpenAPI document
// shared/reference/specs/x-api-v2.openapi.json (v2.167). Where the two spell
// a field differently (§3.4 naming drift), posts carry both spellings:
// edit_history_tweet_ids and edit_history_post_ids, retweet_count and
// repost_count; problem types use the spec's https://api.x.com/2/problems/
// URIs (clients match by suffix; docs show api.twitter.com).

const (
	xPlatform     = "twitter"
	xAccessTTL    = 2 * time.Hour        // docs: access tokens live two hours
	xRefreshTTL   = 180 * 24 * time.Hour // refresh tokens: long-lived, single-use
	xCodeTTL      = 30 * time.Second     // docs: the authorization code is valid for 30 s
	xWindowLen    = 15 * time.Minute
	xPostsPer15m  = 100 // POST /2/tweets, per user (docs.x.com/x-api/fundamentals/rate-limits)
	xDefaultUser  = "1500000000000000001"
	xPostIDBase   = 1_900_000_000_000_000_000
	xMediaIDBase  = 1_800_000_000_000_000_000
	xDupWindow    = 24 * time.Hour
	xProblemsBase = "https://api.x.com/2/problems/"
)

// xLimits are the per-user 15-minute limits of the emulated endpoints (the
// documented per-user values; POST /2/tweets from the reference).
var xLimits = map[string]int{
	"POST /2/tweets":          xPostsPer15m,
	"DELETE /2/tweets/:id":    50,
	"GET /2/tweets/:id":       900,
	"GET /2/tweets":           900,
	"GET /2/users/me":         75,
	"GET /2/users/:id":        900,
	"GET /2/users/:id/tweets": 900,
	// Engagement (platform-apis.md 8.5), per user.
	"GET /2/users/:id/mentions": 300,
	"POST /2/users/:id/likes":   50,
	"PUT /2/tweets/:id/hidden":  50,
	"media":                     500,
}

type xState struct {
	Users      map[string]*xUser   `json:"users"`       // id → user
	ByUsername map[string]string   `json:"by_username"` // lower(username) → id
	Posts      map[string]*xPost   `json:"posts"`       // id → post
	Timelines  map[string][]string `json:"timelines"`   // user id → post ids, oldest first
	Recent     map[string]string   `json:"recent"`      // user id + sha256(text) → post id, for duplicates
	Media      map[string]*xMedia  `json:"media"`
	// PostLimit replaces xPostsPer15m when set (SetXPostLimit).
	PostLimit int `json:"post_limit,omitempty"`
	// SignedIn is the user the consent page grants access as (SetXUser);
	// "" is the seeded user.
	SignedIn string `json:"signed_in,omitempty"`

	windows map[string]*xWindow // user + endpoint → window; not persisted
}

type xUser struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Username        string    `json:"username"`
	Description     string    `json:"description"`
	ProfileImageURL string    `json:"profile_image_url"`
	CreatedAt       time.Time `json:"created_at"`
	Followers       int64     `json:"followers"`
	Following       int64     `json:"following"`
	Listed          int64     `json:"listed"`
	Posts           int64     `json:"posts"`
}

type xPost struct {
	ID        string    `json:"id"`
	AuthorID  string    `json:"author_id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	MediaIDs  []string  `json:"media_ids,omitempty"`
	ReplyTo   string    `json:"reply_to,omitempty"`
	ReplyUser string    `json:"reply_user,omitempty"`
	Convo     string    `json:"conversation_id"`
	Deleted   bool      `json:"deleted,omitempty"`
}

type xWindow struct {
	Start time.Time
	Count int
}

func newXState() *xState {
	st := &xState{}
	st.init()
	u := &xUser{
		ID: xDefaultUser, Name: "Acme Coffee", Username: "acme_sandbox",
		Description:     "Small-batch coffee roasters. Sandbox account: nothing here is real.",
		ProfileImageURL: "https://pbs.twimg.com/profile_images/1500000000000000001/acme_normal.png",
		CreatedAt:       time.Date(2019, 3, 14, 9, 26, 53, 0, time.UTC),
		Followers:       4210, Following: 180, Listed: 12, Posts: 1342,
	}
	st.Users[u.ID] = u
	st.ByUsername[strings.ToLower(u.Username)] = u.ID
	return st
}

// init makes every map usable (a loaded state may lack some).
func (st *xState) init() {
	if st.Users == nil {
		st.Users = map[string]*xUser{}
	}
	if st.ByUsername == nil {
		st.ByUsername = map[string]string{}
	}
	if st.Posts == nil {
		st.Posts = map[string]*xPost{}
	}
	if st.Timelines == nil {
		st.Timelines = map[string][]string{}
	}
	if st.Recent == nil {
		st.Recent = map[string]string{}
	}
	if st.Media == nil {
		st.Media = map[string]*xMedia{}
	}
	if st.windows == nil {
		st.windows = map[string]*xWindow{}
	}
}

// xs returns the X state, ready to use; callers hold s.mu.
func (s *Sandbox) xs() *xState {
	if s.st.X == nil {
		s.st.X = newXState()
	}
	s.st.X.init()
	return s.st.X
}

// SetXPostLimit sets how many posts one user may create per 15 minutes
// (default 100, X's limit); benchmarks raise it. n <= 0 restores the default.
func (s *Sandbox) SetXPostLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.xs().PostLimit = max(n, 0)
	s.touch()
}

func (s *Sandbox) routesX() {
	for _, web := range []string{"x.com", "twitter.com"} {
		s.mux.HandleFunc("GET /"+web+"/i/oauth2/authorize", s.xAuthorize)
		s.mux.HandleFunc("GET /"+web+"/i/web/status/{id}", s.xPermalink)
		s.mux.HandleFunc("GET /"+web+"/{username}/status/{id}", s.xPermalink)
	}
	for _, api := range []string{"api.x.com", "api.twitter.com"} {
		p := "/" + api
		s.mux.HandleFunc("POST "+p+"/2/oauth2/token", s.xToken)
		s.mux.HandleFunc("POST "+p+"/2/oauth2/revoke", s.xRevoke)
		s.mux.HandleFunc("GET "+p+"/2/users/me", s.xAPI("GET /2/users/me", xScopesRead, s.xUsersMe))
		s.mux.HandleFunc("GET "+p+"/2/users/{id}", s.xAPI("GET /2/users/:id", xScopesRead, s.xUserByID))
		s.mux.HandleFunc("GET "+p+"/2/users/{id}/tweets", s.xAPI("GET /2/users/:id/tweets", xScopesRead, s.xUserPosts))
		s.mux.HandleFunc("POST "+p+"/2/tweets", s.xAPI("POST /2/tweets", xScopesWrite, s.xCreatePost))
		s.mux.HandleFunc("GET "+p+"/2/tweets", s.xAPI("GET /2/tweets", xScopesRead, s.xPostsByIDs))
		s.mux.HandleFunc("GET "+p+"/2/tweets/{id}", s.xAPI("GET /2/tweets/:id", xScopesRead, s.xPostByID))
		s.mux.HandleFunc("DELETE "+p+"/2/tweets/{id}", s.xAPI("DELETE /2/tweets/:id", xScopesWrite, s.xDeletePost))
		s.mux.HandleFunc("POST "+p+"/2/media/upload", s.xAPI("media", xScopesMedia, s.xMediaUpload))
		s.mux.HandleFunc("GET "+p+"/2/media/upload", s.xAPI("media", xScopesMedia, s.xMediaStatus))
		s.mux.HandleFunc("POST "+p+"/2/media/upload/initialize", s.xAPI("media", xScopesMedia, s.xMediaInit))
		s.mux.HandleFunc("POST "+p+"/2/media/upload/{id}/append", s.xAPI("media", xScopesMedia, s.xMediaAppend))
		s.mux.HandleFunc("POST "+p+"/2/media/upload/{id}/finalize", s.xAPI("media", xScopesMedia, s.xMediaFinalize))
		s.routesXEngagement(p)
		s.mux.HandleFunc("POST "+p+"/2/media/metadata", s.xAPI("media", xScopesMedia, s.xMediaMetadata))
	}
}

// Scopes each endpoint requires (the spec's OAuth2UserToken security).
var (
	xScopesRead  = []string{"tweet.read", "users.read"}
	xScopesWrite = []string{"tweet.read", "tweet.write", "users.read"}
	xScopesMedia = []string{"media.write"}
)

// xCaller is the authenticated user of an API request.
type xCaller struct {
	user  *xUser
	token *tokenInfo
}

// xAPI wraps an API handler: bearer authentication with a user-context
// access token, the endpoint's scopes, the per-user 15-minute window and its
// x-rate-limit-* headers on every answer. The body is read before s.mu is
// taken and the answer written after it is released; the handler runs with
// s.mu held.
func (s *Sandbox) xAPI(endpoint string, scopes []string, h func(w http.ResponseWriter, r *http.Request, c xCaller)) http.HandlerFunc {
	limit := int64(1 << 20)
	if endpoint == "media" {
		limit = xUploadBodyMax
	}
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil || int64(len(body)) > limit {
			xProblem(w, http.StatusRequestEntityTooLarge, json.RawMessage(
				`{"title":"Payload Too Large","type":"about:blank","status":413,"detail":"Payload Too Large"}`))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.xLocked(w, func(w http.ResponseWriter) {
			st := s.xs()
			tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			info, state := s.lookupToken(xPlatform, strings.TrimSpace(tok), "access")
			var u *xUser
			if state == tokenOK {
				u = st.Users[info.Subject]
			}
			if u == nil {
				s.xRateHeaders(w, "app", endpoint, false)
				xProblem(w, http.StatusUnauthorized, xUnauthorized)
				return
			}
			for _, need := range scopes {
				if !hasScope(info.Scopes, need) {
					s.xRateHeaders(w, u.ID, endpoint, false)
					xProblem(w, http.StatusForbidden, xScopeDenied)
					return
				}
			}
			if !s.xRateHeaders(w, u.ID, endpoint, true) {
				xProblem(w, http.StatusTooManyRequests, xTooMany)
				return
			}
			h(w, r, xCaller{user: u, token: info})
		})
	}
}

// xLocked runs f with s.mu held, answering into a buffer that is written to
// w once the lock is released.
func (s *Sandbox) xLocked(w http.ResponseWriter, f func(w http.ResponseWriter)) {
	a := &answer{header: w.Header(), code: http.StatusOK}
	s.mu.Lock()
	f(a)
	s.mu.Unlock()
	w.WriteHeader(a.code)
	_, _ = w.Write(a.body.Bytes())
}

// answer is a response held back while s.mu is held: its headers go
// straight into the real response's (nothing is sent before WriteHeader),
// its status and body wait in memory.
type answer struct {
	header http.Header
	code   int
	wrote  bool
	body   bytes.Buffer
}

func (a *answer) Header() http.Header { return a.header }

func (a *answer) WriteHeader(code int) {
	if !a.wrote {
		a.code, a.wrote = code, true
	}
}

func (a *answer) Write(p []byte) (int, error) {
	a.wrote = true
	return a.body.Write(p)
}

// xRateHeaders counts the request in key's window for endpoint (when count)
// and writes the x-rate-limit-* headers; it reports whether the request is
// within the limit. Callers hold s.mu.
func (s *Sandbox) xRateHeaders(w http.ResponseWriter, key, endpoint string, count bool) bool {
	st := s.xs()
	limit := xLimits[endpoint]
	if endpoint == "POST /2/tweets" && st.PostLimit > 0 {
		limit = st.PostLimit
	}
	now := s.now()
	k := key + " " + endpoint
	win := st.windows[k]
	if win == nil || now.Sub(win.Start) >= xWindowLen {
		win = &xWindow{Start: now}
		st.windows[k] = win
	}
	ok := true
	if count {
		if win.Count >= limit {
			ok = false
		} else {
			win.Count++
		}
	}
	h := w.Header()
	h.Set("x-rate-limit-limit", strconv.Itoa(limit))
	h.Set("x-rate-limit-remaining", strconv.Itoa(max(limit-win.Count, 0)))
	h.Set("x-rate-limit-reset", strconv.FormatInt(win.Start.Add(xWindowLen).Unix(), 10))
	h.Set("api-version", "2.167")
	return ok
}

func hasScope(scopes []string, want string) bool {
	for _, s := range scopes {
		if s == want {
			return true
		}
	}
	return false
}

// X's about:blank problems, byte for byte (field order included).
var (
	xUnauthorized = json.RawMessage(`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`)
	xTooMany      = json.RawMessage(`{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}`)
	xScopeDenied  = json.RawMessage(`{"title":"Forbidden","type":"about:blank","status":403,"detail":"Forbidden"}`)
)

// xProblem writes an RFC 7807-style problem as X does.
func xProblem(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// xInvalid writes X's 400 invalid-request problem; params may be nil.
func xInvalid(w http.ResponseWriter, message string, params map[string][]string) {
	e := map[string]any{"message": message}
	if params != nil {
		e["parameters"] = params
	}
	xProblem(w, http.StatusBadRequest, map[string]any{
		"errors": []any{e},
		"title":  "Invalid Request",
		"detail": "One or more parameters to your request was invalid.",
		"type":   xProblemsBase + "invalid-request",
	})
}

// xForbidden writes X's 403 about:blank problem with detail.
func xForbidden(w http.ResponseWriter, detail string) {
	xProblem(w, http.StatusForbidden, struct {
		Detail string `json:"detail"`
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
	}{detail, "about:blank", "Forbidden", http.StatusForbidden})
}

// xNotFound is the partial error of an unknown id in a 200 answer.
func xNotFound(resourceType, param, id string) map[string]any {
	return map[string]any{
		"value": id, "detail": fmt.Sprintf("Could not find %s with %s: [%s].", resourceType, param, id),
		"title": "Not Found Error", "resource_type": resourceType, "parameter": param, "resource_id": id,
		"type": xProblemsBase + "resource-not-found",
	}
}

// xValidID reports whether id has the shape of an X id (1–19 digits).
func xValidID(id string) bool {
	if id == "" || len(id) > 19 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// xFault renders a ready-made fault as X answers it.
func xFault(kind FaultKind, now time.Time, retry time.Duration) (int, http.Header, []byte) {
	h := http.Header{}
	h.Set("Content-Type", "application/problem+json")
	var body any
	status := http.StatusInternalServerError
	switch kind {
	case FaultRateLimit:
		status, body = http.StatusTooManyRequests, xTooMany
		h.Set("x-rate-limit-limit", strconv.Itoa(xPostsPer15m))
		h.Set("x-rate-limit-remaining", "0")
		h.Set("x-rate-limit-reset", strconv.FormatInt(now.Add(retry).Unix(), 10))
	case FaultTokenExpired:
		status, body = http.StatusUnauthorized, xUnauthorized
	default:
		body = map[string]any{"title": "Internal Server Error", "detail": "Internal Server Error", "status": 500,
			"type": xProblemsBase + "internal-error"}
	}
	data, _ := json.Marshal(body)
	return status, h, data
}
