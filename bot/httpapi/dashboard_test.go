package httpapi

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// twoXAccounts is the workspace T1's accounts as the composer lists them:
// x1 and x2 on X, the ones fakeAccounts lets publishing use.
type twoXAccounts struct{ Accounts }

func (twoXAccounts) List(ctx context.Context, c identity.Caller, p platform.Name) ([]accounts.Account, error) {
	if c.WorkspaceID != "T1" {
		return nil, nil
	}
	return []accounts.Account{
		{ID: "x1", Platform: platform.Twitter, AccountName: "Acme", Handle: "@acme", Status: accounts.StatusConnected},
		{ID: "x2", Platform: platform.Twitter, AccountName: "Acme Jobs", Handle: "@acmejobs", Status: accounts.StatusConnected},
	}, nil
}

// TokenStatus: x1 is fine, x2 must be connected again.
func (twoXAccounts) TokenStatus(ctx context.Context, c identity.Caller) ([]accounts.TokenState, error) {
	return []accounts.TokenState{
		{AccountID: "x1", Platform: platform.Twitter, AccountName: "Acme", Status: "valid"},
		{AccountID: "x2", Platform: platform.Twitter, AccountName: "Acme Jobs", Status: "needs_reauth", Reason: "the grant was revoked on X"},
	}, nil
}

// berlinForU: user U-berlin lives in Berlin, everyone else in UTC.
func berlinForU(ctx context.Context, workspaceID, userID string) (*time.Location, error) {
	if userID == "U-berlin" {
		return time.LoadLocation("Europe/Berlin")
	}
	return time.UTC, nil
}

type dashFixture struct {
	srv      *httptest.Server
	ids      *identity.Service
	sessions *identity.Sessions
	posts    *publish.Service
	x        *fakePlatform
}

// dashSetup serves the dashboard over real identity and publishing services
// on a fresh SQLite store; publicURL decides the cookie's Secure flag.
func dashSetup(t *testing.T, publicURL string, with ...func(*Deps)) *dashFixture {
	t.Helper()
	return dashSetupOn(t, storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema), publicURL, nil, with...)
}

// dashSetupOn is dashSetup on db, publishing with media (nil: none).
func dashSetupOn(t *testing.T, db *store.DB, publicURL string, lib publish.MediaLibrary, with ...func(*Deps)) *dashFixture {
	t.Helper()
	ids := identity.NewService(identity.NewStore(db), time.Now)
	ss := identity.NewSessions(identity.NewSessionStore(db), ids, time.Now)
	x := &fakePlatform{}
	svc, err := publish.New(publish.Config{Store: publish.NewStore(db), Accounts: fakeAccounts{}, Jobs: &fakeJobs{}, Log: zerolog.Nop(),
		Adapters: map[platform.Name]publish.Adapter{platform.Twitter: x}, UserLocation: berlinForU, Uploaded: lib})
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Registry: prometheus.NewRegistry(), Posts: svc, Sessions: ss, PublicURL: publicURL,
		Accounts: twoXAccounts{}, UserLocation: berlinForU, People: ids}
	for _, w := range with {
		w(&d)
	}
	s := New(d)
	f := &dashFixture{srv: httptest.NewServer(s.Handler()), ids: ids, sessions: ss, posts: svc, x: x}
	t.Cleanup(f.srv.Close)
	return f
}

// browser is a client with its own cookies that does not follow redirects.
type browser struct {
	t      *testing.T
	f      *dashFixture
	c      *http.Client
	cookie *http.Cookie
}

func (f *dashFixture) browser(t *testing.T) *browser {
	return &browser{t: t, f: f, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.f.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			b.cookie = c
		}
	}
	return resp, string(raw)
}

// signIn signs b in as user with role through a one-time link.
func (b *browser) signIn(workspace, user string, role identity.Role) {
	b.t.Helper()
	code, _, err := b.f.sessions.CreateLink(context.Background(), workspace, user, role)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp, body := b.do("POST", "/dashboard/login", url.Values{"code": {code}}, nil); resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in = %d %s", resp.StatusCode, body)
	}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

func (b *browser) csrf() string {
	b.t.Helper()
	_, body := b.do("GET", "/dashboard/compose", nil, nil)
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on the compose page:\n%s", body)
	}
	return m[1]
}

