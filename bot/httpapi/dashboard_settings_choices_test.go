package httpapi

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// TestDashboardSettingsChoices: the settings form offers only what
// tools/settings accepts: no admin role for new Slack users, and the time
// zone from a list of IANA names each of which saves.
func TestDashboardSettingsChoices(t *testing.T) {
	db := storetest.Open(t, store.SQLite, audit.Schema, settings.Schema)
	set, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Settings = set; d.Tokens = d.Identity.(*identity.Service) })
	admin := f.browser(t)
	admin.signIn("T1", "U-a", identity.Admin)
	_, page := admin.do("GET", "/dashboard/settings", nil, nil)
	sel := regexp.MustCompile(`(?s)<select id="s-role".*?</select>`).FindString(page)
	if sel == "" || strings.Contains(sel, "admin") || !strings.Contains(sel, "editor") || !strings.Contains(sel, "viewer") {
		t.Errorf("new users' role choices: %q", sel)
	}
	if !strings.Contains(page, `list="tz-list"`) || !strings.Contains(page, `<option value="Europe/Berlin">`) || !strings.Contains(page, `<option value="UTC">`) {
		t.Error("the time zone has no list of IANA names")
	}
	csrf := admin.csrf()
	for _, role := range regexp.MustCompile(`<option(?: selected)?>(\w+)</option>`).FindAllStringSubmatch(sel, -1) {
		resp, body := admin.do("POST", "/dashboard/settings", url.Values{"csrf": {csrf}, "approval_policy": {"always"},
			"time_zone": {"America/Argentina/Buenos_Aires"}, "default_role": {role[1]}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the offered role %s is refused: %d\n%s", role[1], resp.StatusCode, body)
		}
	}
}
