package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/facebook"
	"github.com/marketingminds/marketingminds/integrations/instagram"
	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type accountsFixture struct {
	*fixture
	sb      *sandbox.Sandbox
	svc     *accounts.Service
	dataDir string
	browser *http.Client // follows redirects, like a person's browser
}

// accountsSetup serves the API with the accounts service wired to the real
// adapters, all pointed at an in-process sandbox.
func accountsSetup(t *testing.T) *accountsFixture {
	t.Helper()
	db := storetest.Open(t, store.SQLite, identity.Schema, oauth.Schema, audit.Schema, accounts.Schema)
	dataDir := storetest.Config(t, db).DataDir
	sbSrv := sandboxtest.Start(t, sandbox.Options{})
	sb := sbSrv.Sandbox
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)

	hosts := platform.Hosts{Sandbox: sbSrv.URL}
	hc := &http.Client{Timeout: 10 * time.Second}
	media := safehttp.New(safehttp.Options{})
	ring, err := oauth.LoadOrCreateKey(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	vault, _ := oauth.NewVault(ring)
	svc, err := accounts.New(accounts.Config{PublicURL: srv.URL, Sandbox: true}, accounts.Deps{
		DB: db, Vault: vault, Audit: audit.New(db, nil), Log: zerolog.Nop(),
		Providers: map[platform.Name]accounts.Provider{
			platform.Facebook:  facebook.NewClient(hc, hosts, facebook.Config{ClientID: "mm-fb", ClientSecret: "s"}),
			platform.Instagram: instagram.NewClient(hc, hosts, instagram.Config{ClientID: "mm-fb", ClientSecret: "s"}),
			platform.Twitter:   twitter.NewClient(hc, hosts, twitter.Config{ClientID: "mm-x", ClientSecret: "s"}, media),
			platform.LinkedIn:  linkedin.NewClient(hc, hosts, linkedin.Config{ClientID: "mm-li", ClientSecret: "s"}, media),
		},
		Zoho: zoho.NewClient(hc, hosts, zoho.Config{ClientID: "mm-zoho", ClientSecret: "s"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := identity.NewService(identity.NewStore(db), time.Now)
	reg := prometheus.NewRegistry()
	handler = New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Registry: reg, Accounts: svc}).Handler()
	f := &fixture{srv: srv, ids: ids, db: db, reg: reg, tokens: map[identity.Role]string{}}
	for _, r := range []identity.Role{identity.Admin, identity.Editor, identity.Viewer} {
		tok, err := ids.CreateToken(context.Background(), "T1", "U-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok.Token
	}
	return &accountsFixture{fixture: f, sb: sb, svc: svc, dataDir: dataDir, browser: &http.Client{Timeout: 10 * time.Second}}
}

// api calls the REST API with role's token and decodes the JSON answer.
func (f *accountsFixture) api(t *testing.T, method, path string, role identity.Role) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, body
}

// page GETs url with the browser and returns the final status, URL and body.
func (f *accountsFixture) page(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := f.browser.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.Path, string(b)
}

// Connect each platform and Zoho through REST with a real client following
// the redirects (API → consent page → callback page); the accounts appear
// with no token material, and no token is readable in the data dir.
func TestAccountsRESTEndToEnd(t *testing.T) {
	f := accountsSetup(t)
	connect := map[platform.Name]string{
		platform.Facebook: "/api/social/connect/facebook", platform.Instagram: "/api/social/connect/instagram",
		platform.Twitter: "/api/social/connect/twitter", platform.LinkedIn: "/api/social/connect/linkedin",
		platform.Zoho: "/api/zoho/connect",
	}
	for _, p := range []platform.Name{platform.Facebook, platform.Instagram, platform.Twitter, platform.LinkedIn, platform.Zoho} {
		status, body := f.api(t, "GET", connect[p], identity.Editor)
		authURL, _ := body["auth_url"].(string)
		if status != 200 || body["success"] != true || authURL == "" {
			t.Fatalf("%s connect: %d %v", p, status, body)
		}
		code, path, html := f.page(t, authURL)
		if code != 200 || !strings.Contains(html, "connected") || !strings.Contains(html, "SANDBOX") ||
			!strings.Contains(html, "connected="+string(p)) {
			t.Fatalf("%s callback page (%s): %d\n%s", p, path, code, html)
		}
	}
	status, body := f.api(t, "GET", "/api/social/accounts", identity.Viewer)
	list, _ := body["accounts"].([]any)
	if status != 200 || len(list) < 5 {
		t.Fatalf("accounts: %d %v", status, body)
	}
	seen := map[string]bool{}
	raw, _ := json.Marshal(list)
	for _, a := range list {
		m := a.(map[string]any)
		seen[m["platform"].(string)] = true
		for _, k := range []string{"id", "platform", "account_name", "handle", "avatar_url", "connected_at", "connected_by", "status", "token_expires_at"} {
			if _, ok := m[k]; !ok {
				t.Errorf("account lacks %q: %v", k, m)
			}
		}
	}
	for _, p := range platform.Social {
		if !seen[string(p)] {
			t.Errorf("no %s account listed", p)
		}
	}
	if strings.Contains(string(raw), "token\":\"") || strings.Contains(strings.ToLower(string(raw)), "access_token") {
		t.Fatalf("token material in the listing: %s", raw)
	}
	_, body = f.api(t, "GET", "/api/social/accounts?platform=twitter", identity.Viewer)
	if l, _ := body["accounts"].([]any); len(l) != 1 {
		t.Fatalf("?platform=twitter lists %d", len(l))
	}
	_, body = f.api(t, "GET", "/api/tokens/status", identity.Viewer)
	if l, _ := body["tokens"].([]any); len(l) != len(list)+1 {
		t.Fatalf("token status lists %d, want %d (Zoho included)", len(l), len(list)+1)
	}
	status, body = f.api(t, "POST", "/api/tokens/refresh", identity.Editor)
	if status != 200 || body["report"] == nil {
		t.Fatalf("refresh: %d %v", status, body)
	}

	// No token is readable in the data dir.
	var secrets []string
	c := identity.Caller{WorkspaceID: "T1", Role: identity.Editor}
	for _, a := range list {
		tgt, err := f.svc.ValidToken(context.Background(), c, a.(map[string]any)["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, tgt.AccessToken)
	}
	zt, err := f.svc.ZohoToken(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	// The dashboard's accounts table lists the Zoho grant too.
	if zl, err := f.svc.List(context.Background(), c, platform.Zoho); err != nil || len(zl) != 1 || zl[0].Status != accounts.StatusConnected {
		t.Fatalf("List(zoho) = %+v, %v", zl, err)
	}
	secrets = append(secrets, zt.AccessToken)
	files := 0
	_ = filepath.WalkDir(f.dataDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		files++
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s holds a token in clear", filepath.Base(path))
			}
		}
		return nil
	})
	if files < 2 {
		t.Fatalf("data dir has %d files", files)
	}

	// Disconnect: another workspace's id is a 404, a viewer is refused.
	id := list[0].(map[string]any)["id"].(string)
	other, err := f.ids.CreateToken(context.Background(), "T2", "U-x", identity.Admin, "")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("DELETE", f.srv.URL+"/api/social/accounts/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+other.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("cross-workspace delete: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	if status, _ := f.api(t, "DELETE", "/api/social/accounts/"+id, identity.Viewer); status != 403 {
		t.Fatalf("viewer delete: %d", status)
	}
	status, body = f.api(t, "DELETE", "/api/social/accounts/"+id, identity.Editor)
	if status != 200 || body["account"].(map[string]any)["status"] != "disconnected" {
		t.Fatalf("delete: %d %v", status, body)
	}
}

func TestAccountsCallbackFailurePages(t *testing.T) {
	f := accountsSetup(t)
	_, body := f.api(t, "GET", "/api/social/connect/linkedin", identity.Editor)
	authURL := body["auth_url"].(string)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	if code, _, _ := f.page(t, callback); code != 200 {
		t.Fatalf("first use of the callback: %d", code)
	}
	f.sb.SetConsent("twitter", false)
	_, body = f.api(t, "GET", "/api/social/connect/twitter", identity.Editor)
	declined := body["auth_url"].(string)
	cases := []struct {
		name, url string
		status    int
		says      string
	}{
		{"unknown platform", f.srv.URL + "/api/social/callback/myspace?state=x&code=y", 404, "facebook</code>, <code>instagram"},
		{"missing state", f.srv.URL + "/api/social/callback/twitter?code=y", 400, "no authorization state"},
		{"forged state", f.srv.URL + "/api/social/callback/twitter?state=forged&code=y", 400, "unknown"},
		{"reused state", callback, 400, "already used"},
		{"declined", declined, 403, "declined"},
	}
	for _, c := range cases {
		code, _, html := f.page(t, c.url)
		if code != c.status || !strings.Contains(html, c.says) || !strings.Contains(html, "Nothing was saved") {
			t.Errorf("%s: %d, page:\n%s", c.name, code, html)
		}
	}
	_, body = f.api(t, "GET", "/api/social/accounts?platform=twitter", identity.Viewer)
	if l, _ := body["accounts"].([]any); len(l) != 0 {
		t.Fatalf("a failed callback stored %d accounts", len(l))
	}
	if status, body := f.api(t, "GET", "/api/social/connect/myspace", identity.Editor); status != 404 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "linkedin") {
		t.Fatalf("connect to an unknown platform: %d %v", status, body)
	}
	if status, _ := f.api(t, "GET", "/api/social/connect/twitter", identity.Viewer); status != 403 {
		t.Fatalf("viewer connects: %d", status)
	}
}