func TestDashboardSignIn(t *testing.T) {
	f := dashSetup(t, "https://mm.example.com")
	ctx := context.Background()
	b := f.browser(t)

	if resp, _ := b.do("GET", "/", nil, nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
		t.Fatalf("GET / = %d to %q, want the dashboard", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := b.do("GET", "/dashboard/accounts", nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/login?next=%2Fdashboard%2Faccounts" {
		t.Fatalf("signed out GET = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.do("POST", "/dashboard/logout", url.Values{}, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("signed out POST = %d, want 401", resp.StatusCode)
	}

	code, _, err := f.sessions.CreateLink(ctx, "T1", "U1", identity.Editor)
	if err != nil {
		t.Fatal(err)
	}
	// Opening the link (or a link preview fetching it) does not spend it.
	resp, body = b.do("GET", "/dashboard/login?code="+code, nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `value="`+code+`"`) || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("link page = %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	resp, _ = b.do("POST", "/dashboard/login", url.Values{"code": {code}, "next": {"/dashboard/posts"}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/posts" {
		t.Fatalf("sign in = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	c := b.cookie
	if c == nil || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.MaxAge != int(identity.SessionTTL/time.Second) {
		t.Fatalf("session cookie = %+v; want HttpOnly, Secure (https public URL), SameSite=Lax, 12 h", c)
	}
	if resp, body := b.do("GET", "/dashboard", nil, nil); resp.StatusCode != 200 || !strings.Contains(body, `<span id="who">Signed in as an editor</span>`) || strings.Contains(body, "U1") {
		t.Fatalf("overview = %d\n%s", resp.StatusCode, body)
	}

	other := f.browser(t)
	resp, body = other.do("POST", "/dashboard/login", url.Values{"code": {code}}, nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "already used") || other.cookie != nil {
		t.Fatalf("reused link = %d, cookie %v\n%s", resp.StatusCode, other.cookie, body)
	}

	for _, tc := range []struct {
		name, token string
		status      int
		want        string
	}{
		{"empty", "  ", http.StatusBadRequest, "paste your API token"},
		{"not a token", "hello", http.StatusUnauthorized, "not a Marketing Minds API token"},
		{"unknown", "mm_" + strings.Repeat("q", 40), http.StatusUnauthorized, "unknown or was revoked"},
	} {
		resp, body := other.do("POST", "/dashboard/login", url.Values{"token": {tc.token}}, nil)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s token: %d, want %d with %q", tc.name, resp.StatusCode, tc.status, tc.want)
		}
	}
	tok, _ := f.ids.CreateToken(ctx, "T1", "U-v", identity.Viewer, "")
	if resp, _ := other.do("POST", "/dashboard/login", url.Values{"token": {tok.Token}, "next": {"https://evil.example/"}}, nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
		t.Fatalf("token sign in = %d to %q; want /dashboard (an outside next is ignored)", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Sign-out ends the session server-side: the old cookie no longer works.
	old := *b.cookie
	csrf := b.csrf()
	if resp, _ := b.do("POST", "/dashboard/logout", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out = %d", resp.StatusCode)
	}
	b.cookie = &old
	if resp, _ := b.do("GET", "/dashboard", nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign-out the old cookie still works: %d", resp.StatusCode)
	}
}

func TestDashboardCSRFAndRoles(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1")
	editor := f.browser(t)
	editor.signIn("T1", "U-e", identity.Editor)
	if editor.cookie.Secure {
		t.Fatal("cookie is Secure behind a plain-http public URL; the browser would drop it")
	}
	csrf := editor.csrf()
	post := url.Values{"account_ids": {"x1"}, "text": {"hello"}, "when": {"now"}}
	withToken := func(tok string) url.Values {
		v := url.Values{"csrf": {tok}}
		for k, vs := range post {
			v[k] = vs
		}
		return v
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		header map[string]string
	}{
		{"no token", post, nil},
		{"wrong token", withToken(strings.Repeat("0", 64)), nil},
		{"another session's token", withToken(identity.CSRFToken("mms_" + strings.Repeat("a", 40))), nil},
		{"cross-site origin", withToken(csrf), map[string]string{"Origin": "https://evil.example"}},
		{"cross-site fetch", withToken(csrf), map[string]string{"Sec-Fetch-Site": "cross-site"}},
	} {
		resp, body := editor.do("POST", "/dashboard/compose", tc.form, tc.header)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "refused") && !strings.Contains(body, "CSRF") {
			t.Errorf("%s: %d, want 403", tc.name, resp.StatusCode)
		}
	}
	if n := f.x.count(); n != 0 {
		t.Fatalf("%d posts were sent by refused requests", n)
	}
	// Behind a proxy the Origin is the public URL's host, not the request's.
	behind := dashSetup(t, "https://mm.example.com")
	proxied := behind.browser(t)
	proxied.signIn("T1", "U-e", identity.Editor)
	pt := proxied.csrf()
	if resp, _ := proxied.do("POST", "/dashboard/logout", url.Values{"csrf": {pt}}, map[string]string{"Origin": "https://mm.example.com"}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST with the public URL's origin = %d, want 303", resp.StatusCode)
	}
	// htmx sends the token as a header.
	resp, _ := editor.do("POST", "/dashboard/compose", post, map[string]string{"X-CSRF-Token": csrf, "Origin": f.srv.URL})
	if resp.StatusCode != http.StatusSeeOther || f.x.count() != 1 {
		t.Fatalf("post with the header token = %d, %d sent", resp.StatusCode, f.x.count())
	}

	viewer := f.browser(t)
	viewer.signIn("T1", "U-v", identity.Viewer)
	vt := viewer.csrf()
	resp, body := viewer.do("POST", "/dashboard/compose", url.Values{"csrf": {vt}, "account_ids": {"x1"}, "text": {"from a viewer"}}, nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "viewer") || f.x.count() != 1 {
		t.Fatalf("viewer post = %d (%d sent)", resp.StatusCode, f.x.count())
	}

	// Another workspace's post is a 404, and so are its actions.
	out, err := f.posts.PublishNow(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor, Door: identity.DoorAPI},
		publish.Request{AccountIDs: []string{"x2"}, Content: publish.Content{Text: "T1 only"}})
	if err != nil {
		t.Fatal(err)
	}
	stranger := f.browser(t)
	stranger.signIn("T2", "U-s", identity.Admin)
	st := stranger.csrf()
	if resp, _ := stranger.do("GET", "/dashboard/posts/"+out.PostID, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another workspace's post = %d, want 404", resp.StatusCode)
	}
	if resp, _ := stranger.do("POST", "/dashboard/posts/"+out.PostID+"/cancel", url.Values{"csrf": {st}}, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("cancel of another workspace's post = %d, want 404", resp.StatusCode)
	}
	if resp, body := editor.do("GET", "/dashboard/posts/"+out.PostID, nil, nil); resp.StatusCode != 200 || !strings.Contains(body, "https://x.com/i/status/") {
		t.Fatalf("own post page = %d, no permalink\n%s", resp.StatusCode, body)
	}
}

func TestDashboardComposeErrors(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1")
	b := f.browser(t)
	b.signIn("T1", "U-e", identity.Editor)
	csrf := b.csrf()
	long := strings.Repeat("a", 275) + " 日本語"
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"over-long X text", url.Values{"account_ids": {"x1"}, "text": {long}, "when": {"now"}}, "err-text", "282 characters as X counts them"},
		{"over-long X variant", url.Values{"account_ids": {"x1"}, "text": {"ok"}, "variant_twitter": {long}, "when": {"now"}}, "err-variants-twitter", "282 characters"},
		{"no account", url.Values{"text": {"hello"}, "when": {"now"}}, "err-account_ids", "account"},
		{"bad link", url.Values{"account_ids": {"x1"}, "text": {"hello"}, "link": {"ftp://x"}, "when": {"now"}}, "err-link", "link"},
		{"time in the past", url.Values{"account_ids": {"x1"}, "text": {"hello"}, "when": {"schedule"}, "scheduled_time": {"2020-01-01T09:00"}}, "err-when", "in the past"},
		{"not a time", url.Values{"account_ids": {"x1"}, "text": {"hello"}, "when": {"schedule"}, "scheduled_time": {"soon"}}, "err-when", "not a time"},
	} {
		tc.form.Set("csrf", csrf)
		resp, body := b.do("POST", "/dashboard/compose", tc.form, nil)
		i := strings.Index(body, `id="`+tc.field+`"`)
		if resp.StatusCode != http.StatusUnprocessableEntity || i < 0 || !strings.Contains(body[i:], tc.want) {
			t.Errorf("%s: %d, want 422 with %q under #%s\n%s", tc.name, resp.StatusCode, tc.want, tc.field, body)
		}
		if !strings.Contains(body, "Nothing was sent") {
			t.Errorf("%s: the page does not say nothing was sent", tc.name)
		}
	}
	if n := f.x.count(); n != 0 {
		t.Fatalf("%d posts sent by invalid forms", n)
	}
	// The form keeps what was typed.
	_, body := b.do("POST", "/dashboard/compose", url.Values{"csrf": {csrf}, "account_ids": {"x1"}, "text": {long}}, nil)
	if !strings.Contains(body, long) {
		t.Error("the text typed was lost")
	}
	for _, q := range []string{"?status=bogus", "?status=scheduled", "?platform=myspace", "?from=yesterday", "?from=2026-12-05&to=2026-12-01", "?cursor=bogus"} {
		if resp, _ := b.do("GET", "/dashboard/posts"+q, nil, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("posts%s = %d, want 400", q, resp.StatusCode)
		}
	}
	for _, q := range []string{"?view=year", "?date=tomorrow"} {
		if resp, _ := b.do("GET", "/dashboard/calendar"+q, nil, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("calendar%s = %d, want 400", q, resp.StatusCode)
		}
	}
	if resp, _ := b.do("POST", "/dashboard/posts/nope/explode", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown action = %d, want 404", resp.StatusCode)
	}
}

func TestDashboardPostsPagingAndCalendarCap(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1")
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor, Door: identity.DoorAPI}
	day := time.Now().UTC().AddDate(0, 0, 2).Truncate(24 * time.Hour).Add(9 * time.Hour)
	for i := range 60 {
		req := publish.Request{AccountIDs: []string{"x1"}, Content: publish.Content{Text: "paged post " + strconv.Itoa(i)}}
		if _, err := f.posts.Schedule(ctx, editor, req, day.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	b := f.browser(t)
	b.signIn("T1", "U-e", identity.Editor)
	rows := regexp.MustCompile(`<tr>\s*<td><a href="/dashboard/posts/`)
	next := regexp.MustCompile(`href="(/dashboard/posts\?cursor=[^"]+&amp;status=pending)" rel="next"`)
	_, first := b.do("GET", "/dashboard/posts?status=pending", nil, nil)
	m := next.FindStringSubmatch(first)
	if n := len(rows.FindAllString(first, -1)); n != postsPerPage || m == nil || strings.Contains(first, `rel="first"`) {
		t.Fatalf("page 1: %d rows, next link %v\n%s", n, m, first[len(first)-600:])
	}
	_, second := b.do("GET", html.UnescapeString(m[1]), nil, nil)
	if n := len(rows.FindAllString(second, -1)); n != 10 || !strings.Contains(second, `href="/dashboard/posts?status=pending" rel="first"`) || strings.Contains(second, `rel="next"`) {
		t.Fatalf("page 2: %d rows, want 10 with a link back to the first page and none forward", n)
	}
	// The filters are the server's: a window of days, and one of platforms.
	dayQ := day.Format("2006-01-02")
	if _, body := b.do("GET", "/dashboard/posts?from="+dayQ+"&to="+dayQ, nil, nil); len(rows.FindAllString(body, -1)) != postsPerPage {
		t.Fatalf("posts of %s: %d rows, want a full page", dayQ, len(rows.FindAllString(body, -1)))
	}
	for _, q := range []string{"?to=" + time.Now().UTC().Format("2006-01-02"), "?platform=linkedin", "?status=published"} {
		if _, body := b.do("GET", "/dashboard/posts"+q, nil, nil); len(rows.FindAllString(body, -1)) != 0 || !strings.Contains(body, "No post matches") {
			t.Fatalf("posts%s: %d rows, want none", q, len(rows.FindAllString(body, -1)))
		}
	}
	resp, cal := b.do("GET", "/dashboard/calendar?view=week&date="+day.Format("2006-01-02"), nil, nil)
	if resp.StatusCode != 200 || strings.Count(cal, `class="entry`) != perDay || !strings.Contains(cal, "+54 more") {
		t.Fatalf("calendar: %d, %d entries; want %d and +54 more", resp.StatusCode, strings.Count(cal, `class="entry`), perDay)
	}
	// A week far from the posts reads none of them.
	if _, cal := b.do("GET", "/dashboard/calendar?view=week&date="+day.AddDate(0, 0, -14).Format("2006-01-02"), nil, nil); strings.Contains(cal, `class="entry`) {
		t.Fatal("calendar two weeks before the posts shows entries")
	}
}

func TestDashboardPostActions(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1")
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor, Door: identity.DoorAPI}
	at := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Minute)
	sch, err := f.posts.Schedule(ctx, editor, publish.Request{AccountIDs: []string{"x1"}, Content: publish.Content{Text: "to move"}}, at)
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn("T1", "U-e", identity.Editor)
	csrf := b.csrf()
	path := "/dashboard/posts/" + sch.PostID

	_, page := b.do("GET", path, nil, nil)
	if !strings.Contains(page, `value="`+at.Format("2006-01-02T15:04")+`"`) || !strings.Contains(page, "Cancel post") {
		t.Fatalf("scheduled post page lacks the reschedule field or cancel:\n%s", page)
	}
	resp, body := b.do("POST", path+"/reschedule", url.Values{"csrf": {csrf}, "scheduled_time": {"2020-01-01T09:00"}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "in the past") {
		t.Fatalf("reschedule into the past = %d", resp.StatusCode)
	}
	later := at.Add(24 * time.Hour)
	resp, _ = b.do("POST", path+"/reschedule", url.Values{"csrf": {csrf}, "scheduled_time": {later.Format("2006-01-02T15:04")}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"?done=reschedule" {
		t.Fatalf("reschedule = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if p, _ := f.posts.Get(ctx, editor, sch.PostID); p.ScheduledAt == nil || !p.ScheduledAt.Equal(later) {
		t.Fatalf("scheduled at %v after rescheduling, want %v", p.ScheduledAt, later)
	}
	if resp, _ := b.do("POST", path+"/cancel", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d", resp.StatusCode)
	}
	if p, _ := f.posts.Get(ctx, editor, sch.PostID); p.Status != "cancelled" {
		t.Fatalf("status after cancel = %q", p.Status)
	}
	resp, body = b.do("POST", path+"/cancel", url.Values{"csrf": {csrf}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "nothing to cancel") {
		t.Fatalf("second cancel = %d", resp.StatusCode)
	}
	if resp, body := b.do("POST", path+"/retry", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `role="alert"`) {
		t.Fatalf("retry with nothing failed = %d", resp.StatusCode)
	}
}

func TestDashboardOverview(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1")
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor, Door: identity.DoorAPI}
	if _, err := f.posts.Schedule(ctx, editor, publish.Request{AccountIDs: []string{"x1"}, Content: publish.Content{Text: "coming up soon"}},
		time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn("T1", "U-e", identity.Editor)
	resp, page := b.do("GET", "/dashboard", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("overview = %d", resp.StatusCode)
	}
	for _, want := range []string{"coming up soon", "Acme Jobs", "must be connected again", "the grant was revoked on X",
		`action="/dashboard/connect/twitter"`, "Nothing needs attention"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(page, ">Acme</strong>") || strings.Count(page, "Reconnect") != 1 {
		t.Errorf("the healthy account is flagged, or Reconnect is not offered once")
	}
	viewer := f.browser(t)
	viewer.signIn("T1", "U-v", identity.Viewer)
	if _, page := viewer.do("GET", "/dashboard", nil, nil); strings.Contains(page, "Reconnect") || !strings.Contains(page, "must be connected again") {
		t.Error("a viewer is offered Reconnect, or not told about the account")
	}
}

func TestDashboardTimeZone(t *testing.T) {
	f := dashSetup(t, "http://127.0.0.1")
	b := f.browser(t)
	b.signIn("T1", "U-berlin", identity.Editor)
	csrf := b.csrf()
	_, page := b.do("GET", "/dashboard/compose", nil, nil)
	if !strings.Contains(page, "Date and time (Europe/Berlin)") {
		t.Fatal("the composer does not say which zone the time is read in")
	}
	resp, _ := b.do("POST", "/dashboard/compose", url.Values{"csrf": {csrf}, "account_ids": {"x1"}, "text": {"in Berlin"},
		"when": {"schedule"}, "scheduled_time": {"2030-01-15T09:00"}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule = %d", resp.StatusCode)
	}
	id := strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/dashboard/posts/")
	p, err := f.posts.Get(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U-berlin", Role: identity.Editor}, id)
	if err != nil || p.ScheduledAt == nil || !p.ScheduledAt.Equal(time.Date(2030, 1, 15, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("scheduled at %v (%v); want 09:00 Berlin = 08:00 UTC", p.ScheduledAt, err)
	}
	if _, page := b.do("GET", "/dashboard/posts/"+id, nil, nil); !strings.Contains(page, "Tue 15 Jan 2030, 09:00") {
		t.Fatal("the post page does not show the time in Berlin")
	}
}
