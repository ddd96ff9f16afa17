package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
)

type liEnv struct {
	sb    *Sandbox
	srv   *httptest.Server
	now   time.Time
	token string // access token of the default member, every scope
}

var liAllScopes = "openid profile email w_member_social r_member_social w_organization_social r_organization_social rw_organization_admin"

func liSetup(t *testing.T) *liEnv {
	t.Helper()
	e := &liEnv{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	sb, err := New(Options{Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	e.sb = sb
	e.srv = httptest.NewServer(sb)
	t.Cleanup(e.srv.Close)
	code := e.authorize(t, url.Values{"scope": {liAllScopes}}).Query().Get("code")
	status, body := e.form(t, "/www.linkedin.com/oauth/v2/accessToken", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"client_id": {"cid"}, "client_secret": {"sec"}, "redirect_uri": {"https://app.example/cb"}})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", status, body)
	}
	e.token = tok.AccessToken
	return e
}

// authorize GETs the consent page with the defaults overridden by q and
// returns the redirect (nil when it answered without redirecting).
func (e *liEnv) authorize(t *testing.T, q url.Values) *url.URL {
	t.Helper()
	v := url.Values{"response_type": {"code"}, "client_id": {"cid"}, "redirect_uri": {"https://app.example/cb"}, "state": {"xyz"}, "scope": {"openid profile"}}
	for k, vals := range q {
		v[k] = vals
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.srv.URL + "/www.linkedin.com/oauth/v2/authorization?" + v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("consent page answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return nil
	}
	u, _ := url.Parse(resp.Header.Get("Location"))
	return u
}

func (e *liEnv) form(t *testing.T, path string, v url.Values) (int, []byte) {
	t.Helper()
	resp, err := http.PostForm(e.srv.URL+path, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// rest sends a REST call like a person with curl; headers nil means the
// documented ones (Bearer token, LinkedIn-Version 202608, Rest.li 2.0.0).
func (e *liEnv) rest(t *testing.T, method, path, body string, headers map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+"/api.linkedin.com"+path, strings.NewReader(body))
	h := map[string]string{"Authorization": "Bearer " + e.token, "LinkedIn-Version": "202608", "X-Restli-Protocol-Version": "2.0.0", "Content-Type": "application/json"}
	for k, v := range headers {
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s: non-JSON body %q", method, path, data)
		}
	}
	return resp.StatusCode, resp.Header, out
}

func liPostJSONBody(author, commentary string) string {
	b, _ := json.Marshal(map[string]any{
		"author": author, "commentary": commentary, "visibility": "PUBLIC",
		"distribution":   map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{}, "thirdPartyDistributionChannels": []any{}},
		"lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": false,
	})
	return string(b)
}

func TestLinkedInConsentPage(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	if u := e.authorize(t, nil); u == nil || u.Host != "app.example" || u.Query().Get("code") == "" || u.Query().Get("state") != "xyz" {
		t.Fatalf("approve redirected to %v", u)
	}
	for name, q := range map[string]url.Values{
		"no client_id":          {"client_id": {""}},
		"no redirect_uri":       {"redirect_uri": {""}},
		"relative redirect_uri": {"redirect_uri": {"/cb"}},
		"response_type token":   {"response_type": {"token"}},
		"no state":              {"state": {""}},
		"no scope":              {"scope": {""}},
	} {
		if u := e.authorize(t, q); u != nil {
			t.Errorf("%s: redirected to %v, want the 400 page", name, u)
		}
	}
	e.sb.RegisterApp("linkedin", "registered", "s3cret", "https://app.example/cb")
	if u := e.authorize(t, url.Values{"client_id": {"registered"}, "redirect_uri": {"https://evil.example/cb"}}); u != nil {
		t.Errorf("unregistered redirect_uri redirected to %v", u)
	}
	if u := e.authorize(t, url.Values{"scope": {"openid,profile"}}); u == nil || u.Query().Get("error") != "unauthorized_scope_error" {
		t.Errorf("comma-separated scope: %v", u)
	}
	e.sb.SetConsent("linkedin", false)
	u := e.authorize(t, nil)
	if u == nil || u.Query().Get("error") != "user_cancelled_authorize" || u.Query().Get("error_description") != "The user cancelled the authorization" || u.Query().Get("state") != "xyz" {
		t.Errorf("deny redirected to %v", u)
	}
}

func TestLinkedInTokenEndpoint(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	code := e.authorize(t, nil).Query().Get("code")
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {"cid"}, "client_secret": {"sec"}, "redirect_uri": {"https://app.example/cb"}}

	wrong := url.Values{}
	for k, x := range v {
		wrong[k] = x
	}
	wrong.Set("redirect_uri", "https://app.example/other")
	if status, body := e.form(t, "/www.linkedin.com/oauth/v2/accessToken", wrong); status != 400 || !strings.Contains(string(body), "does not match authorization code") {
		t.Errorf("redirect_uri mismatch: %d %s", status, body)
	}
	status, body := e.form(t, "/www.linkedin.com/oauth/v2/accessToken", v)
	var tok map[string]any
	_ = json.Unmarshal(body, &tok)
	if status != 200 || tok["expires_in"] != float64(60*24*3600) || tok["refresh_token_expires_in"] != float64(365*24*3600) || tok["scope"] != "openid,profile" {
		t.Fatalf("token answer %d %s", status, body)
	}
	status, body = e.form(t, "/www.linkedin.com/oauth/v2/accessToken", v)
	if want := `{"error":"invalid_request","error_description":"Unable to retrieve access token: authorization code not found"}`; status != 400 || strings.TrimSpace(string(body)) != want {
		t.Errorf("reused code: %d %s", status, body)
	}

	// Refresh: same refresh token back, its remaining life counting down.
	e.now = e.now.Add(24 * time.Hour)
	status, body = e.form(t, "/www.linkedin.com/oauth/v2/accessToken", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "client_id": {"cid"}, "client_secret": {"sec"}})
	var ref map[string]any
	_ = json.Unmarshal(body, &ref)
	if status != 200 || ref["refresh_token"] != tok["refresh_token"] || ref["refresh_token_expires_in"] != float64(364*24*3600) || ref["access_token"] == tok["access_token"] {
		t.Errorf("refresh answer %d %s", status, body)
	}
	// A refresh token is not an access token.
	e.token = tok["refresh_token"].(string)
	if status, _, out := e.rest(t, "GET", "/v2/userinfo", "", nil); status != 401 || out["serviceErrorCode"] != float64(65600) {
		t.Errorf("refresh token as bearer: %d %v", status, out)
	}
	e.sb.RegisterApp("linkedin", "cid", "right")
	if status, body := e.form(t, "/www.linkedin.com/oauth/v2/accessToken", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "client_id": {"cid"}, "client_secret": {"sec"}}); status != 401 || !strings.Contains(string(body), "invalid_client") {
		t.Errorf("wrong secret of a registered app: %d %s", status, body)
	}
}

