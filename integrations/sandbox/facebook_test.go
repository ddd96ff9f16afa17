package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type fbEnv struct {
	sb   *Sandbox
	srv  *httptest.Server
	now  *time.Time
	user string // long-lived user token
	page string // Acme Coffee's Page token
}

func fbSetup(t *testing.T, opts Options) *fbEnv {
	t.Helper()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	e := &fbEnv{now: &now}
	if opts.Now == nil {
		opts.Now = func() time.Time { return *e.now }
	}
	sb, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.sb = sb
	e.srv = httptest.NewServer(sb)
	t.Cleanup(e.srv.Close)
	code := e.dialogCode(t, "pages_show_list,pages_read_engagement,pages_manage_posts,read_insights,instagram_basic,instagram_content_publish,instagram_manage_insights")
	var short, long struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	e.call(t, "GET", "/v26.0/oauth/access_token?"+url.Values{"client_id": {"app"}, "client_secret": {"s"}, "redirect_uri": {"https://app.example/cb"}, "code": {code}}.Encode(), "", nil, 200, &short)
	e.call(t, "GET", "/v26.0/oauth/access_token?"+url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {"app"}, "client_secret": {"s"}, "fb_exchange_token": {short.AccessToken}}.Encode(), "", nil, 200, &long)
	if long.ExpiresIn != 5183944 {
		t.Fatalf("long-lived expires_in %d", long.ExpiresIn)
	}
	e.user = long.AccessToken
	var raw struct {
		Data []map[string]any `json:"data"`
	}
	e.call(t, "GET", "/v26.0/me/accounts", e.user, nil, 200, &raw)
	if len(raw.Data) != 2 || raw.Data[0]["name"] != "Acme Coffee" || raw.Data[0]["access_token"] == "" {
		t.Fatalf("/me/accounts %v", raw)
	}
	e.page = raw.Data[0]["access_token"].(string)
	return e
}

