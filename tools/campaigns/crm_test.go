package campaigns

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

const crmPath = "/www.zohoapis.com/crm/v8/"

// On SQLite only: refilling the sandbox's 230 leads takes FerretDB (which
// scans the collection for every upsert) longer than the driver's timeout;
// the store's conformance suite covers the cache on MongoDB.
func TestCRMRecordsCachedAndSearched(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	ctx := context.Background()

	leads, err := e.svc.CRMRecords(ctx, e.viewer, "leads", 5, false)
	if err != nil {
		t.Fatal(err)
	}
	if leads.Module != "Leads" || leads.Total != 230 || len(leads.Records) != 5 {
		t.Fatalf("leads: module %s total %d, %d records; want Leads, 230, 5", leads.Module, leads.Total, len(leads.Records))
	}
	for i, r := range leads.Records {
		if r.ID == "" || r.Name == "" || r.Email == "" || r.Company == "" || r.Data["Lead_Source"] == nil {
			t.Fatalf("lead %d lacks fields: %+v", i, r)
		}
		if i > 0 && r.CreatedTime > leads.Records[i-1].CreatedTime {
			t.Fatalf("leads not newest first: %s after %s", r.CreatedTime, leads.Records[i-1].CreatedTime)
		}
	}
	calls := e.sb.Calls(http.MethodGet, crmPath)
	// Within the TTL the cache answers, with every lead (230 > one page).
	all, err := e.svc.CRMRecords(ctx, e.viewer, "Leads", MaxCRMLimit, false)
	if err != nil || len(all.Records) != 200 || !all.FetchedAt.Equal(leads.FetchedAt) {
		t.Fatalf("cached leads: %d, fetched %v vs %v, %v", len(all.Records), all.FetchedAt, leads.FetchedAt, err)
	}
	found, err := e.svc.SearchLeads(ctx, e.viewer, "ZYLKER", MaxCRMLimit)
	if err != nil || len(found) == 0 {
		t.Fatalf("search zylker: %d, %v", len(found), err)
	}
	for _, r := range found {
		if !strings.Contains(strings.ToLower(r.Company+r.Email+r.Name), "zylker") {
			t.Fatalf("search zylker found %+v", r)
		}
	}
	if n := e.sb.Calls(http.MethodGet, crmPath); n != calls {
		t.Fatalf("the cache was bypassed: %d more CRM calls", n-calls)
	}
	byName, err := e.svc.SearchLeads(ctx, e.viewer, leads.Records[0].Name, 10)
	if err != nil || len(byName) == 0 || byName[0].Name != leads.Records[0].Name {
		t.Fatalf("search by name %q: %+v, %v", leads.Records[0].Name, byName, err)
	}
	e.clock.Advance(6 * time.Minute)
	fresh, err := e.svc.CRMRecords(ctx, e.viewer, "Leads", 1, false)
	if err != nil || !fresh.FetchedAt.After(leads.FetchedAt) || e.sb.Calls(http.MethodGet, crmPath) == calls {
		t.Fatalf("after the TTL: fetched %v (was %v), %v", fresh.FetchedAt, leads.FetchedAt, err)
	}

	deals, err := e.svc.CRMRecords(ctx, e.viewer, "Deals", 3, true)
	if err != nil || deals.Total != 25 || len(deals.Records) != 3 || deals.Records[0].Name == "" || deals.Records[0].Company == "" {
		t.Fatalf("deals: %+v, %v", deals, err)
	}
	contacts, err := e.svc.CRMRecords(ctx, e.viewer, "CONTACTS", 0, false)
	if err != nil || contacts.Total != 40 || len(contacts.Records) != DefaultCRMLimit {
		t.Fatalf("contacts: total %d, %d records, %v", contacts.Total, len(contacts.Records), err)
	}
	counts, err := e.svc.CRMCounts(ctx, e.viewer)
	if err != nil || counts["Leads"] != 230 || counts["Contacts"] != 40 || counts["Deals"] != 25 {
		t.Fatalf("counts %v, %v", counts, err)
	}
}

func TestCRMErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		call func() error
		is   error
		msg  string
	}{
		{"unknown module", func() error { _, err := e.svc.CRMRecords(ctx, e.viewer, "Accounts", 5, false); return err }, ErrInvalid, "Leads, Contacts, Deals"},
		{"limit", func() error { _, err := e.svc.CRMRecords(ctx, e.viewer, "Leads", 500, false); return err }, ErrInvalid, "limit"},
		{"empty query", func() error { _, err := e.svc.SearchLeads(ctx, e.viewer, " ", 5); return err }, ErrInvalid, "q is required"},
		{"long query", func() error { _, err := e.svc.SearchLeads(ctx, e.viewer, strings.Repeat("a", 101), 5); return err }, ErrInvalid, "longer"},
		{"records without Zoho", func() error { _, err := e.svc.CRMRecords(ctx, e.stranger, "Leads", 5, false); return err }, ErrZohoNotConnected, "connect Zoho first"},
		{"search without Zoho", func() error { _, err := e.svc.SearchLeads(ctx, e.stranger, "x", 5); return err }, ErrZohoNotConnected, "connect Zoho first"},
		{"counts without Zoho", func() error { _, err := e.svc.CRMCounts(ctx, e.stranger); return err }, ErrZohoNotConnected, "/api/zoho/connect"},
		{"no role", func() error {
			_, err := e.svc.CRMRecords(ctx, identity.Caller{WorkspaceID: "T1"}, "Leads", 5, false)
			return err
		}, identity.ErrForbidden, "viewer"},
	} {
		err := c.call()
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v; want %v saying %q", c.name, err, c.is, c.msg)
		}
	}
	// A server without a Zoho client says so.
	bare := *e.svc
	bare.cfg.Zoho = nil
	if _, err := bare.CRMRecords(ctx, e.viewer, "Leads", 5, true); !errors.Is(err, ErrZohoUnavailable) {
		t.Errorf("no Zoho client: %v", err)
	}
}

