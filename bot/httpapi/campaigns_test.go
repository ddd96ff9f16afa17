package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

const (
	zohoNewsletter = "3z6a1f0c4b2e9d7a5c3e1f0b8d6a4c2e0f9b7d5a3c1e" // the sandbox's 1,240-contact list
	zohoRecipients = 1240 - 18 - 7
)

// offsetClock is real time plus an offset the test moves (the sandbox's,
// accounts' and campaigns' clock; the scheduler keeps real time).
type offsetClock struct{ d atomic.Int64 }

func (c *offsetClock) Now() time.Time          { return time.Now().Add(time.Duration(c.d.Load())) }
func (c *offsetClock) Advance(d time.Duration) { c.d.Add(int64(d)) }

type campaignsFixture struct {
	*fixture
	clock    *offsetClock
	sched    *schedule.Scheduler
	stranger string // editor token of T2, which has no Zoho
}

// fakeAnalytics is tools/analytics' per-campaign summary as the handler sees it.
type fakeAnalytics struct{ got atomic.Value }

func (f *fakeAnalytics) CampaignSummary(_ context.Context, c identity.Caller, id string, from, to time.Time) (any, error) {
	f.got.Store(fmt.Sprintf("%s %s %s..%s", c.WorkspaceID, id, from.Format(time.DateOnly), to.Format(time.DateOnly)))
	return map[string]any{"email": map[string]any{"sent": 0}}, nil
}

