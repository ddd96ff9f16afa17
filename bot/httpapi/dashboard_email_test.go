package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// dashCampaigns is tools/campaigns over the sandbox's Zoho, connected for
// workspace T1 only, with a scheduler that is not started (a scheduled
// e-mail stays scheduled).
func dashCampaigns(t *testing.T) *campaigns.Service {
	t.Helper()
	svc, _ := dashCampaignsJobs(t)
	return svc
}

// dashCampaignsJobs is dashCampaigns with its scheduler.
func dashCampaignsJobs(t *testing.T) (*campaigns.Service, *schedule.Scheduler) {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, oauth.Schema, audit.Schema, accounts.Schema, schedule.Schema, campaigns.Schema)
	sb := sandboxtest.Start(t, sandbox.Options{})
	hc := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	zc := zoho.NewClient(hc, sb.Hosts, zoho.Config{ClientID: "mm-zoho", ClientSecret: "s"})
	k, _ := oauth.GenerateKey()
	vault, _ := oauth.NewVault(oauth.Keyring{Current: k})
	acc, err := accounts.New(accounts.Config{PublicURL: "https://mm.example", Sandbox: true}, accounts.Deps{
		DB: db, Vault: vault, Zoho: zc, Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	u, err := acc.Connect(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}, platform.Zoho, accounts.ReturnTo{Kind: "dashboard"})
	if err != nil {
		t.Fatal(err)
	}
	q := sandboxtest.Consent(t, u)
	if _, err := acc.Callback(ctx, platform.Zoho, accounts.CallbackRequest{State: q.Get("state"), Code: q.Get("code"),
		AccountsServer: q.Get("accounts-server")}); err != nil {
		t.Fatal(err)
	}
	reg := schedule.NewRegistry()
	sch, err := schedule.New(db, reg, schedule.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := campaigns.New(campaigns.Config{Store: campaigns.NewStore(db), Tokens: acc, Zoho: zc, Jobs: campaigns.SchedulerJobs(sch),
		PublicURL: "https://mm.example", FromEmail: "patricia.boyle@zylker.example", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Register(reg); err != nil {
		t.Fatal(err)
	}
	return svc, sch
}

func TestDashboardEmailAndCRM(t *testing.T) {
	svc := dashCampaigns(t)
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Campaigns = svc })
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	csrf := ed.csrf()

	resp, page := ed.do("GET", "/dashboard/email", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `value="`+zohoNewsletter+`"`) || !strings.Contains(page, "No e-mail campaign yet") {
		t.Fatalf("email page = %d\n%s", resp.StatusCode, page)
	}
	// Bad input: each problem next to its field, nothing created.
	resp, page = ed.do("POST", "/dashboard/email", url.Values{"csrf": {csrf}, "name": {"  "}, "subject": {"Hi"}, "from_email": {"not-an-address"}}, nil)
	for _, want := range []string{`id="err-name"><li>name is required`, `id="err-content"><li>html or text content is required`,
		`id="err-list_keys"><li>list_keys needs at least one`, `id="err-from_email"><li>from_email &#34;not-an-address&#34; is not an e-mail address`,
		`value="not-an-address"`} {
		if !strings.Contains(page, want) {
			t.Errorf("invalid create (%d) lacks %q", resp.StatusCode, want)
		}
	}
	if list, _ := svc.ListEmails(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}, ""); resp.StatusCode != http.StatusUnprocessableEntity || len(list) != 0 {
		t.Fatalf("invalid create = %d, %d stored", resp.StatusCode, len(list))
	}
	viewer := f.browser(t)
	viewer.signIn("T1", "U-v", identity.Viewer)
	if resp, _ := viewer.do("POST", "/dashboard/email", url.Values{"csrf": {viewer.csrf()}, "name": {"x"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer create = %d, want 403", resp.StatusCode)
	}
	if resp, _ := ed.do("POST", "/dashboard/email", url.Values{"name": {"no token"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("create without CSRF = %d, want 403", resp.StatusCode)
	}

	resp, _ = ed.do("POST", "/dashboard/email", url.Values{"csrf": {csrf}, "name": {"December news"}, "subject": {"What's new"},
		"markdown": {"# News"}, "list_keys": {zohoNewsletter}}, nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/email/") {
		t.Fatalf("create = %d to %q", resp.StatusCode, loc)
	}
	detail := strings.Split(loc, "?")[0]
	if _, page := ed.do("GET", loc, nil, nil); !strings.Contains(page, `id="email-status">draft<`) || !strings.Contains(page, "created as a draft") {
		t.Fatalf("detail page:\n%s", page)
	}
	for _, tc := range []struct{ at, want string }{
		{"", "scheduled_time is required"},
		{"someday maybe", "scheduled_time:"},
		{"2020-01-01 09:00", "is not in the future"},
	} {
		resp, page := ed.do("POST", detail+"/schedule", url.Values{"csrf": {csrf}, "at": {tc.at}}, nil)
		i := strings.Index(page, `id="err-at"`)
		if resp.StatusCode != http.StatusUnprocessableEntity || i < 0 || !strings.Contains(page[i:], tc.want) {
			t.Errorf("schedule at %q = %d, want %q next to the field", tc.at, resp.StatusCode, tc.want)
		}
	}
	sendAt := time.Now().UTC().AddDate(0, 0, 30)
	sendAt = time.Date(sendAt.Year(), sendAt.Month(), sendAt.Day(), 9, 0, 0, 0, time.UTC)
	resp, _ = ed.do("POST", detail+"/schedule", url.Values{"csrf": {csrf}, "at": {sendAt.Format("2006-01-02 15:04")}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule = %d", resp.StatusCode)
	}
	if _, page := ed.do("GET", detail, nil, nil); !strings.Contains(page, `id="email-status">scheduled<`) || !strings.Contains(page, sendAt.Format("Mon 2 Jan 2006, 15:04")) {
		t.Fatalf("scheduled detail:\n%s", page)
	}
	if _, page := ed.do("GET", "/dashboard/email", nil, nil); !strings.Contains(page, "December news") {
		t.Fatal("the list lacks the new campaign")
	}
	// The report of an unsent campaign is refused with the tool's reason.
	if resp, page := viewer.do("POST", detail+"/report", url.Values{"csrf": {viewer.csrf()}}, nil); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "page-error") {
		t.Errorf("report of a scheduled campaign = %d", resp.StatusCode)
	}

	// CRM: counts, a search, an empty search next to its field.
	_, page = viewer.do("GET", "/dashboard/crm", nil, nil)
	if !strings.Contains(page, `<span class="kpi-v">230</span><span class="kpi-l">Leads</span>`) {
		t.Fatalf("CRM counts:\n%s", page)
	}
	// The newest leads, their times humane (no raw RFC 3339).
	if !strings.Contains(page, `<table id="newest-leads">`) || strings.Count(page, "<tr><td>") != newestLeads ||
		regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`).MatchString(page) || !regexp.MustCompile(`<td>\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d</td>`).MatchString(page) {
		t.Errorf("CRM newest leads:\n%s", page)
	}
	_, page = viewer.do("GET", "/dashboard/crm?q=zylker", nil, nil)
	if !strings.Contains(page, `<table id="leads">`) || !strings.Contains(page, "<td>Zylker Corp</td>") || strings.Contains(page, "<td>Globex</td>") {
		t.Errorf("lead search for zylker:\n%s", page)
	}
	_, page = viewer.do("GET", "/dashboard/crm?q=zzzz-nobody", nil, nil)
	if !strings.Contains(page, `id="no-leads"`) {
		t.Error("a search without matches does not say so")
	}
	resp, page = viewer.do("GET", "/dashboard/crm?q=+", nil, nil)
	if i := strings.Index(page, `id="err-q"`); resp.StatusCode != http.StatusBadRequest || i < 0 || !strings.Contains(page[i:], "q is required") {
		t.Errorf("empty search = %d", resp.StatusCode)
	}

	// Another workspace: the campaign is a 404; without Zoho the pages say
	// to connect it, with the accounts page's Connect button.
	other := f.browser(t)
	other.signIn("T2", "U-o", identity.Editor)
	ot := other.csrf()
	if resp, _ := other.do("GET", detail, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another workspace's campaign = %d, want 404", resp.StatusCode)
	}
	if resp, _ := other.do("POST", detail+"/schedule", url.Values{"csrf": {ot}, "at": {sendAt.Format("2006-01-02 15:04")}}, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("scheduling another workspace's campaign = %d, want 404", resp.StatusCode)
	}
	for _, path := range []string{"/dashboard/email", "/dashboard/crm"} {
		resp, page := other.do("GET", path, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Connect Zoho first") || !strings.Contains(page, `action="/dashboard/connect/zoho"`) ||
			strings.Contains(page, "December news") || strings.Contains(page, `id="email-form"`) {
			t.Errorf("%s without Zoho = %d\n%s", path, resp.StatusCode, page)
		}
	}
}
