package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type xClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *xClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *xClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type xEnv struct {
	sb    *Sandbox
	srv   *httptest.Server
	clock *xClock
}

func xSetup(t *testing.T, opts Options) *xEnv {
	t.Helper()
	clock := &xClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	opts.Now = clock.Now
	sb, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return &xEnv{sb: sb, srv: srv, clock: clock}
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type xResp struct {
	status int
	header http.Header
	body   []byte
}

func (r xResp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not JSON (%d): %s", r.status, r.body)
	}
	return m
}

func (e *xEnv) do(t *testing.T, method, path, token, contentType string, body []byte) xResp {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return xResp{resp.StatusCode, resp.Header, data}
}

func (e *xEnv) form(t *testing.T, path string, v url.Values, basic ...string) xResp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return xResp{resp.StatusCode, resp.Header, data}
}

func xChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const xVerifier = "a-verifier-that-is-long-enough-for-pkce-0123456789"

func xAuthorizeQuery(scope string) url.Values {
	return url.Values{"response_type": {"code"}, "client_id": {"curl-app"}, "redirect_uri": {"https://app.example/cb"},
		"scope": {scope}, "state": {"xyz"}, "code_challenge": {xChallenge(xVerifier)}, "code_challenge_method": {"S256"}}
}

// xGrant goes through consent and the token endpoint as a public client.
func (e *xEnv) xGrant(t *testing.T, scope string) (access, refresh string) {
	t.Helper()
	r := e.do(t, "GET", "/x.com/i/oauth2/authorize?"+xAuthorizeQuery(scope).Encode(), "", "", nil)
	if r.status != http.StatusFound {
		t.Fatalf("consent: %d %s", r.status, r.body)
	}
	loc, _ := url.Parse(r.header.Get("Location"))
	tok := e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"https://app.example/cb"}, "code_verifier": {xVerifier}, "client_id": {"curl-app"}})
	if tok.status != 200 {
		t.Fatalf("token: %d %s", tok.status, tok.body)
	}
	m := tok.json(t)
	if m["token_type"] != "bearer" || m["expires_in"].(float64) <= 0 || m["scope"] != scope {
		t.Fatalf("token answer %v", m)
	}
	refresh, _ = m["refresh_token"].(string)
	return m["access_token"].(string), refresh
}

const xAllScopes = "tweet.read tweet.write users.read offline.access media.write"

func TestXAuthorizePage(t *testing.T) {
	e := xSetup(t, Options{})
	e.sb.RegisterApp("twitter", "reg-app", "secret", "https://app.example/registered")
	bad := map[string]func(url.Values){
		"no client_id":          func(q url.Values) { q.Del("client_id") },
		"no redirect_uri":       func(q url.Values) { q.Del("redirect_uri") },
		"unregistered redirect": func(q url.Values) { q.Set("client_id", "reg-app") },
		"response_type token":   func(q url.Values) { q.Set("response_type", "token") },
		"no scope":              func(q url.Values) { q.Del("scope") },
		"unknown scope":         func(q url.Values) { q.Set("scope", "tweet.read everything") },
		"no state":              func(q url.Values) { q.Del("state") },
		"no PKCE":               func(q url.Values) { q.Del("code_challenge") },
		"bad PKCE method":       func(q url.Values) { q.Set("code_challenge_method", "S512") },
	}
	for name, mutate := range bad {
		q := xAuthorizeQuery(xAllScopes)
		mutate(q)
		r := e.do(t, "GET", "/x.com/i/oauth2/authorize?"+q.Encode(), "", "", nil)
		if r.status != http.StatusBadRequest || r.header.Get("Location") != "" || !strings.Contains(string(r.body), "Something went wrong") {
			t.Errorf("%s: %d %q", name, r.status, r.header.Get("Location"))
		}
	}
	r := e.do(t, "GET", "/twitter.com/i/oauth2/authorize?"+xAuthorizeQuery(xAllScopes).Encode(), "", "", nil)
	loc, _ := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || loc.Host != "app.example" || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("approve: %d %s", r.status, loc)
	}
	e.sb.SetConsent("twitter", false)
	r = e.do(t, "GET", "/x.com/i/oauth2/authorize?"+xAuthorizeQuery(xAllScopes).Encode(), "", "", nil)
	loc, _ = url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "xyz" || loc.Query().Has("code") {
		t.Fatalf("deny: %d %s", r.status, loc)
	}
}

