package zoho_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/integrations/zoho"
)

type bundle struct {
	sb     *sandboxtest.Server
	clock  *sandboxtest.Clock
	client *zoho.Client
	hosts  platform.Hosts
}

func setup(t *testing.T, dc string) *bundle {
	t.Helper()
	clk := sandboxtest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), 0)
	sb := sandboxtest.Start(t, sandbox.Options{Now: clk.Now})
	c := zoho.NewClient(sb.Client, sb.Hosts, zoho.Config{ClientID: "1000.TESTCLIENT", ClientSecret: "s3cret", DataCenter: dc})
	return &bundle{sb: sb, clock: clk, client: c, hosts: sb.Hosts}
}

// consent follows the consent page like a browser and returns the callback's
// query.
func (b *bundle) consent(t *testing.T, state string) url.Values {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(b.client.AuthCodeURL(state, "https://app.example/api/zoho/callback"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("consent: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), "https://app.example/api/zoho/callback?") {
		t.Fatalf("consent redirected to %q", resp.Header.Get("Location"))
	}
	return loc.Query()
}

// connect runs the whole OAuth flow and returns the grant.
func (b *bundle) connect(t *testing.T) zoho.Token {
	t.Helper()
	q := b.consent(t, "st-1")
	tok, err := b.client.Exchange(context.Background(), q.Get("code"), "https://app.example/api/zoho/callback", q.Get("accounts-server"))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return tok
}

func wantKind(t *testing.T, err error, kind platform.Kind, code string) *platform.Error {
	t.Helper()
	var pe *platform.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *platform.Error", err, err)
	}
	if pe.Kind != kind || (code != "" && pe.Code != code) || pe.Platform != platform.Zoho || pe.Op == "" {
		t.Fatalf("error %#v: want kind %s code %q", pe, kind, code)
	}
	return pe
}

func TestOAuthFlow(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	u, _ := url.Parse(b.client.AuthCodeURL("st-1", "https://app.example/cb"))
	q := u.Query()
	if u.Path != "/accounts.zoho.com/oauth/v2/auth" || q.Get("scope") != "ZohoCRM.modules.ALL,ZohoCRM.settings.READ,ZohoCampaigns.campaign.ALL,ZohoCampaigns.contact.READ" ||
		q.Get("access_type") != "offline" || q.Get("prompt") != "consent" || q.Get("response_type") != "code" || q.Get("state") != "st-1" {
		t.Fatalf("auth URL %s", u)
	}
	cb := b.consent(t, "st-1")
	if cb.Get("state") != "st-1" || cb.Get("location") != "us" || cb.Get("accounts-server") != "https://accounts.zoho.com" || cb.Get("code") == "" {
		t.Fatalf("callback %v", cb)
	}
	ctx := context.Background()
	tok, err := b.client.Exchange(ctx, cb.Get("code"), "https://app.example/api/zoho/callback", cb.Get("accounts-server"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.APIDomain != "https://www.zohoapis.com" ||
		tok.AccountsServer != "https://accounts.zoho.com" || tok.Expiry.IsZero() {
		t.Fatalf("token %+v", tok)
	}
	// A code works once; Zoho answers the second try with HTTP 200 invalid_code.
	_, err = b.client.Exchange(ctx, cb.Get("code"), "https://app.example/api/zoho/callback", cb.Get("accounts-server"))
	pe := wantKind(t, err, platform.KindAuth, "invalid_code")
	if pe.Status != http.StatusOK {
		t.Errorf("status %d, want Zoho's 200", pe.Status)
	}
	// The secret never goes to a host that is not a Zoho accounts server.
	before := b.sb.Calls("", "/")
	_, err = b.client.Exchange(ctx, "code", "https://app.example/cb", "https://accounts.evil.example")
	wantKind(t, err, platform.KindPermanent, "")
	if after := b.sb.Calls("", "/"); after != before {
		t.Errorf("an unknown accounts server was called")
	}
}

func TestOAuthDeniedAndBadSecret(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	b.sb.SetConsent("zoho", false)
	cb := b.consent(t, "st-2")
	if cb.Get("error") != "access_denied" || cb.Get("state") != "st-2" || cb.Get("code") != "" {
		t.Fatalf("denied callback %v", cb)
	}
	b.sb.SetConsent("zoho", true)
	b.sb.RegisterApp("zoho", "1000.TESTCLIENT", "another-secret")
	cb = b.consent(t, "st-3")
	_, err := b.client.Exchange(context.Background(), cb.Get("code"), "https://app.example/api/zoho/callback", cb.Get("accounts-server"))
	wantKind(t, err, platform.KindPermanent, "invalid_client_secret")
}

func TestRefreshAndRevoke(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	ctx := context.Background()
	tok := b.connect(t)
	b.sb.ExpireTokens("zoho")
	_, err := b.client.CountRecords(ctx, tok, zoho.ModuleLeads)
	wantKind(t, err, platform.KindAuth, "INVALID_TOKEN")

	fresh, err := b.client.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken != tok.RefreshToken || fresh.APIDomain != tok.APIDomain {
		t.Fatalf("refreshed %+v from %+v", fresh, tok)
	}
	if n, err := b.client.CountRecords(ctx, fresh, zoho.ModuleLeads); err != nil || n != 230 {
		t.Fatalf("count after refresh: %d, %v", n, err)
	}
	if err := b.client.Revoke(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err = b.client.Refresh(ctx, tok.RefreshToken)
	wantKind(t, err, platform.KindAuth, "invalid_code")
}

func TestOtherDataCenter(t *testing.T) {
	t.Parallel()
	b := setup(t, "eu")
	tok := b.connect(t)
	if tok.APIDomain != "https://www.zohoapis.eu" || tok.AccountsServer != "https://accounts.zoho.eu" {
		t.Fatalf("EU token %+v", tok)
	}
	ctx := context.Background()
	if n, err := b.client.CountRecords(ctx, tok, zoho.ModuleContacts); err != nil || n != 40 {
		t.Fatalf("EU count %d, %v", n, err)
	}
	if _, err := b.client.RefreshAt(ctx, tok.AccountsServer, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	// The configured (EU) server does not know a refresh token of another DC.
	com := setup(t, "com")
	comTok := com.connect(t)
	euClient := zoho.NewClient(com.sb.Client, com.hosts, zoho.Config{ClientID: "1000.TESTCLIENT", ClientSecret: "s3cret", DataCenter: "eu"})
	_, err := euClient.Refresh(ctx, comTok.RefreshToken)
	wantKind(t, err, platform.KindAuth, "invalid_code")
	// An access token is never sent to a host outside the table.
	bad := comTok
	bad.APIDomain = "https://api.evil.example"
	_, err = com.client.CountRecords(ctx, bad, zoho.ModuleLeads)
	wantKind(t, err, platform.KindPermanent, "")
}

func TestListRecords(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	ctx := context.Background()
	tok := b.connect(t)
	p, err := b.client.ListRecords(ctx, tok, zoho.ModuleLeads, zoho.ListOptions{Fields: []string{"Last_Name", "Email", "Company"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 200 || !p.MoreRecords || p.NextPageToken == "" || p.Page != 1 || p.PerPage != 200 {
		t.Fatalf("page 1: %d records, more %v, page %d", len(p.Records), p.MoreRecords, p.Page)
	}
	if r := p.Records[0]; r.ID() == "" || r.String("Last_Name") == "" || r.String("Email") == "" || r["Phone"] != nil {
		t.Fatalf("record %v: want id and the asked fields only", r)
	}
	p2, err := b.client.ListRecords(ctx, tok, zoho.ModuleLeads, zoho.ListOptions{Fields: []string{"Last_Name"}, Page: 2})
	if err != nil || len(p2.Records) != 30 || p2.MoreRecords {
		t.Fatalf("page 2: %d records, more %v, %v", len(p2.Records), p2.MoreRecords, err)
	}
	empty, err := b.client.ListRecords(ctx, tok, zoho.ModuleDeals, zoho.ListOptions{Fields: []string{"Deal_Name"}, Page: 3, PerPage: 20})
	if err != nil || len(empty.Records) != 0 || empty.MoreRecords {
		t.Fatalf("page past the end (204): %+v, %v", empty, err)
	}
	for module, want := range map[string]int{zoho.ModuleLeads: 230, zoho.ModuleContacts: 40, zoho.ModuleDeals: 25} {
		seen := map[string]bool{}
		for r, err := range b.client.AllRecords(ctx, tok, module, zoho.ListOptions{Fields: []string{"Created_Time"}, PerPage: 15}) {
			if err != nil {
				t.Fatal(err)
			}
			seen[r.ID()] = true
		}
		n, err := b.client.CountRecords(ctx, tok, module)
		if len(seen) != want || n != want || err != nil {
			t.Errorf("%s: iterated %d, counted %d (%v), want %d", module, len(seen), n, err, want)
		}
	}
	since := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	recent, err := b.client.ListRecords(ctx, tok, zoho.ModuleLeads, zoho.ListOptions{Fields: []string{"Modified_Time"}, ModifiedSince: since, SortBy: "Modified_Time", SortOrder: "asc"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recent.Records {
		if mt, _ := time.Parse(time.RFC3339, r.String("Modified_Time")); !mt.After(since) {
			t.Fatalf("record modified %s listed as modified since %s", mt, since)
		}
	}
	if len(recent.Records) == 0 || len(recent.Records) >= 230 {
		t.Errorf("If-Modified-Since selected %d of 230 leads", len(recent.Records))
	}
}

func TestListRecordsClientChecks(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	tok := b.connect(t)
	ctx := context.Background()
	before := b.sb.Calls("", "/www.zohoapis.com/")
	for name, tc := range map[string]struct {
		module string
		opts   zoho.ListOptions
	}{
		"unknown module": {"Accounts", zoho.ListOptions{Fields: []string{"Account_Name"}}},
		"no fields":      {zoho.ModuleLeads, zoho.ListOptions{}},
		"per_page > 200": {zoho.ModuleLeads, zoho.ListOptions{Fields: []string{"Email"}, PerPage: 500}},
		"past 2,000":     {zoho.ModuleLeads, zoho.ListOptions{Fields: []string{"Email"}, Page: 11}},
		"sort order":     {zoho.ModuleLeads, zoho.ListOptions{Fields: []string{"Email"}, SortOrder: "up"}},
	} {
		_, err := b.client.ListRecords(ctx, tok, tc.module, tc.opts)
		if platform.KindOf(err) != platform.KindPermanent {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	if b.sb.Calls("", "/www.zohoapis.com/") != before {
		t.Error("invalid requests reached the API")
	}
}

func TestAllRecordsPastTwoThousand(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	tok := b.connect(t)
	// 19 × 100 more leads: 2,130 in all, past the page/per_page limit.
	for i := range 19 {
		var sb strings.Builder
		sb.WriteString(`{"data":[`)
		for j := range 100 {
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`{"Last_Name":"Bulk` + string(rune('A'+i)) + `","Company":"Bulk Co"}`)
		}
		sb.WriteString(`]}`)
		req, _ := http.NewRequest(http.MethodPost, b.sb.URL+"/www.zohoapis.com/crm/v8/Leads", strings.NewReader(sb.String()))
		req.Header.Set("Authorization", "Zoho-oauthtoken "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("bulk create: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	seen := map[string]bool{}
	for r, err := range b.client.AllRecords(context.Background(), tok, zoho.ModuleLeads, zoho.ListOptions{Fields: []string{"Last_Name"}}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[r.ID()] = true
	}
	if len(seen) != 2130 {
		t.Fatalf("iterated %d distinct leads, want 2130", len(seen))
	}
}
