package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// TestDashboardDefaultAccounts: the settings page offers a default account
// for X, where T1 has two accounts, named; an editor saves one (the
// resolver then uses it), a name from elsewhere is refused beside the
// field, "Ask each time" clears it; a viewer sees it read-only.
func TestDashboardDefaultAccounts(t *testing.T) {
	db := storetest.Open(t, store.SQLite, audit.Schema, settings.Schema)
	set, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	res := publish.NewResolver(twoXAccounts{}, set, nil)
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Settings, d.Defaults = set, res })
	editor := f.browser(t)
	editor.signIn("T1", "U-e", identity.Editor)
	csrf := editor.csrf()
	_, page := editor.do("GET", "/dashboard/settings", nil, nil)
	for _, want := range []string{`id="default-twitter"`, "Ask each time", "Acme (X)", "Acme Jobs (X)"} {
		if !strings.Contains(page, want) {
			t.Fatalf("settings page lacks %q:\n%s", want, page)
		}
	}
	resp, _ := editor.do("POST", "/dashboard/settings/defaults", url.Values{"csrf": {csrf}, "platform": {"x"}, "account": {"x2"}}, nil)
	e := identity.Caller{WorkspaceID: "T1", UserID: "U-e", Role: identity.Editor}
	if got, err := res.Resolve(context.Background(), e, publish.Where{Platforms: []string{"x"}}); resp.StatusCode != http.StatusSeeOther || err != nil ||
		len(got) != 1 || got[0].AccountID != "x2" {
		t.Fatalf("save = %d; resolve = %+v, %v", resp.StatusCode, got, err)
	}
	if _, page = editor.do("GET", "/dashboard/settings", nil, nil); !strings.Contains(page, `<option value="x2" selected>Acme Jobs (X)</option>`) {
		t.Fatalf("the saved default is not selected:\n%s", page)
	}
	resp, page = editor.do("POST", "/dashboard/settings/defaults", url.Values{"csrf": {csrf}, "platform": {"x"}, "account": {"li-9"}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-default_twitter"`) {
		t.Fatalf("a foreign account = %d\n%s", resp.StatusCode, page)
	}
	resp, _ = editor.do("POST", "/dashboard/settings/defaults", url.Values{"csrf": {csrf}, "platform": {"x"}, "account": {""}}, nil)
	if _, err := res.Resolve(context.Background(), e, publish.Where{Platforms: []string{"x"}}); resp.StatusCode != http.StatusSeeOther || err == nil {
		t.Fatalf("clear = %d; resolve %v, want a question", resp.StatusCode, err)
	}
	if def, _ := set.DefaultAccount(context.Background(), "T1", platform.Twitter); def != "" {
		t.Fatalf("default after clear = %q", def)
	}
	viewer := f.browser(t)
	viewer.signIn("T1", "U-v", identity.Viewer)
	vt := viewer.csrf()
	if _, page := viewer.do("GET", "/dashboard/settings", nil, nil); !strings.Contains(page, `id="d-twitter" name="account" disabled`) {
		t.Fatalf("a viewer can change the default:\n%s", page)
	}
	if resp, _ := viewer.do("POST", "/dashboard/settings/defaults", url.Values{"csrf": {vt}, "platform": {"x"}, "account": {"x1"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer POST = %d, want 403", resp.StatusCode)
	}
}
