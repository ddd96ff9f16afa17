package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// TestDashboardEmailListNamesAndSendNow: the campaign page names its lists
// (not their keys) and sends a draft now through campaigns.SendEmail.
func TestDashboardEmailListNamesAndSendNow(t *testing.T) {
	svc := dashCampaigns(t)
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Campaigns = svc })
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	e, err := svc.CreateEmail(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor},
		campaigns.NewEmail{Name: "Now", Subject: "Hello", HTML: "<p>Hi</p>", ListKeys: []string{zohoNewsletter}})
	if err != nil {
		t.Fatal(err)
	}
	_, page := ed.do("GET", "/dashboard/email/"+e.ID, nil, nil)
	if !strings.Contains(page, `id="email-lists">Newsletter subscribers</dd>`) || strings.Contains(page, zohoNewsletter) || !strings.Contains(page, `id="email-send"`) {
		t.Fatalf("detail page lists:\n%s", page)
	}
	resp, _ := ed.do("POST", "/dashboard/email/"+e.ID+"/send", url.Values{"csrf": {ed.csrf()}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send now = %d", resp.StatusCode)
	}
	if _, page := ed.do("GET", "/dashboard/email/"+e.ID+"?done=sent", nil, nil); !strings.Contains(page, `id="email-status">sent<`) || strings.Contains(page, `id="email-send"`) {
		t.Fatalf("after Send now:\n%s", page)
	}
}

// TestDashboardEmailMarkdownPreview: the message is written in Markdown;
// Preview shows its rendered, sanitised HTML and creates nothing; Create
// stores that HTML.
func TestDashboardEmailMarkdownPreview(t *testing.T) {
	svc := dashCampaigns(t)
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Campaigns = svc })
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	form := url.Values{"csrf": {ed.csrf()}, "name": {"Dec"}, "subject": {"News"}, "list_keys": {zohoNewsletter},
		"markdown": {"# Big news\n\nWe **launch** Monday.\n\n<script>alert(1)</script>"}, "action": {"preview"}}
	resp, page := ed.do("POST", "/dashboard/email", form, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `<div class="mail"><h1>Big news</h1>`) || !strings.Contains(page, "<strong>launch</strong>") ||
		strings.Contains(page, "<script>alert") {
		t.Fatalf("preview = %d\n%s", resp.StatusCode, page)
	}
	c := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}
	if list, _ := svc.ListEmails(context.Background(), c, ""); len(list) != 0 {
		t.Fatalf("preview created %d campaigns", len(list))
	}
	form.Del("action")
	if resp, _ := ed.do("POST", "/dashboard/email", form, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create = %d", resp.StatusCode)
	}
	list, _ := svc.ListEmails(context.Background(), c, "")
	if len(list) != 1 {
		t.Fatalf("%d campaigns", len(list))
	}
	html, text, err := svc.EmailContent(context.Background(), list[0].ContentKey)
	if err != nil || !strings.Contains(html, "<h1>Big news</h1>") || strings.Contains(html, "<script") || !strings.Contains(text, "**launch**") {
		t.Errorf("stored content: %v\n%s\n%s", err, html, text)
	}
}

// TestDashboardEmailCancel: a scheduled campaign is cancelled from its page
// (its job cancelled, the campaign marked so); a draft cannot be.
func TestDashboardEmailCancel(t *testing.T) {
	svc, sch := dashCampaignsJobs(t)
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Campaigns = svc; d.Jobs = sch })
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	ctx, c := context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}
	e, err := svc.CreateEmail(ctx, c, campaigns.NewEmail{Name: "Later", Subject: "Hello", Text: "Hi", ListKeys: []string{zohoNewsletter}})
	if err != nil {
		t.Fatal(err)
	}
	csrf := ed.csrf()
	if resp, _ := ed.do("POST", "/dashboard/email/"+e.ID+"/cancel", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("cancel a draft = %d, want 409", resp.StatusCode)
	}
	if _, err := svc.ScheduleEmail(ctx, c, e.ID, time.Now().Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, page := ed.do("GET", "/dashboard/email/"+e.ID, nil, nil); !strings.Contains(page, `id="email-cancel"`) {
		t.Fatal("a scheduled campaign offers no cancel")
	}
	if resp, body := ed.do("POST", "/dashboard/email/"+e.ID+"/cancel", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d %s", resp.StatusCode, body)
	}
	if got, err := svc.GetEmail(ctx, c, e.ID); err != nil || got.Status != campaigns.EmailCancelled {
		t.Fatalf("after cancel: %s, %v", got.Status, err)
	}
}