// campaignsSetup serves the API with tools/campaigns wired to the real Zoho
// client against an in-process sandbox, Zoho connected to T1 through the
// real OAuth flow, and the scheduler running.
func campaignsSetup(t *testing.T, an CampaignAnalytics, posts Posts) *campaignsFixture {
	t.Helper()
	clk := &offsetClock{}
	db := storetest.Open(t, store.SQLite, identity.Schema, oauth.Schema, audit.Schema, accounts.Schema, schedule.Schema, campaigns.Schema)
	sb := sandboxtest.Start(t, sandbox.Options{Now: clk.Now})
	hc := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	zc := zoho.NewClient(hc, sb.Hosts, zoho.Config{ClientID: "mm-zoho", ClientSecret: "s"})
	k, _ := oauth.GenerateKey()
	vault, _ := oauth.NewVault(oauth.Keyring{Current: k})
	acc, err := accounts.New(accounts.Config{PublicURL: "https://mm.example", Sandbox: true}, accounts.Deps{
		DB: db, Vault: vault, Zoho: zc, Audit: audit.New(db, nil), Log: zerolog.Nop(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U-editor", Role: identity.Editor}
	u, err := acc.Connect(ctx, editor, platform.Zoho, accounts.ReturnTo{Kind: "dashboard"})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	if _, err := acc.Callback(ctx, platform.Zoho, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code"),
		AccountsServer: q.Get("accounts-server")}); err != nil {
		t.Fatal(err)
	}
	reg := schedule.NewRegistry()
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop(), Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := campaigns.New(campaigns.Config{Store: campaigns.NewStore(db), Tokens: acc, Zoho: zc, Jobs: campaigns.SchedulerJobs(sch),
		PublicURL: "https://mm.example", FromEmail: "patricia.boyle@zylker.example", Log: zerolog.Nop(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err := sch.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = sch.Stop(c)
	})
	ids := identity.NewService(identity.NewStore(db), time.Now)
	reg2 := prometheus.NewRegistry()
	d := Deps{Log: zerolog.Nop(), Identity: ids, Store: db, Registry: reg2, Jobs: sch, Campaigns: svc, Accounts: acc, Now: clk.Now}
	if an != nil {
		d.CampaignAnalytics = an
	}
	if posts != nil {
		d.Posts = posts
	}
	srv := httptest.NewServer(New(d).Handler())
	t.Cleanup(srv.Close)
	f := &campaignsFixture{fixture: &fixture{srv: srv, ids: ids, db: db, reg: reg2, tokens: map[identity.Role]string{}}, clock: clk, sched: sch}
	for _, r := range []identity.Role{identity.Admin, identity.Editor, identity.Viewer} {
		tok, err := ids.CreateToken(ctx, "T1", "U-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok.Token
	}
	tok, err := ids.CreateToken(ctx, "T2", "U-other", identity.Editor, "")
	if err != nil {
		t.Fatal(err)
	}
	f.stranger = tok.Token
	return f
}

// call sends body (JSON-encoded unless nil) with token and decodes the answer.
func (f *campaignsFixture) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	resp, out := f.do(t, method, path, "Bearer "+token, rd)
	return resp.StatusCode, out
}

func obj(m map[string]any, key string) map[string]any { v, _ := m[key].(map[string]any); return v }

// An e-mail campaign created over REST, scheduled a few seconds ahead, sent
// by the scheduler, and its report read back with opens and open rate.
func TestEmailCampaignScheduledAndReported(t *testing.T) {
	t.Parallel()
	f := campaignsSetup(t, nil, nil)
	ed, vw := f.tokens[identity.Editor], f.tokens[identity.Viewer]

	st, body := f.call(t, http.MethodGet, "/api/email/lists", vw, nil)
	if lists, _ := body["lists"].([]any); st != http.StatusOK || body["success"] != true || len(lists) != 3 {
		t.Fatalf("lists: %d %v", st, body)
	}
	st, body = f.call(t, http.MethodPost, "/api/email/campaigns", ed, map[string]any{
		"name": "December newsletter", "subject": "What's new", "html": "<h1>News</h1>", "text": "News",
		"list_keys": []string{zohoNewsletter}})
	cp := obj(body, "campaign")
	if st != http.StatusCreated || cp["status"] != "draft" || cp["campaign_key"] == "" {
		t.Fatalf("create: %d %v", st, body)
	}
	id := cp["id"].(string)
	at := f.clock.Now().Add(3 * time.Second).Format(time.RFC3339)
	st, body = f.call(t, http.MethodPost, "/api/email/campaigns/"+id+"/schedule", ed, map[string]any{"scheduled_time": at})
	jobID, _ := body["job_id"].(string)
	if st != http.StatusOK || obj(body, "campaign")["status"] != "scheduled" || jobID == "" {
		t.Fatalf("schedule: %d %v", st, body)
	}
	st, body = f.call(t, http.MethodGet, "/api/jobs/status/"+jobID, vw, nil)
	if st != http.StatusOK || obj(body, "job")["type"] != campaigns.JobKind {
		t.Fatalf("job: %d %v", st, body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, body = f.call(t, http.MethodGet, "/api/email/campaigns/"+id, vw, nil)
		if obj(body, "campaign")["status"] == "sent" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not sent by the scheduler: %v", body)
		}
		time.Sleep(25 * time.Millisecond)
	}
	f.clock.Advance(6 * time.Hour)
	st, body = f.call(t, http.MethodGet, "/api/email/campaigns/"+id+"/report", vw, nil)
	rep := obj(body, "report")
	opens, _ := rep["opens"].(float64)
	rate, _ := rep["open_rate"].(float64)
	if st != http.StatusOK || rep["sent"] != float64(zohoRecipients) || opens <= 0 || rate <= 0 || rate > 100 {
		t.Fatalf("report: %d %v", st, body)
	}
	st, body = f.call(t, http.MethodGet, "/api/email/campaigns", vw, nil)
	if list, _ := body["campaigns"].([]any); st != http.StatusOK || len(list) != 1 {
		t.Fatalf("list: %d %v", st, body)
	}
}

// Another workspace's campaign id is a 404 on every route; a workspace
// without Zoho is told to connect it; user_id other than the caller is 403.
func TestCampaignRoutesScopingAndErrors(t *testing.T) {
	t.Parallel()
	an := &fakeAnalytics{}
	f := campaignsSetup(t, an, nil)
	ed, vw := f.tokens[identity.Editor], f.tokens[identity.Viewer]
	_, body := f.call(t, http.MethodPost, "/api/campaigns", ed, map[string]any{"name": "Spring", "start_date": "2026-03-01", "end_date": "2026-03-31"})
	cid, _ := obj(body, "campaign")["id"].(string)
	_, body = f.call(t, http.MethodPost, "/api/email/campaigns", ed, map[string]any{"name": "Text only", "subject": "Hi",
		"text": "Hello <you>", "list_keys": []string{zohoNewsletter}, "campaign_id": cid})
	eid, _ := obj(body, "campaign")["id"].(string)
	if cid == "" || eid == "" {
		t.Fatalf("setup: campaign %q, email %q: %v", cid, eid, body)
	}
	for _, c := range []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"other ws campaign", http.MethodGet, "/api/campaigns/" + cid, f.stranger, nil, 404, "not_found"},
		{"other ws patch", http.MethodPatch, "/api/campaigns/" + cid, f.stranger, map[string]any{"goal": "x"}, 404, "not_found"},
		{"other ws analytics", http.MethodGet, "/api/campaigns/" + cid + "/analytics", f.stranger, nil, 404, "not_found"},
		{"other ws crm link", http.MethodPost, "/api/campaigns/" + cid + "/crm", f.stranger, nil, 404, "not_found"},
		{"other ws email", http.MethodGet, "/api/email/campaigns/" + eid, f.stranger, nil, 404, "not_found"},
		{"other ws send", http.MethodPost, "/api/email/campaigns/" + eid + "/send", f.stranger, nil, 404, "not_found"},
		{"other ws schedule", http.MethodPost, "/api/email/campaigns/" + eid + "/schedule", f.stranger,
			map[string]any{"scheduled_time": "2030-01-01T09:00:00Z"}, 404, "not_found"},
		{"other ws report", http.MethodGet, "/api/email/campaigns/" + eid + "/report", f.stranger, nil, 404, "not_found"},
		{"other ws attaches", http.MethodPost, "/api/email/campaigns", f.stranger, map[string]any{"name": "n", "subject": "s",
			"text": "t", "list_keys": []string{zohoNewsletter}, "campaign_id": cid}, 404, "not_found"},
		{"no zoho lists", http.MethodGet, "/api/email/lists", f.stranger, nil, 409, "zoho_not_connected"},
		{"no zoho create", http.MethodPost, "/api/email/campaigns", f.stranger, map[string]any{"name": "n", "subject": "s",
			"text": "t", "list_keys": []string{zohoNewsletter}}, 409, "zoho_not_connected"},
		{"no zoho crm", http.MethodGet, "/api/crm/leads", f.stranger, nil, 409, "zoho_not_connected"},
		{"no zoho search", http.MethodGet, "/api/crm/leads/search?q=a", f.stranger, nil, 409, "zoho_not_connected"},
		{"no zoho counts", http.MethodGet, "/api/crm", f.stranger, nil, 409, "zoho_not_connected"},
		{"viewer creates", http.MethodPost, "/api/campaigns", vw, map[string]any{"name": "x"}, 403, "forbidden"},
		{"other user_id body", http.MethodPost, "/api/campaigns", ed, map[string]any{"name": "x", "user_id": "U-someone"}, 403, "forbidden"},
		{"other user_id query", http.MethodGet, "/api/crm/leads?user_id=U-someone", vw, nil, 403, "forbidden"},
		{"other user_id on a read", http.MethodGet, "/api/email/campaigns/" + eid + "?user_id=U-someone", vw, nil, 403, "forbidden"},
		{"other user_id on send", http.MethodPost, "/api/email/campaigns/" + eid + "/send", ed, map[string]any{"user_id": "U-x"}, 403, "forbidden"},
		{"unknown field", http.MethodPost, "/api/campaigns", ed, map[string]any{"name": "x", "budget": 3}, 400, "invalid_json"},
		{"no name", http.MethodPost, "/api/campaigns", ed, map[string]any{"goal": "x"}, 400, "invalid_request"},
		{"no lists", http.MethodPost, "/api/email/campaigns", ed, map[string]any{"name": "n", "subject": "s", "text": "t"}, 400, "invalid_request"},
		{"bad list", http.MethodPost, "/api/email/campaigns", ed, map[string]any{"name": "n", "subject": "s", "text": "t",
			"list_keys": []string{"3zbogus"}}, 400, "zoho_rejected"},
		{"past time", http.MethodPost, "/api/email/campaigns/" + eid + "/schedule", ed, map[string]any{"scheduled_time": "2020-01-01T09:00:00Z"}, 400, "invalid_request"},
		{"no time", http.MethodPost, "/api/email/campaigns/" + eid + "/schedule", ed, map[string]any{}, 400, "invalid_request"},
		{"report unsent", http.MethodGet, "/api/email/campaigns/" + eid + "/report", vw, nil, 409, "conflict"},
		{"unknown module", http.MethodGet, "/api/crm/Accounts", vw, nil, 400, "invalid_request"},
		{"bad limit", http.MethodGet, "/api/crm/leads?limit=0", vw, nil, 400, "invalid_limit"},
		{"bad refresh", http.MethodGet, "/api/crm/leads?refresh=maybe", vw, nil, 400, "invalid_request"},
		{"no q", http.MethodGet, "/api/crm/leads/search", vw, nil, 400, "invalid_request"},
		{"bad dates", http.MethodGet, "/api/campaigns/" + cid + "/analytics?date_from=March", vw, nil, 400, "invalid_date"},
		{"range too long", http.MethodGet, "/api/campaigns/" + cid + "/analytics?date_from=2025-01-01&date_to=2026-01-02", vw, nil, 400, "invalid_date"},
		{"dates reversed", http.MethodGet, "/api/campaigns/" + cid + "/analytics?date_from=2026-03-05&date_to=2026-03-01", vw, nil, 400, "invalid_date"},
	} {
		st, body := f.call(t, c.method, c.path, c.token, c.body)
		if st != c.status || errorCode(body) != c.code {
			t.Errorf("%s: %d %v; want %d %s", c.name, st, body, c.status, c.code)
		}
	}
	_, body = f.call(t, http.MethodGet, "/api/email/lists", f.stranger, nil)
	if msg, _ := obj(body, "error")["message"].(string); !strings.Contains(msg, "connect Zoho first: GET /api/zoho/connect") {
		t.Errorf("no-Zoho message %q", msg)
	}
	if st, _ := f.call(t, http.MethodPost, "/api/campaigns", ed, map[string]any{"name": "Mine", "user_id": "U-editor"}); st != http.StatusCreated {
		t.Errorf("own user_id: %d", st)
	}

	st, body := f.call(t, http.MethodGet, "/api/campaigns/"+cid+"/analytics", vw, nil)
	if st != http.StatusOK || body["date_from"] != "2026-03-01" || an.got.Load() != "T1 "+cid+" 2026-03-01..2026-03-31" {
		t.Errorf("analytics: %d %v (called with %v)", st, body, an.got.Load())
	}
	_, body = f.call(t, http.MethodPost, "/api/campaigns", ed, map[string]any{"name": "Later", "start_date": "2030-01-01"})
	later, _ := obj(body, "campaign")["id"].(string)
	if st, body := f.call(t, http.MethodGet, "/api/campaigns/"+later+"/analytics", vw, nil); st != http.StatusOK || body["date_to"] != "2030-01-01" {
		t.Errorf("analytics of a campaign not started: %d %v", st, body)
	}
	bare := campaignsSetup(t, nil, nil)
	_, body = bare.call(t, http.MethodPost, "/api/campaigns", bare.tokens[identity.Editor], map[string]any{"name": "x"})
	bid, _ := obj(body, "campaign")["id"].(string)
	if st, body := bare.call(t, http.MethodGet, "/api/campaigns/"+bid+"/analytics", bare.tokens[identity.Viewer], nil); st != 503 || errorCode(body) != "analytics_unavailable" {
		t.Errorf("analytics not wired: %d %v", st, body)
	}

	// The content Zoho reads: public, sandboxed, text escaped.
	resp, err := http.Get(f.srv.URL + "/email/content/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown content key: %d", resp.StatusCode)
	}
}

