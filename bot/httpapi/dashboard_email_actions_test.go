package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