func (e *fbEnv) dialogCode(t *testing.T, scope string) string {
	t.Helper()
	resp := e.dialog(t, url.Values{"client_id": {"app"}, "redirect_uri": {"https://app.example/cb"}, "state": {"s1"}, "scope": {scope}, "response_type": {"code"}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("dialog status %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("state") != "s1" || !strings.HasPrefix(loc.String(), "https://app.example/cb?") {
		t.Fatalf("redirect %s", loc)
	}
	return loc.Query().Get("code")
}

func (e *fbEnv) dialog(t *testing.T, q url.Values) *http.Response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(e.srv.URL + "/www.facebook.com/v26.0/dialog/oauth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// call sends a Graph request (path after the host), checks the status and
// decodes the body; it returns the Graph error when there is one.
func (e *fbEnv) call(t *testing.T, method, path, token string, form url.Values, status int, out any) graphError {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.srv.URL+"/graph.facebook.com"+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, status, data)
	}
	if resp.Header.Get("X-App-Usage") == "" || resp.Header.Get("X-Business-Use-Case-Usage") == "" {
		t.Errorf("%s %s: usage headers missing", method, path)
	}
	var env struct {
		Error graphError `json:"error"`
	}
	_ = json.Unmarshal(data, &env)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	if status >= 400 && (env.Error.Code == 0 || env.Error.TraceID == "" || env.Error.Type == "") {
		t.Errorf("%s %s: not a Graph error envelope: %s", method, path, data)
	}
	return env.Error
}

func TestFacebookDialogValidation(t *testing.T) {
	e := fbSetup(t, Options{})
	e.sb.RegisterApp("facebook", "locked", "sec", "https://allowed.example/cb")
	for name, q := range map[string]url.Values{
		"no client_id":      {"redirect_uri": {"https://app.example/cb"}},
		"no redirect_uri":   {"client_id": {"app"}},
		"relative redirect": {"client_id": {"app"}, "redirect_uri": {"/cb"}},
		"unlisted redirect": {"client_id": {"locked"}, "redirect_uri": {"https://evil.example/cb"}},
		"unknown scope":     {"client_id": {"app"}, "redirect_uri": {"https://app.example/cb"}, "scope": {"pages_show_list,make_coffee"}},
		"token flow":        {"client_id": {"app"}, "redirect_uri": {"https://app.example/cb"}, "response_type": {"token"}},
	} {
		if resp := e.dialog(t, q); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: status %d location %q, want a 400 page", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	e.sb.SetConsent("facebook", false)
	resp := e.dialog(t, url.Values{"client_id": {"app"}, "redirect_uri": {"https://app.example/cb?x=1"}, "state": {"st"}})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if resp.StatusCode != http.StatusFound || q.Get("x") != "1" || q.Get("error") != "access_denied" || q.Get("error_code") != "200" ||
		q.Get("error_description") != "Permissions error" || q.Get("error_reason") != "user_denied" || q.Get("state") != "st" {
		t.Errorf("denied redirect %s", loc)
	}
}

func TestFacebookTokenEndpoint(t *testing.T) {
	e := fbSetup(t, Options{})
	e.sb.RegisterApp("facebook", "reg", "right")
	code := e.dialogCode(t, "pages_show_list")
	q := url.Values{"client_id": {"reg"}, "client_secret": {"wrong"}, "redirect_uri": {"https://app.example/cb"}, "code": {code}}
	if ge := e.call(t, "GET", "/oauth/access_token?"+q.Encode(), "", nil, 400, nil); ge.Code != 1 {
		t.Errorf("wrong secret: %+v", ge)
	}
	q.Set("client_id", "app")
	q.Set("redirect_uri", "https://app.example/other")
	if ge := e.call(t, "GET", "/oauth/access_token?"+q.Encode(), "", nil, 400, nil); ge.Subcode != 36008 {
		t.Errorf("redirect mismatch: %+v", ge)
	}
	q.Set("redirect_uri", "https://app.example/cb")
	e.call(t, "POST", "/v26.0/oauth/access_token", "", q, 200, nil) // x/oauth2 POSTs the same form
	if ge := e.call(t, "GET", "/oauth/access_token?"+q.Encode(), "", nil, 400, nil); ge.Code != 100 || ge.Message != "This authorization code has been used." {
		t.Errorf("reused code: %+v", ge)
	}
	*e.now = e.now.Add(61 * 24 * time.Hour)
	ex := url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {"app"}, "client_secret": {"s"}, "fb_exchange_token": {e.user}}
	if ge := e.call(t, "GET", "/v26.0/oauth/access_token?"+ex.Encode(), "", nil, 400, nil); ge.Code != 190 || ge.Subcode != 463 {
		t.Errorf("exchange of an expired token: %+v", ge)
	}
}

func TestFacebookRejectsBadTokens(t *testing.T) {
	e := fbSetup(t, Options{})
	feed := "/v26.0/" + fbSeedPage1 + "/feed"
	cases := []struct {
		name, method, path, token string
		form                      url.Values
		code, subcode             int
	}{
		{"missing token", "GET", "/v26.0/me", "", nil, 104, 0},
		{"unknown token", "GET", "/v26.0/me", "not-a-token", nil, 190, 0},
		{"user token posting to a Page", "POST", feed, e.user, url.Values{"message": {"hi"}}, 200, 0},
		{"page token of another Page", "POST", "/v26.0/" + fbSeedPage2 + "/feed", e.page, url.Values{"message": {"hi"}}, 200, 0},
		{"page token on /me/accounts", "GET", "/v26.0/me/accounts", e.page, nil, 100, 0},
		{"user token reading published_posts", "GET", "/v26.0/" + fbSeedPage1 + "/published_posts", e.user, nil, 190, 0},
		{"unknown object", "GET", "/v26.0/100000000009999", e.page, nil, 100, 33},
		{"unknown field", "GET", "/v26.0/" + fbSeedPage1 + "?fields=id,colour", e.page, nil, 100, 0},
		{"unknown path", "GET", "/v26.0/" + fbSeedPage1 + "/feed/extra", e.page, nil, 2500, 0},
		{"message too long", "POST", feed, e.page, url.Values{"message": {strings.Repeat("é", 63207)}}, 100, 0},
		{"empty post", "POST", feed, e.page, url.Values{}, 100, 0},
		{"bad attached_media", "POST", feed, e.page, url.Values{"attached_media": {`[{"media_fbid":"1"}]`}}, 100, 0},
		{"photo without url", "POST", "/v26.0/" + fbSeedPage1 + "/photos", e.page, url.Values{"caption": {"x"}}, 324, 0},
		{"deprecated metric", "GET", "/v26.0/" + fbSeedPage1 + "/insights?metric=page_impressions", e.page, nil, 100, 0},
		{"no metric", "GET", "/v26.0/" + fbSeedPage1 + "/insights", e.page, nil, 3001, 1504028},
	}
	for _, tc := range cases {
		ge := e.call(t, tc.method, tc.path, tc.token, tc.form, 400, nil)
		if ge.Code != tc.code || ge.Subcode != tc.subcode {
			t.Errorf("%s: got %d/%d %q, want %d/%d", tc.name, ge.Code, ge.Subcode, ge.Message, tc.code, tc.subcode)
		}
	}
	*e.now = e.now.Add(61 * 24 * time.Hour)
	if ge := e.call(t, "GET", "/v26.0/me", e.user, nil, 400, nil); ge.Code != 190 || ge.Subcode != 463 || !strings.Contains(ge.Message, "Session has expired") {
		t.Errorf("expired user token: %+v", ge)
	}
	e.call(t, "GET", "/v26.0/me", e.page, nil, 200, nil) // Page tokens do not expire
	e.call(t, "DELETE", "/me/permissions", e.page, nil, 400, nil)
}

// TestFacebookCurlStyle: what a person following the Graph docs with curl
// sends — the token in the query or the form body, no version, a JSON body.
func TestFacebookCurlStyle(t *testing.T) {
	e := fbSetup(t, Options{})
	form := url.Values{"message": {"Hello from curl"}, "access_token": {e.page}}
	resp, err := http.PostForm(e.srv.URL+"/graph.facebook.com/"+fbSeedPage1+"/feed", form)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(created.ID, fbSeedPage1+"_") {
		t.Fatalf("curl post: %d %+v", resp.StatusCode, created)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/graph.facebook.com/v25.0/"+fbSeedPage1+"/feed?access_token="+url.QueryEscape(e.page),
		strings.NewReader(`{"message":"JSON body","link":"https://example.com/x"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("JSON body post: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(e.srv.URL + "/graph.facebook.com/v26.0/" + fbSeedPage1 + "/feed?fields=message,created_time,permalink_url,reactions.summary(total_count)&limit=2&access_token=" + url.QueryEscape(e.page))
	if err != nil {
		t.Fatal(err)
	}
	var feed struct {
		Data []struct {
			ID          string `json:"id"`
			CreatedTime string `json:"created_time"`
			Reactions   struct {
				Summary *struct {
					TotalCount int64 `json:"total_count"`
				} `json:"summary"`
			} `json:"reactions"`
		} `json:"data"`
		Paging struct{ Next string } `json:"paging"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&feed)
	resp.Body.Close()
	if len(feed.Data) != 2 || feed.Data[0].Reactions.Summary == nil || feed.Paging.Next == "" {
		t.Fatalf("feed %+v", feed)
	}
	if _, err := time.Parse("2006-01-02T15:04:05-0700", feed.Data[0].CreatedTime); err != nil {
		t.Errorf("created_time %q: %v", feed.Data[0].CreatedTime, err)
	}
	resp, err = http.Get(feed.Paging.Next + "&access_token=" + url.QueryEscape(e.page))
	if err != nil {
		t.Fatal(err)
	}
	var next struct{ Data []map[string]any }
	_ = json.NewDecoder(resp.Body).Decode(&next)
	resp.Body.Close()
	if len(next.Data) != 2 { // 2 new + 3 seeded posts, second page of 2
		t.Errorf("next page %+v", next)
	}
}

func TestFacebookPublishFlows(t *testing.T) {
	e := fbSetup(t, Options{})
	var ph1, ph2 struct{ ID string }
	e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/photos", e.page, url.Values{"url": {"https://example.com/a.jpg"}, "published": {"false"}}, 200, &ph1)
	e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/photos", e.page, url.Values{"url": {"https://example.com/b.jpg"}, "published": {"false"}}, 200, &ph2)
	var post struct{ ID string }
	e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/feed", e.page, url.Values{"message": {"two"}, "attached_media": {`[{"media_fbid":"` + ph1.ID + `"},{"media_fbid":"` + ph2.ID + `"}]`}}, 200, &post)
	if ge := e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/feed", e.page, url.Values{"message": {"again"}, "attached_media": {`[{"media_fbid":"` + ph1.ID + `"}]`}}, 400, nil); ge.Code != 100 {
		t.Errorf("reattaching a photo: %+v", ge)
	}
	var photo struct {
		PageStoryID string `json:"page_story_id"`
	}
	e.call(t, "GET", "/v26.0/"+ph1.ID+"?fields=page_story_id", e.page, nil, 200, &photo)
	if photo.PageStoryID != post.ID {
		t.Errorf("photo story %q, want %q", photo.PageStoryID, post.ID)
	}
	var vid struct{ ID string }
	e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/videos", e.page, url.Values{"file_url": {"https://example.com/v.mp4"}, "description": {"clip"}}, 200, &vid)
	var v struct {
		PostID    string `json:"post_id"`
		Permalink string `json:"permalink_url"`
	}
	e.call(t, "GET", "/v26.0/"+vid.ID+"?fields=post_id,permalink_url", e.page, nil, 200, &v)
	if !strings.HasPrefix(v.PostID, fbSeedPage1+"_") || !strings.HasPrefix(v.Permalink, "/acmecoffee/videos/") {
		t.Errorf("video %+v", v)
	}
	// Scheduled: not in published_posts until its time.
	at := e.now.Add(time.Hour).Unix()
	e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/feed", e.page, url.Values{"message": {"later"}, "published": {"false"}, "scheduled_publish_time": {itoa(at)}}, 200, nil)
	var list struct{ Data []struct{ Message string } }
	e.call(t, "GET", "/v26.0/"+fbSeedPage1+"/published_posts?fields=message&limit=1", e.page, nil, 200, &list)
	if len(list.Data) != 1 || list.Data[0].Message != "clip" {
		t.Errorf("newest published post %+v", list)
	}
	*e.now = e.now.Add(2 * time.Hour)
	e.call(t, "GET", "/v26.0/"+fbSeedPage1+"/published_posts?fields=message&limit=1", e.page, nil, 200, &list)
	if list.Data[0].Message != "later" {
		t.Errorf("scheduled post not published at its time: %+v", list)
	}
}

func TestFacebookFaultShapes(t *testing.T) {
	for _, kind := range []FaultKind{FaultRateLimit, FaultServerError, FaultTokenExpired} {
		status, h, body := graphFault(kind, time.Now(), 90*time.Second)
		var env struct{ Error graphError }
		if err := json.Unmarshal(body, &env); err != nil || env.Error.Code == 0 || h.Get("X-App-Usage") == "" {
			t.Errorf("%s: %d %s", kind, status, body)
		}
		want := map[FaultKind]int{FaultRateLimit: 4, FaultServerError: 2, FaultTokenExpired: 190}[kind]
		if env.Error.Code != want {
			t.Errorf("%s: code %d, want %d", kind, env.Error.Code, want)
		}
		if kind == FaultRateLimit && (status != 400 || !strings.Contains(h.Get("X-Business-Use-Case-Usage"), `"estimated_time_to_regain_access":2`)) {
			t.Errorf("rate limit: %d %v", status, h)
		}
	}
}

func TestFacebookStatePersistsWithoutTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	e := fbSetup(t, Options{StatePath: path})
	e.call(t, "POST", "/v26.0/"+fbSeedPage1+"/feed", e.page, url.Values{"message": {"kept"}}, 200, nil)
	if err := e.sb.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), e.page) || strings.Contains(string(data), e.user) {
		t.Fatal("a token is stored in plaintext")
	}
	sb2, err := New(Options{StatePath: path, Now: func() time.Time { return *e.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb2.Close() })
	e.sb = sb2
	e.srv.Config.Handler = sb2
	var list struct{ Data []struct{ Message string } }
	e.call(t, "GET", "/v26.0/"+fbSeedPage1+"/published_posts?fields=message&limit=1", e.page, nil, 200, &list)
	if len(list.Data) != 1 || list.Data[0].Message != "kept" {
		t.Errorf("after restart: %+v", list)
	}
}
