package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/linkedin"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/twitter"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

type analyticsFixture struct {
	*fixture
	x       accounts.Account
	other   string // a viewer token of workspace T2
	otherEd string // an editor token of workspace T2
	pub     *publish.Service
	later   func(time.Duration) // moves the sandbox's clock: the figures grow
	sb      *sandbox.Sandbox
	acc     *accounts.Service
	an      *analytics.Service
}

// analyticsSetup serves the API with accounts, publishing, the scheduler
// and analytics wired to the real X and LinkedIn adapters against the
// sandbox, X connected through its OAuth flow.
func analyticsSetup(t testing.TB) *analyticsFixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, identity.Schema, oauth.Schema, audit.Schema, accounts.Schema, schedule.Schema, publish.Schema, analytics.Schema)
	var mu sync.Mutex
	sbNow := time.Now()
	sbSrv := sandboxtest.Start(t, sandbox.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return sbNow }})
	hosts := platform.Hosts{Sandbox: sbSrv.URL}
	hc := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	media := safehttp.New(safehttp.Options{AllowPrivate: true})
	tw := twitter.NewClient(hc, hosts, twitter.Config{ClientID: "mm-x", ClientSecret: "s"}, media)
	li := linkedin.NewClient(hc, hosts, linkedin.Config{ClientID: "mm-li", ClientSecret: "s"}, media)
	k, _ := oauth.GenerateKey()
	vault, _ := oauth.NewVault(oauth.Keyring{Current: k})
	acc, err := accounts.New(accounts.Config{PublicURL: "https://mm.example", Sandbox: true}, accounts.Deps{DB: db, Vault: vault,
		Providers: map[platform.Name]accounts.Provider{platform.Twitter: tw, platform.LinkedIn: li}, Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	reg := schedule.NewRegistry()
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := publish.New(publish.Config{Store: publish.NewStore(db), Accounts: publish.AccountsOf(acc), Jobs: publish.SchedulerJobs(sch),
		Adapters: map[platform.Name]publish.Adapter{platform.Twitter: tw, platform.LinkedIn: li}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Register(reg); err != nil {
		t.Fatal(err)
	}
	an, err := analytics.New(analytics.Config{Store: analytics.NewStore(db), Tokens: acc, Directory: analytics.AccountsDirectory(accounts.NewStore(db)),
		Deliveries: pub, Accounts: acc, Jobs: sch, Adapters: map[platform.Name]analytics.Adapter{platform.Twitter: tw, platform.LinkedIn: li},
		Posts: pub, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ids := identity.NewService(identity.NewStore(db), time.Now)
	srv := New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Accounts: acc, Posts: pub, Jobs: sch, Analytics: an})
	f := &fixture{srv: httptest.NewServer(srv.Handler()), ids: ids, db: db, tokens: map[identity.Role]string{}}
	t.Cleanup(f.srv.Close)
	for _, r := range []identity.Role{identity.Admin, identity.Editor, identity.Viewer} {
		tok, err := ids.CreateToken(ctx, "T1", "U-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok.Token
	}
	af := &analyticsFixture{fixture: f, pub: pub, sb: sbSrv.Sandbox, acc: acc, an: an, later: func(d time.Duration) { mu.Lock(); defer mu.Unlock(); sbNow = sbNow.Add(d) }}
	for _, r := range []identity.Role{identity.Viewer, identity.Editor} {
		tok, err := ids.CreateToken(ctx, "T2", "U-other-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		if r == identity.Viewer {
			af.other = tok.Token
		} else {
			af.otherEd = tok.Token
		}
	}
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-editor", Role: identity.Editor, Door: identity.DoorAPI}
	u, err := acc.Connect(ctx, editor, platform.Twitter, accounts.ReturnTo{Kind: "slack", Channel: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	res, err := acc.Callback(ctx, platform.Twitter, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code")})
	if err != nil || len(res.Accounts) != 1 {
		t.Fatalf("connect X: %+v, %v", res, err)
	}
	af.x = res.Accounts[0]
	out, err := pub.PublishNow(ctx, editor, publish.Request{Content: publish.Content{Text: "Numbers day"}, AccountIDs: []string{af.x.ID}})
	if err != nil || !out.Success {
		t.Fatalf("publish: %+v, %v", out, err)
	}
	return af
}

func (f *analyticsFixture) get(t *testing.T, method, path, token string) (int, map[string]any) {
	t.Helper()
	resp, body := f.do(t, method, path, "Bearer "+token, nil)
	return resp.StatusCode, body
}

func num(t *testing.T, m map[string]any, keys ...string) any {
	t.Helper()
	var v any = m
	for _, k := range keys {
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: %v is not an object", keys, v)
		}
		if v, ok = obj[k]; !ok {
			t.Fatalf("%v: no %q in %v", keys, k, obj)
		}
	}
	return v
}

func TestAnalyticsREST(t *testing.T) {
	t.Parallel()
	f := analyticsSetup(t)
	viewer, editor := f.tokens[identity.Viewer], f.tokens[identity.Editor]

	// Before any sync: the overview's shape, figures unknown (null), not 0.
	st, ov := f.get(t, "GET", "/api/dashboard/overview", viewer)
	if st != http.StatusOK || num(t, ov, "connected_accounts") != 1.0 || num(t, ov, "analytics", "summary", "total_social_impressions") != nil {
		t.Fatalf("overview before a sync: %d %v", st, ov)
	}
	for _, k := range []string{"total_social_impressions", "total_social_engagement", "total_email_sent", "email_open_rate", "platforms_connected"} {
		num(t, ov, "analytics", "summary", k)
	}
	num(t, ov, "analytics", "social_media")
	num(t, ov, "analytics", "zoho")
	num(t, ov, "token_status", "valid")
	if num(t, ov, "pending_jobs") == nil {
		t.Fatalf("pending_jobs is null with the scheduler wired: %v", ov)
	}

	f.later(30 * time.Minute)
	// Only an editor syncs; the report says what it fetched.
	if st, body := f.get(t, "POST", "/api/social/analytics/sync", viewer); st != http.StatusForbidden {
		t.Fatalf("viewer sync: %d %v", st, body)
	}
	st, body := f.get(t, "POST", "/api/social/analytics/sync", editor)
	if st != http.StatusOK || body["success"] != true || num(t, body, "report", "posts_synced") != 1.0 || num(t, body, "report", "accounts_synced") != 1.0 {
		t.Fatalf("sync: %d %v", st, body)
	}
	if st, body := f.get(t, "POST", "/api/social/analytics/sync?account_id="+f.x.ID, editor); st != http.StatusOK || num(t, body, "report", "posts_synced") != 1.0 {
		t.Fatalf("sync of the X account: %d %v", st, body)
	}
	if st, body := f.get(t, "POST", "/api/social/analytics/sync?account_id="+f.x.ID, f.otherEd); st != http.StatusNotFound {
		t.Fatalf("T2 syncing T1's account: %d %v; want 404", st, body)
	}

	// The overview now has the post's figures, equal to the aggregate's.
	_, ov = f.get(t, "GET", "/api/dashboard/overview", viewer)
	_, agg := f.get(t, "GET", "/api/social/analytics/aggregate", viewer)
	imp := num(t, ov, "analytics", "summary", "total_social_impressions")
	if imp == nil || imp.(float64) <= 0 || imp != num(t, agg, "total", "impressions") || num(t, ov, "analytics", "summary", "platforms_connected") != 1.0 {
		t.Fatalf("overview %v\naggregate %v", ov, agg)
	}
	if tops := num(t, agg, "top_posts").([]any); len(tops) != 1 {
		t.Fatalf("top posts %v; want the one post", tops)
	}

	// The review /mm analytics gives: this week's figures beside last
	// week's, the same totals as the aggregate's.
	st, rev := f.get(t, "GET", "/api/social/analytics/review?days=7", viewer)
	if st != http.StatusOK || num(t, rev, "review", "this_period", "total", "impressions") != imp || num(t, rev, "review", "previous_period") == nil {
		t.Fatalf("review: %d %v", st, rev)
	}
	if _, other := f.get(t, "GET", "/api/social/analytics/review?days=7", f.other); num(t, other, "review", "this_period", "total", "impressions") != nil {
		t.Fatalf("T2's review shows T1's figures: %v", other)
	}

	// Per account: the series has every day of the range, unknown as null.
	today := time.Now().UTC()
	from := today.AddDate(0, 0, -6).Format("2006-01-02")
	path := "/api/social/analytics/twitter/" + f.x.ID + "?date_from=" + from + "&date_to=" + today.Format("2006-01-02")
	st, acct := f.get(t, "GET", path, viewer)
	if st != http.StatusOK || num(t, acct, "metrics", "posts_published") != 1.0 {
		t.Fatalf("account analytics: %d %v", st, acct)
	}
	dates, series := num(t, acct, "series", "dates").([]any), num(t, acct, "series", "impressions").([]any)
	if len(dates) != 7 || len(series) != 7 || series[0] != nil || series[6] == nil {
		t.Fatalf("series %v over %v; want 7 days, null before the post, the figure on its day", series, dates)
	}

	st, hist := f.get(t, "GET", "/api/social/analytics/history?platform=twitter&days=5", viewer)
	if st != http.StatusOK || len(num(t, hist, "platforms", "twitter", "dates").([]any)) != 5 {
		t.Fatalf("history: %d %v", st, hist)
	}
	st, bt := f.get(t, "GET", "/api/social/analytics/best-times?platform=twitter", viewer)
	if st != http.StatusOK || num(t, bt, "platforms", "twitter", "from_data") != false || num(t, bt, "platforms", "twitter", "note") == "" {
		t.Fatalf("best times: %d %v; want general defaults with a note (one post is too little)", st, bt)
	}

	for _, tc := range []struct {
		name, method, path string
		token              string
		status             int
		code               string
	}{
		{"not an ISO date", "GET", "/api/social/analytics/aggregate?date_from=2026-13-01&date_to=2026-12-01", viewer, 400, "invalid_request"},
		{"reversed range", "GET", "/api/social/analytics/aggregate?date_from=2026-12-02&date_to=2026-12-01", viewer, 400, "invalid_request"},
		{"longer than 366 days", "GET", "/api/social/analytics/aggregate?date_from=2025-01-01&date_to=2026-12-01", viewer, 400, "invalid_request"},
		{"one end only", "GET", "/api/social/analytics/aggregate?date_from=2026-12-01", viewer, 400, "invalid_request"},
		{"another user's id", "GET", "/api/dashboard/overview?user_id=U-someone", viewer, 403, "forbidden"},
		{"unknown account", "GET", "/api/social/analytics/twitter/nope", viewer, 404, "not_found"},
		{"account on another platform", "GET", "/api/social/analytics/linkedin/" + f.x.ID, viewer, 404, "not_found"},
		{"another workspace's account", "GET", "/api/social/analytics/twitter/" + f.x.ID, f.other, 404, "not_found"},
		{"unknown platform", "GET", "/api/social/analytics/myspace/" + f.x.ID, viewer, 404, "unknown_platform"},
		{"history days not a number", "GET", "/api/social/analytics/history?days=week", viewer, 400, "invalid_request"},
		{"history too many days", "GET", "/api/social/analytics/history?days=400", viewer, 400, "invalid_request"},
		{"history unknown platform", "GET", "/api/social/analytics/history?platform=myspace", viewer, 400, "unknown_platform"},
		{"best times unknown platform", "GET", "/api/social/analytics/best-times?platform=myspace", viewer, 400, "unknown_platform"},
		{"review days and dates", "GET", "/api/social/analytics/review?days=7&date_from=2026-11-01&date_to=2026-11-07", viewer, 400, "invalid_request"},
		{"review too many days", "GET", "/api/social/analytics/review?days=400", viewer, 400, "invalid_request"},
		{"no token", "GET", "/api/dashboard/overview", "", 401, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth := ""
			if tc.token != "" {
				auth = "Bearer " + tc.token
			}
			resp, body := f.do(t, tc.method, tc.path, auth, nil)
			if resp.StatusCode != tc.status || (tc.code != "" && errorCode(body) != tc.code) {
				t.Fatalf("%s %s = %d %v; want %d %s", tc.method, tc.path, resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}

	// Another workspace's overview has none of T1's figures.
	if st, o2 := f.get(t, "GET", "/api/dashboard/overview", f.other); st != http.StatusOK || num(t, o2, "analytics", "summary", "total_social_impressions") != nil {
		t.Fatalf("T2 overview: %d %v", st, o2)
	}
}