func TestLinkedInIntrospectAndRevoke(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	creds := url.Values{"token": {e.token}, "client_id": {"cid"}, "client_secret": {"sec"}}
	status, body := e.form(t, "/www.linkedin.com/oauth/v2/introspectToken", creds)
	if status != 200 || !strings.Contains(string(body), `"active":true`) || !strings.Contains(string(body), `"status":"active"`) {
		t.Fatalf("introspect: %d %s", status, body)
	}
	if status, _ := e.form(t, "/www.linkedin.com/oauth/v2/revoke", creds); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	if status, _, out := e.rest(t, "GET", "/v2/userinfo", "", nil); status != 401 || out["code"] != "REVOKED_ACCESS_TOKEN" || out["serviceErrorCode"] != float64(65601) {
		t.Errorf("revoked token: %d %v", status, out)
	}
	if _, body := e.form(t, "/www.linkedin.com/oauth/v2/introspectToken", creds); !strings.Contains(string(body), `"status":"revoked"`) {
		t.Errorf("introspect after revoke: %s", body)
	}
}

func TestLinkedInRESTRejects(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	member := "urn:li:person:sAmSbx01"
	post := liPostJSONBody(member, "hello")
	tests := []struct {
		name    string
		body    string
		headers map[string]string
		status  int
		code    string
		msgHas  string
	}{
		{"no token", post, map[string]string{"Authorization": ""}, 401, "EMPTY_ACCESS_TOKEN", "Empty oauth2 access token"},
		{"unknown token", post, map[string]string{"Authorization": "Bearer nope"}, 401, "INVALID_ACCESS_TOKEN", "Invalid access token"},
		{"no version", post, map[string]string{"LinkedIn-Version": ""}, 400, "VERSION_MISSING", "LinkedIn-Version"},
		{"sunset version", post, map[string]string{"LinkedIn-Version": "202401"}, 426, "NONEXISTENT_VERSION", "Requested version 20240101 is not active"},
		{"future version", post, map[string]string{"LinkedIn-Version": "202712"}, 426, "NONEXISTENT_VERSION", "Requested version 20271201 is not active"},
		{"garbage version", post, map[string]string{"LinkedIn-Version": "latest"}, 426, "NONEXISTENT_VERSION", "not active"},
		{"no Rest.li protocol", post, map[string]string{"X-Restli-Protocol-Version": ""}, 400, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version"},
		{"someone else", liPostJSONBody("urn:li:person:other", "hi"), nil, 403, "ACCESS_DENIED", "posts.CREATE.20260801"},
		{"org not administered", liPostJSONBody("urn:li:organization:90210003", "hi"), nil, 403, "ACCESS_DENIED", "Not enough permissions"},
		{"unknown image", `{"author":"` + member + `","commentary":"x","visibility":"PUBLIC","distribution":{"feedDistribution":"MAIN_FEED"},"lifecycleState":"PUBLISHED","content":{"media":{"id":"urn:li:image:NOPE"}}}`, nil, 400, "ILLEGAL_ARGUMENT", "does not exist"},
		{"missing distribution", `{"author":"` + member + `","commentary":"x","visibility":"PUBLIC","lifecycleState":"PUBLISHED"}`, nil, 422, "", "/distribution :: field is required"},
		{"not JSON", `{"author":`, nil, 400, "ILLEGAL_ARGUMENT", "Unable to parse"},
	}
	for _, tt := range tests {
		status, _, out := e.rest(t, "POST", "/rest/posts", tt.body, tt.headers)
		msg, _ := out["message"].(string)
		code, _ := out["code"].(string)
		if status != tt.status || code != tt.code || !strings.Contains(msg, tt.msgHas) || out["status"] != float64(tt.status) {
			t.Errorf("%s: %d %v, want %d %s %q", tt.name, status, out, tt.status, tt.code, tt.msgHas)
		}
	}
	status, _, out := e.rest(t, "POST", "/rest/posts", liPostJSONBody(member, strings.Repeat("é", 3001)), nil)
	if status != 400 || !strings.Contains(out["message"].(string), "ShareCommentary text length (3001 characters) exceeded the maximum allowed (3000 characters)") {
		t.Errorf("too long: %d %v", status, out)
	}
	status, _, out = e.rest(t, "POST", "/rest/posts", liPostJSONBody(member, strings.Repeat("é", 3000)), nil)
	if status != 201 {
		t.Errorf("3,000 characters: %d %v", status, out)
	}
	if status, _, _ := e.rest(t, "GET", "/rest/posts/"+url.QueryEscape("urn:li:share:1"), "", nil); status != 404 {
		t.Errorf("unknown post: %d", status)
	}
	e.now = e.now.Add(61 * 24 * time.Hour)
	if status, _, out := e.rest(t, "GET", "/v2/userinfo", "", nil); status != 401 || out["code"] != "EXPIRED_ACCESS_TOKEN" {
		t.Errorf("60 days later: %d %v", status, out)
	}
}

// A person following the Posts API docs with curl: create, read back (URN
// URL-encoded), find by author, duplicate, delete.
func TestLinkedInPostsLikeTheDocs(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	org := "urn:li:organization:90210001"
	status, h, _ := e.rest(t, "POST", "/rest/posts", liPostJSONBody(org, "Sample text Post"), nil)
	urn, _ := url.QueryUnescape(h.Get("x-restli-id"))
	if status != 201 || !strings.HasPrefix(urn, "urn:li:share:") {
		t.Fatalf("create: %d x-restli-id %q", status, h.Get("x-restli-id"))
	}
	status, _, got := e.rest(t, "GET", "/rest/posts/"+url.QueryEscape(urn), "", nil)
	if status != 200 || got["id"] != urn || got["commentary"] != "Sample text Post" || got["author"] != org {
		t.Errorf("read back: %d %v", status, got)
	}
	status, _, page := e.rest(t, "GET", "/rest/posts?q=author&author="+url.QueryEscape(org)+"&count=10&sortBy=LAST_MODIFIED", "", map[string]string{"X-RestLi-Method": "FINDER"})
	if els, _ := page["elements"].([]any); status != 200 || len(els) != 1 {
		t.Errorf("finder: %d %v", status, page)
	}
	status, _, dup := e.rest(t, "POST", "/rest/posts", liPostJSONBody(org, "Sample text Post"), nil)
	if status != 422 || !strings.Contains(dup["message"].(string), "Content is a duplicate of "+urn) || !strings.Contains(mustJSON(dup), `"code":"DUPLICATE_POST"`) {
		t.Errorf("duplicate: %d %v", status, dup)
	}
	// Unescaped little-text markup silently cuts the commentary, as on LinkedIn.
	_, h, _ = e.rest(t, "POST", "/rest/posts", liPostJSONBody(org, "Big news (really) #launch"), nil)
	cut, _ := url.QueryUnescape(h.Get("x-restli-id"))
	if _, _, p := e.rest(t, "GET", "/rest/posts/"+url.QueryEscape(cut), "", nil); p["commentary"] != "Big news " {
		t.Errorf("unescaped commentary stored as %q", p["commentary"])
	}
	if status, _, _ := e.rest(t, "DELETE", "/rest/posts/"+url.QueryEscape(urn), "", nil); status != 204 {
		t.Errorf("delete: %d", status)
	}
	if status, _, _ := e.rest(t, "GET", "/rest/posts/"+url.QueryEscape(urn), "", nil); status != 404 {
		t.Errorf("deleted post: %d", status)
	}
	if status, _, _ := e.rest(t, "POST", "/rest/posts", liPostJSONBody(org, "Sample text Post"), nil); status != 201 {
		t.Errorf("text of a deleted post is no longer a duplicate: %d", status)
	}
	_, _, page = e.rest(t, "GET", "/rest/posts?q=author&author="+url.QueryEscape(org), "", nil)
	if page["paging"].(map[string]any)["total"] != float64(2) {
		t.Errorf("paging after delete: %v", page["paging"])
	}
}

func TestLinkedInImageUploadLikeTheDocs(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	org := "urn:li:organization:90210002"
	status, _, out := e.rest(t, "POST", "/rest/images?action=initializeUpload", `{"initializeUploadRequest":{"owner":"`+org+`"}}`, nil)
	v := out["value"].(map[string]any)
	img, upload := v["image"].(string), v["uploadUrl"].(string)
	if status != 200 || !strings.HasPrefix(img, "urn:li:image:") || !strings.HasPrefix(upload, e.srv.URL+"/www.linkedin.com/dms-uploads/") {
		t.Fatalf("initializeUpload: %d %v", status, out)
	}
	post := `{"author":"` + org + `","commentary":"pic","visibility":"PUBLIC","distribution":{"feedDistribution":"MAIN_FEED"},"lifecycleState":"PUBLISHED","content":{"media":{"id":"` + img + `"}}}`
	if status, _, out := e.rest(t, "POST", "/rest/posts", post, nil); status != 400 || !strings.Contains(out["message"].(string), "WAITING_UPLOAD") {
		t.Errorf("post before upload: %d %v", status, out)
	}
	put := func(token string) int {
		req, _ := http.NewRequest("PUT", upload, bytes.NewReader(testmedia.Image(t, "png", 120, 80, 0)))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := put(""); s != 401 {
		t.Errorf("upload without token: %d", s)
	}
	if s := put(e.token); s != 201 {
		t.Errorf("upload: %d", s)
	}
	if _, _, im := e.rest(t, "GET", "/rest/images/"+url.QueryEscape(img), "", nil); im["status"] != "AVAILABLE" || im["downloadUrl"] == nil {
		t.Errorf("image after upload: %v", im)
	}
	if status, _, out := e.rest(t, "POST", "/rest/posts", post, nil); status != 201 {
		t.Errorf("post with image: %d %v", status, out)
	}
	other := `{"author":"urn:li:organization:90210001","commentary":"stolen","visibility":"PUBLIC","distribution":{"feedDistribution":"MAIN_FEED"},"lifecycleState":"PUBLISHED","content":{"media":{"id":"` + img + `"}}}`
	if status, _, _ := e.rest(t, "POST", "/rest/posts", other, nil); status != 400 {
		t.Errorf("another author's image: %d", status)
	}
}

func TestLinkedInMetricsGrow(t *testing.T) {
	t.Parallel()
	e := liSetup(t)
	org := "urn:li:organization:90210001"
	_, h, _ := e.rest(t, "POST", "/rest/posts", liPostJSONBody(org, "stats"), nil)
	urn, _ := url.QueryUnescape(h.Get("x-restli-id"))
	stats := func() map[string]any {
		status, _, out := e.rest(t, "GET", "/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity="+url.QueryEscape(org)+"&shares=List("+url.QueryEscape(urn)+")", "", nil)
		els, _ := out["elements"].([]any)
		if status != 200 || len(els) != 1 {
			t.Fatalf("share statistics: %d %v", status, out)
		}
		return els[0].(map[string]any)["totalShareStatistics"].(map[string]any)
	}
	if s := stats(); s["impressionCount"] != float64(0) {
		t.Errorf("fresh post: %v", s)
	}
	e.now = e.now.Add(24 * time.Hour)
	day := stats()
	e.now = e.now.Add(6 * 24 * time.Hour)
	week := stats()
	if !(week["impressionCount"].(float64) > day["impressionCount"].(float64) && day["impressionCount"].(float64) > 0) {
		t.Errorf("impressions day %v week %v", day["impressionCount"], week["impressionCount"])
	}
	if _, _, ns := e.rest(t, "GET", "/rest/networkSizes/"+url.QueryEscape(org)+"?edgeType=COMPANY_FOLLOWED_BY_MEMBER", "", nil); ns["firstDegreeSize"] != float64(1842) {
		t.Errorf("network size %v", ns)
	}
	if status, _, _ := e.rest(t, "GET", "/rest/networkSizes/"+url.QueryEscape(org), "", nil); status != 400 {
		t.Errorf("network size without edgeType: %d", status)
	}
	if _, _, sa := e.rest(t, "GET", "/rest/socialActions/"+url.QueryEscape(urn), "", nil); sa["likesSummary"].(map[string]any)["totalLikes"] != week["likeCount"] {
		t.Errorf("social actions %v vs statistics %v", sa, week)
	}
}

func TestLinkedInVersionWindow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]bool{"202608": true, "202611": true, "202612": false, "202512": true, "202511": false, "202608.01": true, "20260801": false, "202613": false, "": false} {
		if _, got := liVersionActive(v, now); got != want {
			t.Errorf("liVersionActive(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestLinkedInLittleTruncate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`plain`:                       `plain`,
		`escaped \(ok\) \#1`:          `escaped \(ok\) \#1`,
		`#hashtag and #2026`:          `#hashtag and #2026`,
		`cut (here`:                   `cut `,
		`mail a@b.c`:                  `mail a`,
		`hi @[Sam](urn:li:person:1)!`: `hi @[Sam](urn:li:person:1)!`,
		`{hashtag|\#|coffee} ok_then`: `{hashtag|\#|coffee} ok`,
		`a # b`:                       `a `,
	} {
		if got := liLittleTruncate(in); got != want {
			t.Errorf("liLittleTruncate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLinkedInFaultBodies(t *testing.T) {
	t.Parallel()
	for kind, want := range map[FaultKind]string{
		FaultRateLimit:    `{"code":"TOO_MANY_REQUESTS","message":"Resource level throttle APPLICATION DAY limit for calls to this resource is reached.","serviceErrorCode":101,"status":429}`,
		FaultServerError:  `{"message":"Internal Server Error","status":500}`,
		FaultTokenExpired: `{"code":"EXPIRED_ACCESS_TOKEN","message":"The token used in the request has expired","serviceErrorCode":65602,"status":401}`,
	} {
		status, h, body := linkedInFault(kind, time.Now(), time.Minute)
		if string(body) != want || h.Get("Retry-After") != "" || status == 0 {
			t.Errorf("%s: %d %s", kind, status, body)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestLinkedInStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/state.json"
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	sb, err := New(Options{StatePath: path, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e := &liEnv{sb: sb, srv: httptest.NewServer(sb), now: now}
	code := e.authorize(t, url.Values{"scope": {liAllScopes}}).Query().Get("code")
	_, body := e.form(t, "/www.linkedin.com/oauth/v2/accessToken", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"client_id": {"cid"}, "client_secret": {"sec"}, "redirect_uri": {"https://app.example/cb"}})
	var tok map[string]any
	_ = json.Unmarshal(body, &tok)
	e.token, _ = tok["access_token"].(string)
	_, h, _ := e.rest(t, "POST", "/rest/posts", liPostJSONBody("urn:li:organization:90210001", "kept across restarts"), nil)
	urn, _ := url.QueryUnescape(h.Get("x-restli-id"))
	e.srv.Close()
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(mustRead(t, path), e.token) {
		t.Fatal("a raw token is stored in the state file")
	}
	sb2, err := New(Options{StatePath: path, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb2.Close() })
	e.srv = httptest.NewServer(sb2)
	t.Cleanup(e.srv.Close)
	if status, _, p := e.rest(t, "GET", "/rest/posts/"+url.QueryEscape(urn), "", nil); status != 200 || p["commentary"] != "kept across restarts" {
		t.Errorf("after restart: %d %v", status, p)
	}
	if status, _, _ := e.rest(t, "POST", "/rest/posts", liPostJSONBody("urn:li:organization:90210001", "kept across restarts"), nil); status != 422 {
		t.Errorf("duplicate detection lost across restart: %d", status)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func FuzzLinkedInLittleTruncate(f *testing.F) {
	for _, s := range []string{`plain`, `cut (here`, `hi @[Sam](urn:li:person:1)!`, `{hashtag|\#|x}`, `\`, `#`, `@[`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := liLittleTruncate(s); !strings.HasPrefix(s, got) {
			t.Fatalf("liLittleTruncate(%q) = %q is not a prefix", s, got)
		}
	})
}
