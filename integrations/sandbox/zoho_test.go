package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type zohoTestClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *zohoTestClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *zohoTestClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type zohoEnv struct {
	sb    *Sandbox
	srv   *httptest.Server
	clock *zohoTestClock
}

func newZohoEnv(t *testing.T, opts Options) *zohoEnv {
	t.Helper()
	clk := &zohoTestClock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	opts.Now = clk.Now
	sb, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return &zohoEnv{sb: sb, srv: srv, clock: clk}
}

var zohoNoRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize opens the consent page of accounts host with q; it returns the
// response (body read) and its body.
func (e *zohoEnv) authorize(t *testing.T, accounts string, q url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := zohoNoRedirect.Get(e.srv.URL + "/" + accounts + "/oauth/v2/auth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func zohoConsentQuery(scope, accessType string) url.Values {
	q := url.Values{"client_id": {"1000.CLIENT"}, "response_type": {"code"}, "redirect_uri": {"https://app.example/cb"},
		"scope": {scope}, "state": {"s1"}}
	if accessType != "" {
		q.Set("access_type", accessType)
	}
	return q
}

// code runs the consent page and returns the code from the callback.
func (e *zohoEnv) code(t *testing.T, accounts, scope, accessType string) url.Values {
	t.Helper()
	resp, body := e.authorize(t, accounts, zohoConsentQuery(scope, accessType))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent: %d %s", resp.StatusCode, body)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return loc.Query()
}

// post sends a form to path and decodes the JSON answer.
func (e *zohoEnv) post(t *testing.T, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(e.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (e *zohoEnv) tokens(t *testing.T, accounts, scope, accessType string) map[string]any {
	t.Helper()
	cb := e.code(t, accounts, scope, accessType)
	_, out := e.post(t, "/"+accounts+"/oauth/v2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {"1000.CLIENT"},
		"client_secret": {"x"}, "redirect_uri": {"https://app.example/cb"}, "code": {cb.Get("code")}})
	if out["access_token"] == nil {
		t.Fatalf("token: %v", out)
	}
	return out
}

// call sends an API request with an Authorization header value.
func (e *zohoEnv) call(t *testing.T, method, path, auth, body string, header http.Header) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

const zohoAllScopes = "ZohoCRM.modules.ALL,ZohoCRM.settings.READ,ZohoCampaigns.campaign.ALL,ZohoCampaigns.contact.READ"

func TestZohoConsentPage(t *testing.T) {
	t.Parallel()
	e := newZohoEnv(t, Options{})
	for name, mutate := range map[string]func(url.Values){
		"no client_id":        func(q url.Values) { q.Del("client_id") },
		"no redirect_uri":     func(q url.Values) { q.Del("redirect_uri") },
		"relative redirect":   func(q url.Values) { q.Set("redirect_uri", "/cb") },
		"response_type token": func(q url.Values) { q.Set("response_type", "token") },
		"space-separated":     func(q url.Values) { q.Set("scope", "ZohoCRM.modules.ALL ZohoCampaigns.campaign.ALL") },
		"unknown scope":       func(q url.Values) { q.Set("scope", "email") },
		"bad access_type":     func(q url.Values) { q.Set("access_type", "forever") },
	} {
		q := zohoConsentQuery(zohoAllScopes, "offline")
		mutate(q)
		resp, body := e.authorize(t, "accounts.zoho.com", q)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" || !strings.Contains(body, "<html>") {
			t.Errorf("%s: %d, Location %q", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	e.sb.RegisterApp("zoho", "1000.CLIENT", "x", "https://app.example/registered")
	if resp, _ := e.authorize(t, "accounts.zoho.com", zohoConsentQuery(zohoAllScopes, "offline")); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unregistered redirect_uri: %d", resp.StatusCode)
	}
	e2 := newZohoEnv(t, Options{})
	cb := e2.code(t, "accounts.zoho.eu", "ZohoCRM.modules.ALL", "offline")
	if cb.Get("code") == "" || cb.Get("location") != "eu" || cb.Get("accounts-server") != "https://accounts.zoho.eu" || cb.Get("state") != "s1" {
		t.Fatalf("EU callback %v", cb)
	}
	e2.sb.SetConsent("zoho", false)
	cb = e2.code(t, "accounts.zoho.com", "ZohoCRM.modules.ALL", "offline")
	if cb.Get("error") != "access_denied" || cb.Get("code") != "" || cb.Get("state") != "s1" {
		t.Fatalf("denied callback %v", cb)
	}
}

func TestZohoTokenEndpoint(t *testing.T) {
	t.Parallel()
	e := newZohoEnv(t, Options{AccessTokenTTL: time.Minute})
	exchange := func(accounts, code string, mutate func(url.Values)) (int, map[string]any) {
		f := url.Values{"grant_type": {"authorization_code"}, "client_id": {"1000.CLIENT"}, "client_secret": {"x"},
			"redirect_uri": {"https://app.example/cb"}, "code": {code}}
		if mutate != nil {
			mutate(f)
		}
		return e.post(t, "/"+accounts+"/oauth/v2/token", f)
	}
	code := e.code(t, "accounts.zoho.com", zohoAllScopes, "offline").Get("code")
	for name, tc := range map[string]struct {
		mutate func(url.Values)
		want   string
	}{
		"no client id":   {func(f url.Values) { f.Del("client_id") }, "invalid_client"},
		"no secret":      {func(f url.Values) { f.Del("client_secret") }, "invalid_client_secret"},
		"other redirect": {func(f url.Values) { f.Set("redirect_uri", "https://other.example/cb") }, "invalid_redirect_uri"},
		"grant type":     {func(f url.Values) { f.Set("grant_type", "password") }, "unsupported_grant_type"},
	} {
		st, out := exchange("accounts.zoho.com", "unused-"+name, tc.mutate)
		if tc.want == "invalid_redirect_uri" {
			st, out = exchange("accounts.zoho.com", e.code(t, "accounts.zoho.com", zohoAllScopes, "offline").Get("code"), tc.mutate)
		}
		if st != http.StatusOK || out["error"] != tc.want {
			t.Errorf("%s: %d %v, want HTTP 200 error %s", name, st, out, tc.want)
		}
	}
	// A code is only good at the accounts server that issued it.
	if _, out := exchange("accounts.zoho.eu", code, nil); out["error"] != "invalid_code" {
		t.Errorf("code redeemed in another DC: %v", out)
	}
	_, out := exchange("accounts.zoho.com", code, nil)
	if out["api_domain"] != "https://www.zohoapis.com" || out["token_type"] != "Bearer" || out["expires_in"] != 60.0 || out["refresh_token"] == nil {
		t.Fatalf("token response %v", out)
	}
	if _, again := exchange("accounts.zoho.com", code, nil); again["error"] != "invalid_code" {
		t.Errorf("reused code: %v", again)
	}
	online := e.code(t, "accounts.zoho.com", zohoAllScopes, "online").Get("code")
	if _, o := exchange("accounts.zoho.com", online, nil); o["access_token"] == nil || o["refresh_token"] != nil {
		t.Errorf("access_type=online: %v", o)
	}
	// Refresh: query parameters, as Zoho's docs show it; no new refresh token.
	rt := out["refresh_token"].(string)
	resp, err := http.Post(e.srv.URL+"/accounts.zoho.com/oauth/v2/token?"+url.Values{"refresh_token": {rt}, "client_id": {"1000.CLIENT"},
		"client_secret": {"x"}, "grant_type": {"refresh_token"}}.Encode(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var refreshed map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&refreshed)
	resp.Body.Close()
	if refreshed["access_token"] == nil || refreshed["refresh_token"] != nil || refreshed["api_domain"] != "https://www.zohoapis.com" {
		t.Fatalf("refresh: %v", refreshed)
	}
	// At most 10 access tokens per refresh token in 10 minutes.
	refreshForm := url.Values{"refresh_token": {rt}, "client_id": {"1000.CLIENT"}, "client_secret": {"x"}, "grant_type": {"refresh_token"}}
	for i := 2; i <= 10; i++ {
		if _, o := e.post(t, "/accounts.zoho.com/oauth/v2/token", refreshForm); o["access_token"] == nil {
			t.Fatalf("refresh %d: %v", i, o)
		}
	}
	if st, o := e.post(t, "/accounts.zoho.com/oauth/v2/token", refreshForm); st != 400 || o["error"] != "Access Denied" {
		t.Fatalf("11th refresh in 10 minutes: %d %v", st, o)
	}
	e.clock.add(10 * time.Minute)
	if _, o := e.post(t, "/accounts.zoho.com/oauth/v2/token", refreshForm); o["access_token"] == nil {
		t.Fatalf("refresh 10 minutes later: %v", o)
	}
	if st, rv := e.post(t, "/accounts.zoho.com/oauth/v2/token/revoke?token="+url.QueryEscape(rt), nil); st != 200 || rv["status"] != "success" {
		t.Fatalf("revoke: %d %v", st, rv)
	}
	_, after := e.post(t, "/accounts.zoho.com/oauth/v2/token", url.Values{"refresh_token": {rt}, "client_id": {"1000.CLIENT"},
		"client_secret": {"x"}, "grant_type": {"refresh_token"}})
	if after["error"] != "invalid_code" {
		t.Errorf("refresh after revoke: %v", after)
	}
}

func TestZohoCRMRejects(t *testing.T) {
	t.Parallel()
	e := newZohoEnv(t, Options{})
	tok := e.tokens(t, "accounts.zoho.com", zohoAllScopes, "offline")["access_token"].(string)
	narrow := e.tokens(t, "accounts.zoho.com", "ZohoCRM.modules.contacts.READ", "")["access_token"].(string)
	leads := "/www.zohoapis.com/crm/v8/Leads?fields=Last_Name,Email"
	for name, tc := range map[string]struct {
		method, path, auth, body string
		status                   int
		code                     string
	}{
		"no header":        {"GET", leads, "", "", 401, "AUTHENTICATION_FAILURE"},
		"bearer":           {"GET", leads, "Bearer " + tok, "", 401, "INVALID_TOKEN"},
		"unknown token":    {"GET", leads, "Zoho-oauthtoken 1000.nope", "", 401, "INVALID_TOKEN"},
		"other DC":         {"GET", "/www.zohoapis.eu/crm/v8/Leads?fields=Email", "Zoho-oauthtoken " + tok, "", 401, "INVALID_TOKEN"},
		"scope":            {"GET", leads, "Zoho-oauthtoken " + narrow, "", 401, "OAUTH_SCOPE_MISMATCH"},
		"no fields":        {"GET", "/www.zohoapis.com/crm/v8/Leads", "Zoho-oauthtoken " + tok, "", 400, "REQUIRED_PARAM_MISSING"},
		"per_page 201":     {"GET", leads + "&per_page=201", "Zoho-oauthtoken " + tok, "", 400, "INVALID_DATA"},
		"past 2000":        {"GET", leads + "&page=11", "Zoho-oauthtoken " + tok, "", 400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED"},
		"forged token":     {"GET", leads + "&page_token=abc", "Zoho-oauthtoken " + tok, "", 400, "INVALID_DATA"},
		"module":           {"GET", "/www.zohoapis.com/crm/v8/Widgets?fields=Name", "Zoho-oauthtoken " + tok, "", 400, "INVALID_MODULE"},
		"unknown id":       {"GET", "/www.zohoapis.com/crm/v8/Leads/123", "Zoho-oauthtoken " + tok, "", 400, "INVALID_DATA"},
		"wrong url":        {"GET", "/www.zohoapis.com/crm/v9/Leads", "Zoho-oauthtoken " + tok, "", 404, "INVALID_URL_PATTERN"},
		"method":           {"DELETE", "/www.zohoapis.com/crm/v8/Leads", "Zoho-oauthtoken " + tok, "", 400, "INVALID_REQUEST_METHOD"},
		"no data":          {"POST", "/www.zohoapis.com/crm/v8/Leads", "Zoho-oauthtoken " + tok, `{"data":[]}`, 400, "REQUIRED_PARAM_MISSING"},
		"not json":         {"POST", "/www.zohoapis.com/crm/v8/Leads", "Zoho-oauthtoken " + tok, `{"data":`, 400, "INVALID_DATA"},
		"create read-only": {"POST", "/www.zohoapis.com/crm/v8/Contacts", "Zoho-oauthtoken " + narrow, `{"data":[{"Last_Name":"X"}]}`, 401, "OAUTH_SCOPE_MISMATCH"},
	} {
		st, _, out := e.call(t, tc.method, tc.path, tc.auth, tc.body, nil)
		if st != tc.status || out["code"] != tc.code || out["status"] != "error" {
			t.Errorf("%s: %d %v, want %d %s", name, st, out, tc.status, tc.code)
		}
	}
	// Per-record errors: all bad → 400, mixed → 207.
	st, _, out := e.call(t, "POST", "/www.zohoapis.com/crm/v8/Leads", "Zoho-oauthtoken "+tok, `{"data":[{"First_Name":"No last name"}]}`, nil)
	if st != 400 || out["data"].([]any)[0].(map[string]any)["code"] != "MANDATORY_NOT_FOUND" {
		t.Errorf("missing Last_Name: %d %v", st, out)
	}
	st, _, out = e.call(t, "POST", "/www.zohoapis.com/crm/v8/Leads", "Zoho-oauthtoken "+tok, `{"data":[{"Last_Name":"Ok"},{"Last_Name":"Bad","Email":"not-an-email"}]}`, nil)
	if d := out["data"].([]any); st != 207 || d[0].(map[string]any)["code"] != "SUCCESS" || d[1].(map[string]any)["code"] != "INVALID_DATA" {
		t.Errorf("mixed: %d %v", st, out)
	}
	// Expired: the real 401 body.
	e.clock.add(time.Hour + time.Second)
	st, _, out = e.call(t, "GET", leads, "Zoho-oauthtoken "+tok, "", nil)
	if st != 401 || out["code"] != "INVALID_TOKEN" || out["message"] != "invalid oauth token" {
		t.Errorf("expired: %d %v", st, out)
	}
}

// A request straight from the v8 docs, which no adapter test sends:
// If-Modified-Since, sort and per_page, then the record by id.
func TestZohoCRMDocumentedRequest(t *testing.T) {
	t.Parallel()
	e := newZohoEnv(t, Options{})
	auth := "Zoho-oauthtoken " + e.tokens(t, "accounts.zoho.com", zohoAllScopes, "offline")["access_token"].(string)
	st, h, out := e.call(t, "GET", "/www.zohoapis.com/crm/v8/Deals?fields=Deal_Name,Stage,Amount&per_page=10&page=1&sort_by=Created_Time&sort_order=asc", auth, "",
		http.Header{"If-Modified-Since": {"2026-02-01T00:00:00+05:30"}})
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %v", st, out)
	}
	data, info := out["data"].([]any), out["info"].(map[string]any)
	if len(data) == 0 || info["sort_order"] != "asc" || info["per_page"] != 10.0 || info["count"] != float64(len(data)) {
		t.Fatalf("info %v, %d records", info, len(data))
	}
	first := data[0].(map[string]any)
	if first["Deal_Name"] == nil || first["Stage"] == nil || first["Closing_Date"] != nil {
		t.Errorf("fields not honoured: %v", first)
	}
	st, _, one := e.call(t, "GET", "/www.zohoapis.com/crm/v8/Deals/"+first["id"].(string), auth, "", nil)
	if st != 200 || one["data"].([]any)[0].(map[string]any)["id"] != first["id"] {
		t.Errorf("get by id: %d %v", st, one)
	}
	st, _, cnt := e.call(t, "GET", "/www.zohoapis.com/crm/v8/Leads/actions/count", auth, "", nil)
	if st != 200 || cnt["count"] != 230.0 {
		t.Errorf("count: %d %v", st, cnt)
	}
	// Empty page: 204 and no body.
	req, _ := http.NewRequest("GET", e.srv.URL+"/www.zohoapis.com/crm/v8/Deals?fields=Deal_Name&page=2&per_page=200", nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || len(b) != 0 {
		t.Errorf("empty page: %d %q", resp.StatusCode, b)
	}
}

func TestZohoCampaignsAPI(t *testing.T) {
	t.Parallel()
	e := newZohoEnv(t, Options{})
	auth := "Zoho-oauthtoken " + e.tokens(t, "accounts.zoho.com", zohoAllScopes, "offline")["access_token"].(string)
	crmOnly := "Zoho-oauthtoken " + e.tokens(t, "accounts.zoho.com", "ZohoCRM.modules.ALL", "offline")["access_token"].(string)
	base := "/campaigns.zoho.com/api/v1.1/"
	form := func(v url.Values) string { return v.Encode() }
	formHdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for name, tc := range map[string]struct {
		method, path, auth, body, code string
	}{
		"no token":        {"GET", base + "getmailinglists?resfmt=JSON", "", "", "1007"},
		"bearer":          {"GET", base + "getmailinglists?resfmt=JSON", strings.Replace(auth, "Zoho-oauthtoken", "Bearer", 1), "", "1007"},
		"scope":           {"GET", base + "recentcampaigns?resfmt=JSON", crmOnly, "", "6601"},
		"create missing":  {"POST", base + "createCampaign", auth, form(url.Values{"resfmt": {"JSON"}, "campaignname": {"x"}}), "903"},
		"no lists":        {"POST", base + "createCampaign", auth, form(url.Values{"resfmt": {"JSON"}, "campaignname": {"x"}, "from_email": {"a@b.example"}, "subject": {"s"}, "list_details": {"{}"}}), "6606"},
		"bad from":        {"POST", base + "createCampaign", auth, form(url.Values{"resfmt": {"JSON"}, "campaignname": {"x"}, "from_email": {"nobody"}, "subject": {"s"}, "list_details": {`{"k":[]}`}}), "1001"},
		"send unknown":    {"POST", base + "sendcampaign", auth, form(url.Values{"resfmt": {"JSON"}, "campaignkey": {"3zz"}}), "6301"},
		"schedule fields": {"POST", base + "sendcampaign", auth, form(url.Values{"resfmt": {"JSON"}, "campaignkey": {"3z0000000000000000000000000000000000000001"}, "isschedule": {"true"}}), "6600"},
		"report unsent":   {"GET", base + "campaignreports?resfmt=JSON&campaignkey=3zz", auth, "", "6002"},
		"report no key":   {"GET", base + "campaignreports?resfmt=JSON", auth, "", "903"},
		"wrong url":       {"GET", base + "openapi.json?resfmt=JSON", auth, "", "1004"},
	} {
		st, _, out := e.call(t, tc.method, tc.path, tc.auth, tc.body, formHdr)
		if st != 200 || out["status"] != "error" || out["code"] != tc.code {
			t.Errorf("%s: %d %v, want HTTP 200 code %s", name, st, out, tc.code)
		}
	}
	// As documented: lists, a campaign from a list, scheduled in Kolkata time, a report of the seeded one.
	_, _, lists := e.call(t, "GET", base+"getmailinglists?resfmt=JSON&sort=asc&fromindex=1&range=2", auth, "", nil)
	l := lists["list_of_details"].([]any)
	if lists["status"] != "success" || len(l) != 2 || l[0].(map[string]any)["listname"] != "Newsletter subscribers" {
		t.Fatalf("lists %v", lists)
	}
	key := l[1].(map[string]any)["listkey"].(string)
	_, _, created := e.call(t, "POST", base+"createCampaign", auth, form(url.Values{"resfmt": {"JSON"}, "campaignname": {"Webinar follow-up"},
		"from_email": {"team@zylker.example"}, "subject": {"Slides inside"}, "content_url": {"https://zylker.example/slides.html"},
		"list_details": {`{"` + key + `":[]}`}}), formHdr)
	ck, _ := created["campaignKey"].(string)
	if created["code"] != "200" || ck == "" {
		t.Fatalf("create %v", created)
	}
	sched := url.Values{"resfmt": {"JSON"}, "campaignkey": {ck}, "isschedule": {"true"}, "scheduledate": {"03/02/2026"},
		"schedulehour": {"4"}, "scheduleminute": {"07"}, "am_pm": {"pm"}, "sendingTZ": {"Asia/Kolkata"}}
	if _, _, out := e.call(t, "POST", base+"sendcampaign", auth, form(sched), formHdr); out["code"] != "1001" {
		t.Errorf("minute 07 accepted: %v", out)
	}
	sched.Set("scheduleminute", "30") // 16:30 IST = 11:00 UTC
	_, _, out := e.call(t, "POST", base+"sendcampaign", auth, form(sched), formHdr)
	if resp, _ := out["response"].(map[string]any); resp == nil || resp["code"] != "200" || resp["campaign_status"] != "scheduled" {
		t.Fatalf("schedule %v", out)
	}
	e.clock.add(61 * time.Minute)
	auth = "Zoho-oauthtoken " + e.tokens(t, "accounts.zoho.com", zohoAllScopes, "offline")["access_token"].(string)
	_, _, rec := e.call(t, "GET", base+"recentcampaigns?resfmt=JSON&status=sent", auth, "", nil)
	if rc := rec["recent_campaigns"].([]any); len(rc) != 2 || rc[0].(map[string]any)["campaign_key"] != ck {
		t.Fatalf("recent sent %v", rec)
	}
	_, _, rep := e.call(t, "GET", base+"campaignreports?resfmt=JSON&campaignkey=3z0000000000000000000000000000000000000001", auth, "", nil)
	r := rep["campaign-reports"].([]any)[0].(map[string]any)
	if rep["status"] != "success" || r["emails_sent_count"] != "1215" || r["opens_count"] == "0" {
		t.Fatalf("report %v", rep)
	}
	// Not JSON: the default format is XML.
	req, _ := http.NewRequest("GET", e.srv.URL+base+"getmailinglists", nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
		t.Errorf("without resfmt: %s", resp.Header.Get("Content-Type"))
	}
}

func TestZohoReportGrows(t *testing.T) {
	t.Parallel()
	prevOpens, prevClicks := -1, -1
	for _, age := range []time.Duration{0, time.Hour, 6 * time.Hour, 48 * time.Hour} {
		r := zohoReportFigures("x", 1000, age)
		opens, _ := strconv.Atoi(r["opens_count"])
		clicks, _ := strconv.Atoi(r["unique_clicks_count"])
		if r["emails_sent_count"] != "1000" || r["bounces_count"] != "20" || r["delivered_count"] != "980" {
			t.Fatalf("at %s: %v", age, r)
		}
		if opens <= prevOpens || clicks < prevClicks || opens > 980 {
			t.Errorf("at %s: opens %d clicks %d after %d, %d", age, opens, clicks, prevOpens, prevClicks)
		}
		prevOpens, prevClicks = opens, clicks
	}
	if again := zohoReportFigures("x", 1000, 6*time.Hour); again["opens_count"] != zohoReportFigures("x", 1000, 6*time.Hour)["opens_count"] {
		t.Error("figures are not a function of age")
	}
}

func TestZohoFaultShapes(t *testing.T) {
	t.Parallel()
	for kind, want := range map[FaultKind]struct {
		status int
		code   string
	}{FaultRateLimit: {429, "TOO_MANY_REQUESTS"}, FaultServerError: {500, "INTERNAL_ERROR"}, FaultTokenExpired: {401, "INVALID_TOKEN"}} {
		st, _, body := zohoFault(kind, time.Now(), 90*time.Second)
		var out struct {
			Code, Status string
			Details      map[string]any
		}
		if err := json.Unmarshal(body, &out); err != nil || st != want.status || out.Code != want.code || out.Status != "error" {
			t.Errorf("%s: %d %s", kind, st, body)
		}
		if kind == FaultRateLimit && out.Details["retry_after"] != 90.0 {
			t.Errorf("retry_after %v", out.Details)
		}
	}
}

func TestZohoStatePersists(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	e := newZohoEnv(t, Options{StatePath: path})
	tok := e.tokens(t, "accounts.zoho.com", zohoAllScopes, "offline")
	auth := "Zoho-oauthtoken " + tok["access_token"].(string)
	st, _, out := e.call(t, "POST", "/www.zohoapis.com/crm/v8/Campaigns", auth, `{"data":[{"Campaign_Name":"Kept","Status":"Active"}]}`, nil)
	if st != 201 {
		t.Fatalf("create %d %v", st, out)
	}
	if err := e.sb.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), tok["access_token"].(string)) || strings.Contains(string(raw), tok["refresh_token"].(string)) {
		t.Fatal("a raw token is on disk")
	}
	sb2, err := New(Options{StatePath: path, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer sb2.Close()
	srv2 := httptest.NewServer(sb2)
	defer srv2.Close()
	e2 := &zohoEnv{sb: sb2, srv: srv2, clock: e.clock}
	st, _, cnt := e2.call(t, "GET", "/www.zohoapis.com/crm/v8/Campaigns/actions/count", auth, "", nil)
	if st != 200 || cnt["count"] != 4.0 {
		t.Fatalf("after restart (same token): %d %v", st, cnt)
	}
	_, _, leads := e2.call(t, "GET", "/www.zohoapis.com/crm/v8/Leads/actions/count", auth, "", nil)
	if leads["count"] != 230.0 {
		t.Errorf("leads after restart %v", leads)
	}
}