func TestXTokenEndpoint(t *testing.T) {
	e := xSetup(t, Options{})
	q := xAuthorizeQuery(xAllScopes)
	code := func() string {
		r := e.do(t, "GET", "/x.com/i/oauth2/authorize?"+q.Encode(), "", "", nil)
		loc, _ := url.Parse(r.header.Get("Location"))
		return loc.Query().Get("code")
	}
	exchange := func(c, verifier string) xResp {
		return e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {c},
			"redirect_uri": {"https://app.example/cb"}, "code_verifier": {verifier}, "client_id": {"curl-app"}})
	}
	invalid := func(name string, r xResp) {
		t.Helper()
		if r.status != 400 || r.json(t)["error"] != "invalid_request" || r.json(t)["error_description"] != xBadToken {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	invalid("PKCE mismatch", exchange(code(), "some-other-verifier-some-other-verifier-0000"))
	c := code()
	if r := exchange(c, xVerifier); r.status != 200 {
		t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	invalid("reused code", exchange(c, xVerifier))
	c = code()
	e.clock.Advance(31 * time.Second)
	invalid("code older than 30 s", exchange(c, xVerifier))

	// Refresh tokens rotate; the spent one fails like X's.
	_, refresh := e.xGrant(t, xAllScopes)
	r := e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {"curl-app"}})
	next, _ := r.json(t)["refresh_token"].(string)
	if r.status != 200 || next == "" || next == refresh {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	invalid("reused refresh token", e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {"curl-app"}}))
	invalid("refresh token of another client", e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next}, "client_id": {"other"}}))

	// Without offline.access there is no refresh token.
	if _, rt := e.xGrant(t, "tweet.read users.read"); rt != "" {
		t.Fatal("refresh token without offline.access")
	}
	// A registered (confidential) app must authenticate with its secret.
	e.sb.RegisterApp("twitter", "conf-app", "s3cret")
	r = e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next}, "client_id": {"conf-app"}})
	if r.status != 401 || r.json(t)["error"] != "unauthorized_client" {
		t.Fatalf("confidential client without secret: %d %s", r.status, r.body)
	}
	r = e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next}}, "conf-app", "wrong")
	if r.status != 401 {
		t.Fatalf("wrong secret: %d %s", r.status, r.body)
	}
	r = e.form(t, "/api.x.com/2/oauth2/revoke", url.Values{"token": {next}, "client_id": {"curl-app"}, "token_type_hint": {"refresh_token"}})
	if r.status != 200 || r.json(t)["revoked"] != true {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	invalid("revoked refresh token", e.form(t, "/api.x.com/2/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {next}, "client_id": {"curl-app"}}))
}

func TestXRejectsBadTokens(t *testing.T) {
	e := xSetup(t, Options{AccessTokenTTL: time.Minute})
	access, refresh := e.xGrant(t, xAllScopes)
	readOnly, _ := e.xGrant(t, "tweet.read users.read")
	body := []byte(`{"text":"hello"}`)
	unauthorized := `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`
	for name, tok := range map[string]string{"missing": "", "invalid": "nope", "refresh token as bearer": refresh} {
		r := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", body)
		if r.status != 401 || strings.TrimSpace(string(r.body)) != unauthorized || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s token: %d %s", name, r.status, r.body)
		}
	}
	if r := e.do(t, "POST", "/api.x.com/2/tweets", readOnly, "application/json", body); r.status != 403 {
		t.Errorf("token without tweet.write: %d %s", r.status, r.body)
	}
	e.clock.Advance(2 * time.Minute)
	if r := e.do(t, "GET", "/api.x.com/2/users/me", access, "", nil); r.status != 401 {
		t.Errorf("expired token: %d %s", r.status, r.body)
	}
}

func TestXCreatePostValidation(t *testing.T) {
	e := xSetup(t, Options{})
	tok, _ := e.xGrant(t, xAllScopes)
	post := func(body string) xResp {
		return e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(body))
	}
	ok := post(`{"text":"First post"}`)
	if ok.status != 201 {
		t.Fatalf("create: %d %s", ok.status, ok.body)
	}
	for _, h := range []string{"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} {
		if ok.header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if ok.header.Get("x-rate-limit-limit") != "100" || ok.header.Get("x-rate-limit-remaining") != "99" {
		t.Errorf("rate headers %v", ok.header)
	}
	tests := []struct {
		name, body string
		status     int
		contains   string
	}{
		{"too long", `{"text":"` + strings.Repeat("語", 141) + `"}`, 400, "too long"},
		{"280 weighted is fine", `{"text":"` + strings.Repeat("語", 140) + `"}`, 201, ""},
		{"unknown field", `{"text":"hi","colour":"red"}`, 400, "$.colour: is not defined in the schema"},
		{"unknown nested field", `{"text":"hi","reply":{"in_reply_to_tweet_id":"1","x":1}}`, 400, "is not defined in the schema"},
		{"unknown media", `{"text":"hi","media":{"media_ids":["1800000000000000999"]}}`, 400, "Your media IDs are invalid."},
		{"five media", `{"text":"hi","media":{"media_ids":["1","2","3","4","5"]}}`, 400, "between 1 and 4"},
		{"reply to unknown post", `{"text":"hi","reply":{"in_reply_to_tweet_id":"1900000000000009999"}}`, 403, "deleted or not visible"},
		{"empty", `{}`, 400, "You must provide"},
		{"not json", `text=hi`, 400, "not valid JSON"},
		{"duplicate", `{"text":"First post"}`, 403, "duplicate content"},
		{"poll and media", `{"text":"hi","poll":{"options":["a","b"],"duration_minutes":60},"media":{"media_ids":["1"]}}`, 400, ""},
	}
	for _, tt := range tests {
		r := post(tt.body)
		if r.status != tt.status || !strings.Contains(string(r.body), tt.contains) {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	dup := post(`{"text":"First post"}`)
	want := `{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`
	if strings.TrimSpace(string(dup.body)) != want {
		t.Errorf("duplicate body %s", dup.body)
	}
	// After 24 hours the same words may be posted again.
	e.clock.Advance(25 * time.Hour)
	tok, _ = e.xGrant(t, xAllScopes)
	if r := post(`{"text":"First post"}`); r.status != 201 {
		t.Errorf("repost after 24 h: %d %s", r.status, r.body)
	}
}

func TestXPostRateLimit(t *testing.T) {
	e := xSetup(t, Options{})
	tok, _ := e.xGrant(t, xAllScopes)
	var last xResp
	for i := range 101 {
		last = e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(`{"text":"n`+strconv.Itoa(i)+`"}`))
	}
	reset := strconv.FormatInt(e.clock.Now().Add(15*time.Minute).Unix(), 10)
	if last.status != 429 || last.header.Get("x-rate-limit-remaining") != "0" || last.header.Get("x-rate-limit-reset") != reset ||
		!strings.Contains(string(last.body), `"title":"Too Many Requests"`) {
		t.Fatalf("101st post: %d %v %s", last.status, last.header, last.body)
	}
	e.sb.SetXPostLimit(1000)
	if r := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(`{"text":"raised"}`)); r.status != 201 {
		t.Fatalf("raised limit: %d %s", r.status, r.body)
	}
}

// TestXCurlFromTheDocs sends documented requests no adapter test sends, the
// way a person following docs.x.com would, and checks X's answers.
func TestXCurlFromTheDocs(t *testing.T) {
	e := xSetup(t, Options{})
	tok, _ := e.xGrant(t, xAllScopes)
	a := e.do(t, "POST", "/api.x.com/2/tweets", tok, "application/json", []byte(`{"text":"Hello World!"}`)).json(t)
	id := a["data"].(map[string]any)["id"].(string)
	hist := a["data"].(map[string]any)["edit_history_tweet_ids"].([]any)
	if len(hist) != 1 || hist[0] != id {
		t.Fatalf("create answer %v", a)
	}
	e.clock.Advance(3 * time.Hour)
	tok, _ = e.xGrant(t, xAllScopes)
	r := e.do(t, "GET", "/api.x.com/2/tweets?ids="+id+",1900000000000009999&tweet.fields=created_at,author_id,public_metrics", tok, "", nil)
	m := r.json(t)
	data := m["data"].([]any)[0].(map[string]any)
	pm := data["public_metrics"].(map[string]any)
	if data["author_id"] != xDefaultUser || data["created_at"] != "2026-11-25T09:00:00.000Z" || pm["impression_count"].(float64) <= 0 ||
		pm["retweet_count"] != pm["repost_count"] || len(m["errors"].([]any)) != 1 {
		t.Fatalf("lookup %s", r.body)
	}
	// post.fields, the v2.167 spelling, is an alias.
	if r := e.do(t, "GET", "/api.x.com/2/tweets/"+id+"?post.fields=public_metrics", tok, "", nil); r.status != 200 || !strings.Contains(string(r.body), "like_count") {
		t.Fatalf("post.fields: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api.x.com/2/tweets/"+id+"?tweet.fields=colour", tok, "", nil); r.status != 400 {
		t.Fatalf("unknown field: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api.x.com/2/tweets/abc", tok, "", nil); r.status != 400 {
		t.Fatalf("malformed id: %d %s", r.status, r.body)
	}
	// The admin list holds it, with its author and text; once deleted, not.
	if r := e.do(t, "GET", "/_sandbox/posts", "", "", nil); r.status != 200 ||
		!strings.Contains(string(r.body), `{"platform":"twitter","account":"`+xDefaultUser+`","id":"`+id+`","text":"Hello World!"`) {
		t.Fatalf("admin posts: %d %s", r.status, r.body)
	}
	if r := e.do(t, "DELETE", "/api.x.com/2/tweets/"+id, tok, "", nil); r.status != 200 || strings.TrimSpace(string(r.body)) != `{"data":{"deleted":true}}` {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/_sandbox/posts", "", "", nil); strings.Contains(string(r.body), id) {
		t.Fatalf("admin posts after the delete: %s", r.body)
	}
	r = e.do(t, "GET", "/api.x.com/2/tweets/"+id, tok, "", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "resource-not-found") || strings.Contains(string(r.body), `"data"`) {
		t.Fatalf("deleted post: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api.x.com/2/users/"+xDefaultUser+"?user.fields=public_metrics", tok, "", nil); !strings.Contains(string(r.body), `"followers_count":4210`) {
		t.Fatalf("user lookup: %s", r.body)
	}
	if r := e.do(t, "GET", "/api.twitter.com/2/users/me", tok, "", nil); r.status != 200 || !strings.Contains(string(r.body), `"username":"acme_sandbox"`) {
		t.Fatalf("api.twitter.com host: %d %s", r.status, r.body)
	}
}

func TestXMetricsGrow(t *testing.T) {
	p := &xPost{ID: "1900000000000000042", Text: "see https://acme.example", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var prev xMetrics
	for _, age := range []time.Duration{0, time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
		m := xMetricsAt(p, p.CreatedAt.Add(age))
		if m.impressions < prev.impressions || m.likes < prev.likes || m.linkClicks < prev.linkClicks {
			t.Fatalf("metrics shrank at %v: %+v after %+v", age, m, prev)
		}
		prev = m
	}
	if prev.impressions == 0 || prev.linkClicks == 0 || xMetricsAt(p, p.CreatedAt.Add(30*24*time.Hour)) != prev {
		t.Fatalf("week-old metrics %+v", prev)
	}
}

func TestXFaults(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		kind   FaultKind
		status int
		body   string
	}{
		{FaultRateLimit, 429, `"title":"Too Many Requests"`},
		{FaultServerError, 500, `internal-error`},
		{FaultTokenExpired, 401, `"detail":"Unauthorized"`},
	}
	for _, tt := range tests {
		status, h, body := xFault(tt.kind, now, 90*time.Second)
		if status != tt.status || !strings.Contains(string(body), tt.body) || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", tt.kind, status, body)
		}
		if tt.kind == FaultRateLimit && h.Get("x-rate-limit-reset") != strconv.FormatInt(now.Add(90*time.Second).Unix(), 10) {
			t.Errorf("rate limit reset %q", h.Get("x-rate-limit-reset"))
		}
	}
}
