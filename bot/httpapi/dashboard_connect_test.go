package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// connectRecorder records where each connect asked to return.
type connectRecorder struct {
	twoXAccounts
	mu    sync.Mutex
	pages []string
}

func (c *connectRecorder) Connect(ctx context.Context, cl identity.Caller, p platform.Name, ret accounts.ReturnTo) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pages = append(c.pages, ret.Page)
	return "http://127.0.0.1/consent", nil
}

// TestDashboardConnectReturnsToItsPage: a connect button's callback
// returns to the dashboard page it was on; anything else to the accounts
// page. The callback page says where it continues.
func TestDashboardConnectReturnsToItsPage(t *testing.T) {
	rec := &connectRecorder{}
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Accounts = rec })
	b := f.browser(t)
	b.signIn("T1", "U-e", identity.Editor)
	csrf := b.csrf()
	for _, back := range []string{"/dashboard/email", "/dashboard/crm", "/dashboard", "https://evil.example/", ""} {
		resp, body := b.do("POST", "/dashboard/connect/zoho", url.Values{"csrf": {csrf}, "back": {back}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("connect (back %q) = %d %s", back, resp.StatusCode, body)
		}
	}
	want := []string{"/dashboard/email", "/dashboard/crm", "/dashboard", "/dashboard/accounts", "/dashboard/accounts"}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.pages) != len(want) {
		t.Fatalf("returns %v", rec.pages)
	}
	for i := range want {
		if rec.pages[i] != want[i] {
			t.Errorf("connect %d returns to %q, want %q", i, rec.pages[i], want[i])
		}
	}
	for in, words := range map[string]string{"/dashboard/email?connected=zoho": "e-mail campaigns", "/dashboard/settings?connected=x": "your settings", "/elsewhere": "Marketing Minds"} {
		if got := pageWords(in); got != words {
			t.Errorf("pageWords(%q) = %q, want %q", in, got, words)
		}
	}
}