// campaignPostsFake is publishing as GET /api/campaigns/{id} uses it: List
// answers one post per call and counts the calls that named options.
type campaignPostsFake struct {
	Posts
	filtered atomic.Int32
}

func (p *campaignPostsFake) List(_ context.Context, c identity.Caller, limit int, _ string, opts ...publish.ListOption) ([]publish.PostView, string, error) {
	if len(opts) == 1 && limit == campaignPosts && c.WorkspaceID == "T1" {
		p.filtered.Add(1)
	}
	return []publish.PostView{{}}, "", nil
}

func TestCampaignAndCRMRoutes(t *testing.T) {
	t.Parallel()
	posts := &campaignPostsFake{}
	f := campaignsSetup(t, nil, posts)
	ed, vw := f.tokens[identity.Editor], f.tokens[identity.Viewer]
	st, body := f.call(t, http.MethodPost, "/api/campaigns", ed, map[string]any{"name": "Launch", "goal": "200 sign-ups", "tag": "launch"})
	cp := obj(body, "campaign")
	if st != http.StatusCreated || cp["name"] != "Launch" {
		t.Fatalf("create: %d %v", st, body)
	}
	id := cp["id"].(string)
	st, body = f.call(t, http.MethodPatch, "/api/campaigns/"+id, ed, map[string]any{"goal": "300 sign-ups"})
	if st != http.StatusOK || obj(body, "campaign")["goal"] != "300 sign-ups" || obj(body, "campaign")["name"] != "Launch" {
		t.Fatalf("patch: %d %v", st, body)
	}
	_, body = f.call(t, http.MethodPost, "/api/email/campaigns", ed, map[string]any{"name": "Launch mail", "subject": "Hi",
		"text": "Hello <b>friend</b>", "list_keys": []string{zohoNewsletter}, "campaign_id": id})
	eid := obj(body, "campaign")["id"].(string)
	st, body = f.call(t, http.MethodGet, "/api/campaigns/"+id, vw, nil)
	if emails, _ := body["email_campaigns"].([]any); st != http.StatusOK || len(emails) != 1 {
		t.Fatalf("get: %d %v", st, body)
	}
	if ps, _ := body["posts"].([]any); len(ps) != 1 || body["more_posts"] != false || posts.filtered.Load() != 1 {
		t.Fatalf("campaign posts: %v (filtered lists %d)", body["posts"], posts.filtered.Load())
	}
	st, body = f.call(t, http.MethodPost, "/api/campaigns/"+id+"/crm", ed, nil)
	if st != http.StatusOK || obj(body, "campaign")["crm_campaign_id"] == "" {
		t.Fatalf("link CRM: %d %v", st, body)
	}
	if st, body = f.call(t, http.MethodGet, "/api/campaigns", vw, nil); st != http.StatusOK || len(body["campaigns"].([]any)) != 1 {
		t.Fatalf("list: %d %v", st, body)
	}
	st, body = f.call(t, http.MethodPost, "/api/email/campaigns/"+eid+"/send", ed, nil)
	if st != http.StatusOK || obj(body, "campaign")["status"] != "sent" {
		t.Fatalf("send: %d %v", st, body)
	}
	if st, body = f.call(t, http.MethodPost, "/api/email/campaigns/"+eid+"/send", ed, nil); st != http.StatusConflict {
		t.Fatalf("send twice: %d %v", st, body)
	}

	// Cancelled like any job: the e-mail campaign then shows cancelled.
	_, body = f.call(t, http.MethodPost, "/api/email/campaigns", ed, map[string]any{"name": "Later", "subject": "Soon",
		"html": "<p>soon</p>", "list_keys": []string{zohoNewsletter}})
	later := obj(body, "campaign")["id"].(string)
	_, body = f.call(t, http.MethodPost, "/api/email/campaigns/"+later+"/schedule", ed,
		map[string]any{"scheduled_time": f.clock.Now().Add(time.Hour).Format(time.RFC3339)})
	jobID, _ := body["job_id"].(string)
	if st, body = f.call(t, http.MethodDelete, "/api/jobs/"+jobID, ed, nil); st != http.StatusOK {
		t.Fatalf("cancel job %q: %d %v", jobID, st, body)
	}
	if _, body = f.call(t, http.MethodGet, "/api/email/campaigns/"+later, vw, nil); obj(body, "campaign")["status"] != "cancelled" {
		t.Fatalf("after DELETE /api/jobs: %v", body)
	}

	st, body = f.call(t, http.MethodGet, "/api/crm/leads?limit=3", vw, nil)
	if recs, _ := body["records"].([]any); st != http.StatusOK || body["module"] != "Leads" || body["count"] != float64(230) || len(recs) != 3 {
		t.Fatalf("leads: %d %v", st, body)
	}
	st, body = f.call(t, http.MethodGet, "/api/crm/leads/search?q=globex", vw, nil)
	recs, _ := body["records"].([]any)
	if st != http.StatusOK || len(recs) == 0 || !strings.Contains(strings.ToLower(fmt.Sprint(recs[0])), "globex") {
		t.Fatalf("search: %d %v", st, body)
	}
	if st, body = f.call(t, http.MethodGet, "/api/crm", vw, nil); st != http.StatusOK || obj(body, "counts")["Deals"] != float64(25) {
		t.Fatalf("counts: %d %v", st, body)
	}

	// The e-mail's content as Zoho reads it: text-only is escaped HTML.
	var key string
	rows, err := f.db.SQLRead.Query(`SELECT content_key FROM email_campaigns WHERE id = ?`, eid)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		_ = rows.Scan(&key)
	}
	rows.Close()
	resp, err := http.Get(f.srv.URL + "/email/content/" + key)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") != "sandbox" ||
		!strings.Contains(string(page), "Hello &lt;b&gt;friend&lt;/b&gt;") {
		t.Fatalf("content: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), page)
	}
}
