package zoho_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/zoho"
)

func TestCreateCRMCampaign(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	tok := b.connect(t)
	ctx := context.Background()
	start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	id, err := b.client.CreateCRMCampaign(ctx, tok, zoho.CRMCampaign{Name: "Spring webinar", Type: "Webinar", Status: "Planning",
		StartDate: start, EndDate: start.AddDate(0, 0, 14), Description: "Launch webinar"})
	if err != nil || len(id) != 19 {
		t.Fatalf("create: %q, %v", id, err)
	}
	found := false
	for r, err := range b.client.AllRecords(ctx, tok, zoho.ModuleCampaigns, zoho.ListOptions{Fields: []string{"Campaign_Name", "Start_Date", "Type"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.ID() == id {
			found = r.String("Campaign_Name") == "Spring webinar" && r.String("Start_Date") == "2026-04-01" && r.String("Type") == "Webinar"
		}
	}
	if !found {
		t.Fatal("the created campaign is not listed as sent")
	}
	// A value outside the picklist is the record's own INVALID_DATA.
	_, err = b.client.CreateCRMCampaign(ctx, tok, zoho.CRMCampaign{Name: "Bad", Status: "Someday"})
	pe := wantKind(t, err, platform.KindPermanent, "INVALID_DATA")
	if !strings.Contains(pe.Message, "Status") {
		t.Errorf("message %q does not name the field", pe.Message)
	}
	_, err = b.client.CreateCRMCampaign(ctx, tok, zoho.CRMCampaign{})
	wantKind(t, err, platform.KindPermanent, "")
}

func TestEmailCampaignLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	tok := b.connect(t)
	ctx := context.Background()
	lists, err := b.client.MailingLists(ctx, tok)
	if err != nil || len(lists) != 3 {
		t.Fatalf("lists: %+v, %v", lists, err)
	}
	var newsletter zoho.MailingList
	for _, l := range lists {
		if l.Name == "Newsletter subscribers" {
			newsletter = l
		}
	}
	if newsletter.Key == "" || newsletter.Contacts != 1240 || newsletter.Unsubscribed != 18 {
		t.Fatalf("newsletter list %+v", newsletter)
	}
	cp := zoho.EmailCampaign{Name: "March news", FromEmail: "patricia.boyle@zylker.example", FromName: "Patricia",
		Subject: "Our March news", ContentURL: "https://zylker.example/march.html", ListKeys: []string{newsletter.Key}}
	key, err := b.client.CreateEmailCampaign(ctx, tok, cp)
	if err != nil || key == "" {
		t.Fatalf("create: %q, %v", key, err)
	}
	drafts, err := b.client.RecentCampaigns(ctx, tok, "drafts")
	if err != nil || len(drafts) != 1 || drafts[0].Key != key || drafts[0].Status != "Draft" {
		t.Fatalf("drafts %+v, %v", drafts, err)
	}
	_, err = b.client.CampaignReport(ctx, tok, key)
	wantKind(t, err, platform.KindPermanent, "6002")

	if err := b.client.SendCampaign(ctx, tok, key); err != nil {
		t.Fatal(err)
	}
	err = b.client.SendCampaign(ctx, tok, key)
	wantKind(t, err, platform.KindPermanent, "6600")

	b.clock.Add(time.Hour + time.Second)
	// The access token lived its hour: Campaigns says 1007, a refresh mends it.
	_, err = b.client.CampaignReport(ctx, tok, key)
	wantKind(t, err, platform.KindAuth, "1007")
	if tok, err = b.client.Refresh(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	early, err := b.client.CampaignReport(ctx, tok, key)
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Add(24 * time.Hour)
	if tok, err = b.client.Refresh(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	later, err := b.client.CampaignReport(ctx, tok, key)
	if err != nil {
		t.Fatal(err)
	}
	if early.Sent != 1215 || early.Delivered+early.Bounces != early.Sent || early.Opens == 0 ||
		later.Opens <= early.Opens || later.Clicks < early.Clicks || later.OpenRate <= early.OpenRate || later.Sent != early.Sent {
		t.Fatalf("reports do not grow: %+v then %+v", early, later)
	}
	sent, err := b.client.RecentCampaigns(ctx, tok, "sent")
	if err != nil || len(sent) != 2 || sent[0].Key != key || sent[0].SentTimeGMT == "" {
		t.Fatalf("sent campaigns %+v, %v", sent, err)
	}

	// Errors Zoho answers with HTTP 200.
	bad := cp
	bad.ListKeys = []string{"no-such-list"}
	_, err = b.client.CreateEmailCampaign(ctx, tok, bad)
	pe := wantKind(t, err, platform.KindPermanent, "2002")
	if pe.Status != http.StatusOK {
		t.Errorf("status %d, want 200", pe.Status)
	}
	noContent := cp
	noContent.ContentURL = ""
	k2, err := b.client.CreateEmailCampaign(ctx, tok, noContent)
	if err != nil {
		t.Fatal(err)
	}
	wantKind(t, b.client.SendCampaign(ctx, tok, k2), platform.KindPermanent, "6607")
	wantKind(t, b.client.SendCampaign(ctx, tok, "3zunknown"), platform.KindPermanent, "6301")
}

func TestScheduleCampaign(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	tok := b.connect(t)
	ctx := context.Background()
	lists, err := b.client.MailingLists(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	key, err := b.client.CreateEmailCampaign(ctx, tok, zoho.EmailCampaign{Name: "Trial nudge", FromEmail: "team@zylker.example",
		Subject: "Still trying us out?", ContentURL: "https://zylker.example/nudge.html", ListKeys: []string{lists[0].Key}})
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// 2026-03-02 10:00 UTC is 11:00 in Paris; 14:05 Paris is 13:05 UTC.
	at := time.Date(2026, 3, 2, 14, 5, 0, 0, paris)
	wantKind(t, b.client.ScheduleCampaign(ctx, tok, key, at.Add(2*time.Minute), paris), platform.KindPermanent, "")
	wantKind(t, b.client.ScheduleCampaign(ctx, tok, key, at, nil), platform.KindPermanent, "")
	// In the past for Zoho's clock: its own answer.
	wantKind(t, b.client.ScheduleCampaign(ctx, tok, key, time.Date(2026, 3, 2, 9, 0, 0, 0, paris), paris), platform.KindPermanent, "1001")
	if err := b.client.ScheduleCampaign(ctx, tok, key, at, paris); err != nil {
		t.Fatal(err)
	}
	sched, err := b.client.RecentCampaigns(ctx, tok, "scheduled")
	if err != nil || len(sched) != 1 || sched[0].Key != key {
		t.Fatalf("scheduled %+v, %v", sched, err)
	}
	_, err = b.client.CampaignReport(ctx, tok, key)
	wantKind(t, err, platform.KindPermanent, "6002")
	b.clock.Add(3*time.Hour + 6*time.Minute) // 13:06 UTC
	if tok, err = b.client.Refresh(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	r, err := b.client.CampaignReport(ctx, tok, key)
	if err != nil || r.Sent == 0 {
		t.Fatalf("report after the scheduled time: %+v, %v", r, err)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	b := setup(t, "com")
	tok := b.connect(t)
	ctx := context.Background()
	count := func() error { _, err := b.client.CountRecords(ctx, tok, zoho.ModuleLeads); return err }
	lists := func() error { _, err := b.client.MailingLists(ctx, tok); return err }

	b.sb.InjectFault(sandbox.Fault{Platform: "zoho", Path: "/crm/v8/Leads", Kind: sandbox.FaultRateLimit, RetryAfter: 90 * time.Second, Times: 1})
	if pe := wantKind(t, count(), platform.KindRateLimit, "TOO_MANY_REQUESTS"); pe.RetryAfter != 90*time.Second {
		t.Errorf("retry after %s, want 90s", pe.RetryAfter)
	}
	b.sb.InjectFault(sandbox.Fault{Platform: "zoho", Path: "/crm/v8/", Kind: sandbox.FaultServerError, Times: 1})
	wantKind(t, count(), platform.KindTransient, "INTERNAL_ERROR")
	b.sb.InjectFault(sandbox.Fault{Platform: "zoho", Path: "/crm/v8/", Kind: sandbox.FaultTokenExpired, Times: 1})
	wantKind(t, count(), platform.KindAuth, "INVALID_TOKEN")

	b.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Kind: sandbox.FaultRateLimit, RetryAfter: 30 * time.Minute, Times: 1})
	if pe := wantKind(t, lists(), platform.KindRateLimit, ""); pe.RetryAfter != 30*time.Minute {
		t.Errorf("campaigns retry after %s", pe.RetryAfter)
	}
	b.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Kind: sandbox.FaultServerError, Times: 1})
	wantKind(t, lists(), platform.KindTransient, "")
	b.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Status: 200, Body: `{"status":"error","code":"1007","message":"Unauthorized key."}`, Times: 1})
	wantKind(t, lists(), platform.KindAuth, "1007")
	b.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Status: 200, Body: `{"status":"error","code":"2401","message":"no list"}`, Times: 1})
	if got, err := b.client.MailingLists(ctx, tok); err != nil || len(got) != 0 {
		t.Errorf("2401: %v, %v; want an empty result", got, err)
	}
	b.sb.InjectFault(sandbox.Fault{Host: "accounts.zoho.com", Path: "/oauth/v2/token", Status: 200, Times: 1,
		Body: `{"error":"Access Denied","error_description":"You have made too many requests continuously. Please try again after some time."}`})
	_, err := b.client.Refresh(ctx, tok.RefreshToken)
	wantKind(t, err, platform.KindRateLimit, "Access Denied")

	// Accepted, then the connection drops: the campaign exists all the same.
	b.sb.InjectFault(sandbox.Fault{Host: "campaigns.zoho.com", Path: "/api/v1.1/createCampaign", Mode: sandbox.ModeAcceptThenDrop, Times: 1})
	l, err := b.client.MailingLists(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.client.CreateEmailCampaign(ctx, tok, zoho.EmailCampaign{Name: "Dropped", FromEmail: "a@zylker.example", Subject: "s", ListKeys: []string{l[0].Key}})
	wantKind(t, err, platform.KindTransient, "")
	drafts, err := b.client.RecentCampaigns(ctx, tok, "drafts")
	if err != nil || len(drafts) != 1 || drafts[0].Name != "Dropped" {
		t.Fatalf("after a dropped answer: %+v, %v", drafts, err)
	}
	// Accepted, then a 500: the CRM record exists.
	b.sb.InjectFault(sandbox.Fault{Platform: "zoho", Method: "POST", Path: "/crm/v8/Campaigns", Mode: sandbox.ModeAcceptThenFail, Kind: sandbox.FaultServerError, Times: 1})
	_, err = b.client.CreateCRMCampaign(ctx, tok, zoho.CRMCampaign{Name: "Half done"})
	wantKind(t, err, platform.KindTransient, "INTERNAL_ERROR")
	if n, err := b.client.CountRecords(ctx, tok, zoho.ModuleCampaigns); err != nil || n != 4 {
		t.Fatalf("campaigns after accept-then-fail: %d, %v", n, err)
	}
}