func TestMarketingCampaigns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	cp, err := e.svc.CreateCampaign(ctx, e.editor, NewCampaign{Name: " Spring launch ", Goal: "500 sign-ups",
		StartDate: "2026-03-01", EndDate: "2026-04-30", Tag: "spring"})
	if err != nil || cp.Name != "Spring launch" || cp.CreatedBy != "U1" {
		t.Fatalf("create = %+v, %v", cp, err)
	}
	for _, c := range []struct {
		name string
		in   NewCampaign
		msg  string
	}{
		{"no name", NewCampaign{}, "name is required"},
		{"bad date", NewCampaign{Name: "x", StartDate: "March 1"}, "start_date"},
		{"ends before", NewCampaign{Name: "x", StartDate: "2026-03-02", EndDate: "2026-03-01"}, "before start_date"},
		{"tag", NewCampaign{Name: "x", Tag: "two words"}, "tag"},
	} {
		if _, err := e.svc.CreateCampaign(ctx, e.editor, c.in); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := e.svc.CreateCampaign(ctx, e.viewer, NewCampaign{Name: "x"}); !errors.Is(err, identity.ErrForbidden) {
		t.Errorf("viewer create: %v", err)
	}
	goal := "800 sign-ups"
	up, err := e.svc.UpdateCampaign(ctx, e.editor, cp.ID, CampaignPatch{Goal: &goal})
	if err != nil || up.Goal != goal || up.Name != cp.Name || up.StartDate != cp.StartDate {
		t.Fatalf("update = %+v, %v", up, err)
	}
	bad := "2026-01-01"
	if _, err := e.svc.UpdateCampaign(ctx, e.editor, cp.ID, CampaignPatch{EndDate: &bad}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("update end before start: %v", err)
	}
	// Another workspace's campaign id is not found.
	if err := e.svc.Check(ctx, e.stranger, cp.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Check from T2: %v", err)
	}
	if _, err := e.svc.UpdateCampaign(ctx, e.stranger, cp.ID, CampaignPatch{Goal: &goal}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update from T2: %v", err)
	}
	if err := e.svc.Check(ctx, e.viewer, cp.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := e.svc.ListCampaigns(ctx, e.viewer); len(l) != 1 || l[0].Goal != goal {
		t.Fatalf("list %+v", l)
	}

	// An e-mail attached to it lists under it.
	ec, err := e.svc.CreateEmail(ctx, e.editor, NewEmail{Name: "Launch mail", Subject: "Spring is here", Text: "Hello",
		ListKeys: []string{newsletter}, CampaignID: cp.ID})
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := e.svc.ListEmails(ctx, e.viewer, cp.ID); len(l) != 1 || l[0].ID != ec.ID {
		t.Fatalf("emails of the campaign: %+v", l)
	}

	// Linked to the CRM once: a Campaigns record appears in Zoho.
	if _, err := e.svc.LinkCRM(ctx, e.stranger, cp.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("link from T2: %v", err)
	}
	linked, err := e.svc.LinkCRM(ctx, e.editor, cp.ID)
	if err != nil || linked.CRMCampaignID == "" {
		t.Fatalf("link = %+v, %v", linked, err)
	}
	tok, _ := e.acc.ZohoToken(ctx, e.editor)
	page, err := e.svc.cfg.Zoho.ListRecords(ctx, tok, zoho.ModuleCampaigns, zoho.ListOptions{Fields: []string{"Campaign_Name", "Status"}})
	if err != nil {
		t.Fatal(err)
	}
	var rec zoho.Record
	for _, r := range page.Records {
		if r.ID() == linked.CRMCampaignID {
			rec = r
		}
	}
	if rec.String("Campaign_Name") != "Spring launch" || rec.String("Status") != "Complete" {
		t.Fatalf("CRM record %+v", rec)
	}
	posts := e.sb.Calls(http.MethodPost, crmPath+"Campaigns")
	again, err := e.svc.LinkCRM(ctx, e.editor, cp.ID)
	if err != nil || again.CRMCampaignID != linked.CRMCampaignID || e.sb.Calls(http.MethodPost, crmPath+"Campaigns") != posts {
		t.Fatalf("link again = %+v, %v; want the same record and no second create", again, err)
	}
}
