package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// SyncNow answers T1 with one failed account; it records the callers.
func (a *dashAnalytics) SyncNow(ctx context.Context, c identity.Caller, accountID string) (analytics.Report, error) {
	a.mu.Lock()
	a.synced = append(a.synced, c.WorkspaceID+"/"+c.UserID+"/"+string(c.Door))
	a.mu.Unlock()
	rep := analytics.Report{PostsSynced: 2, AccountsSynced: 1}
	if c.WorkspaceID == "T1" {
		rep.Errors = []analytics.Failure{{WorkspaceID: "T1", Platform: platform.LinkedIn, Error: "token revoked"}}
	}
	return rep, nil
}

// TestDashboardSyncNow: the empty overview and the analytics page offer
// Sync now to editors only; it runs analytics.SyncNow as the caller (CSRF
// required) and shows the result on the page it came from.
func TestDashboardSyncNow(t *testing.T) {
	an := &dashAnalytics{}
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Analytics = an })
	viewer := f.browser(t)
	viewer.signIn("T2", "U-v", identity.Viewer)
	if _, page := viewer.do("GET", "/dashboard", nil, nil); strings.Contains(page, "sync-now") {
		t.Error("a viewer is offered Sync now")
	}
	ed := f.browser(t)
	ed.signIn("T2", "U-e", identity.Editor)
	for _, path := range []string{"/dashboard", "/dashboard/analytics"} {
		if _, page := ed.do("GET", path, nil, nil); !strings.Contains(page, `id="sync-now"`) || !strings.Contains(page, `hx-post="/dashboard/analytics/sync"`) {
			t.Errorf("%s offers no Sync now to an editor with no figures", path)
		}
	}
	if resp, _ := ed.do("POST", "/dashboard/analytics/sync", url.Values{"back": {"overview"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sync without CSRF = %d", resp.StatusCode)
	}
	resp, page := ed.do("POST", "/dashboard/analytics/sync", url.Values{"csrf": {ed.csrf()}, "back": {"overview"}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `role="status">Sync finished: 2 posts on 1 account.</p>`) || !strings.Contains(page, `id="up-h"`) {
		t.Fatalf("sync from the overview = %d\n%s", resp.StatusCode, page)
	}
	if _, page := viewer.do("POST", "/dashboard/analytics/sync", url.Values{"csrf": {viewer.csrf()}}, nil); !strings.Contains(page, "cannot do this") {
		t.Error("a viewer could sync")
	}

	t1 := f.browser(t)
	t1.signIn("T1", "U-1", identity.Editor)
	if _, page := t1.do("GET", "/dashboard", nil, nil); strings.Contains(page, "sync-now") {
		t.Error("the overview with figures still offers Sync now")
	}
	_, page = t1.do("POST", "/dashboard/analytics/sync", url.Values{"csrf": {t1.csrf()}, "back": {"analytics"}}, nil)
	if !strings.Contains(page, "1 item could not be read: LinkedIn: token revoked.") || !strings.Contains(page, `id="tot-h"`) {
		t.Errorf("a sync with failures does not say so on the analytics page:\n%s", page)
	}
	an.mu.Lock()
	defer an.mu.Unlock()
	if strings.Join(an.synced, ",") != "T2/U-e/dashboard,T1/U-1/dashboard" {
		t.Errorf("synced as %v", an.synced)
	}
}
