package httpapi

import (
	"context"
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

var newTokenValue = regexp.MustCompile(`id="new-token-value" type="text" readonly value="(mm_[0-9A-Za-z]{40})"`)

func TestDashboardSettingsAndTokens(t *testing.T) {
	db := storetest.Open(t, store.SQLite, audit.Schema, settings.Schema)
	set, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Settings = set; d.Tokens = d.Identity.(*identity.Service) })
	admin := f.browser(t)
	admin.signIn("T1", "U-a", identity.Admin)
	csrf := admin.csrf()

	// Bad settings: each problem next to its field, nothing saved.
	resp, page := admin.do("POST", "/dashboard/settings", url.Values{"csrf": {csrf}, "approval_policy": {"always"},
		"time_zone": {"Mars/Olympus"}, "default_role": {"editor"}, "notification_channel": {"#general"}, "conversation_retention_days": {"forever"}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="err-time_zone"`) || !strings.Contains(page, "Mars/Olympus") ||
		!strings.Contains(page, `id="err-conversation_retention_days"`) {
		t.Fatalf("invalid settings = %d\n%s", resp.StatusCode, page)
	}
	t1 := identity.Caller{WorkspaceID: "T1", UserID: "U-a", Role: identity.Admin}
	if st, _ := set.Get(context.Background(), t1); st.ApprovalPolicy != settings.PolicyAgent || st.TimeZone != "UTC" {
		t.Fatalf("a refused form changed the settings: %+v", st)
	}
	resp, _ = admin.do("POST", "/dashboard/settings", url.Values{"csrf": {csrf}, "approval_policy": {"always"},
		"time_zone": {"Europe/Berlin"}, "default_role": {"viewer"}, "notification_channel": {"C0999ZZZZ"}, "conversation_retention_days": {"30"}}, nil)
	if st, _ := set.Get(context.Background(), t1); resp.StatusCode != http.StatusSeeOther || st.ApprovalPolicy != settings.PolicyAlways ||
		st.TimeZone != "Europe/Berlin" || st.NotificationChannel != "C0999ZZZZ" || st.DefaultRole != identity.Viewer || st.ConversationRetentionDays != 30 {
		t.Fatalf("save = %d, settings %+v", resp.StatusCode, st)
	}
	// The weekly digest (the form above left its box unticked: off): its
	// own channel and on, then off again.
	if _, page := admin.do("GET", "/dashboard/settings", nil, nil); !strings.Contains(page, `id="s-digest" name="weekly_digest" type="checkbox">`) {
		t.Error("the settings page does not show the weekly digest's switch, off")
	}
	resp, _ = admin.do("POST", "/dashboard/settings", url.Values{"csrf": {csrf}, "approval_policy": {"always"}, "time_zone": {"Europe/Berlin"},
		"default_role": {"viewer"}, "notification_channel": {"C0999ZZZZ"}, "digest_channel": {"C0DIGEST1"}, "weekly_digest": {"on"}}, nil)
	if st, _ := set.Get(context.Background(), t1); resp.StatusCode != http.StatusSeeOther || st.DigestTo() != "C0DIGEST1" {
		t.Fatalf("digest channel save = %d, settings %+v", resp.StatusCode, st)
	}
	resp, _ = admin.do("POST", "/dashboard/settings", url.Values{"csrf": {csrf}, "approval_policy": {"always"}, "time_zone": {"Europe/Berlin"},
		"default_role": {"viewer"}, "notification_channel": {"C0999ZZZZ"}, "digest_channel": {"C0DIGEST1"}}, nil)
	if st, _ := set.Get(context.Background(), t1); resp.StatusCode != http.StatusSeeOther || st.WeeklyDigest || st.DigestChannel != "C0DIGEST1" {
		t.Fatalf("digest switched off = %d, settings %+v", resp.StatusCode, st)
	}
	// The inbox channel: saved from the form, a name refused next to its field.
	resp, _ = admin.do("POST", "/dashboard/settings", url.Values{"csrf": {csrf}, "approval_policy": {"always"}, "time_zone": {"Europe/Berlin"},
		"default_role": {"viewer"}, "notification_channel": {"C0999ZZZZ"}, "inbox_channel": {"C0INBOX01"}}, nil)
	if st, _ := set.Get(context.Background(), t1); resp.StatusCode != http.StatusSeeOther || st.InboxChannel != "C0INBOX01" {
		t.Fatalf("inbox channel save = %d, settings %+v", resp.StatusCode, st)
	}
	if _, page := admin.do("GET", "/dashboard/settings", nil, nil); !strings.Contains(page, `name="inbox_channel" type="text" value="C0INBOX01"`) {
		t.Error("the settings page does not show the inbox channel")
	}
	resp, page = admin.do("POST", "/dashboard/settings", url.Values{"csrf": {csrf}, "approval_policy": {"always"}, "time_zone": {"Europe/Berlin"},
		"default_role": {"viewer"}, "notification_channel": {"C0999ZZZZ"}, "inbox_channel": {"#social"}}, nil)
	if i := strings.Index(page, `id="err-inbox_channel"`); resp.StatusCode != http.StatusUnprocessableEntity || i < 0 {
		t.Errorf("inbox channel name = %d, want 422 with the problem next to the field", resp.StatusCode)
	}
	editor := f.browser(t)
	editor.signIn("T1", "U-e", identity.Editor)
	et := editor.csrf()
	if _, page := editor.do("GET", "/dashboard/settings", nil, nil); !strings.Contains(page, "every publication waits") || strings.Contains(page, `id="settings-form"`) || strings.Contains(page, "API tokens") {
		t.Error("an editor is offered the settings form or the tokens, or not shown the settings")
	}
	for _, path := range []string{"/dashboard/settings", "/dashboard/settings/tokens"} {
		if resp, _ := editor.do("POST", path, url.Values{"csrf": {et}, "time_zone": {"UTC"}, "name": {"x"}, "role": {"viewer"}}, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("editor POST %s = %d, want 403", path, resp.StatusCode)
		}
	}

	// Tokens: a bad request said next to the form, a good one shown once.
	for _, tc := range []struct{ name, role, want string }{{"  ", "viewer", "name the token"}, {"x", "owner", "owner"}} {
		resp, page := admin.do("POST", "/dashboard/settings/tokens", url.Values{"csrf": {csrf}, "name": {tc.name}, "role": {tc.role}}, nil)
		if i := strings.Index(page, `id="err-token"`); resp.StatusCode != http.StatusUnprocessableEntity || i < 0 || !strings.Contains(page[i:], tc.want) {
			t.Errorf("token %q %q = %d, want %q next to the form", tc.name, tc.role, resp.StatusCode, tc.want)
		}
	}
	if resp, _ := admin.do("POST", "/dashboard/settings/tokens", url.Values{"name": {"no csrf"}, "role": {"viewer"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("token without CSRF = %d", resp.StatusCode)
	}
	resp, page = admin.do("POST", "/dashboard/settings/tokens", url.Values{"csrf": {csrf}, "name": {"reporting"}, "role": {"viewer"}}, nil)
	m := newTokenValue.FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create token = %d (Cache-Control %q)\n%s", resp.StatusCode, resp.Header.Get("Cache-Control"), page)
	}
	secret := m[1]
	c, err := f.ids.Authenticate(context.Background(), secret)
	if err != nil || c.Role != identity.Viewer || c.WorkspaceID != "T1" {
		t.Fatalf("the shown token authenticates as %+v, %v", c, err)
	}
	_, page = admin.do("GET", "/dashboard/settings", nil, nil)
	if strings.Contains(page, secret) || !strings.Contains(page, secret[:7]+"…") {
		t.Fatal("the secret is shown again, or the token is not listed by its prefix")
	}
	list, _ := f.ids.WorkspaceTokens(context.Background(), t1)
	var id string
	for _, tk := range list {
		if tk.Name == "reporting" {
			id = tk.ID
		}
	}
	stranger := f.browser(t)
	stranger.signIn("T2", "U-s", identity.Admin)
	if resp, _ := stranger.do("POST", "/dashboard/settings/tokens/"+id+"/revoke", url.Values{"csrf": {stranger.csrf()}}, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another workspace's revoke = %d, want 404", resp.StatusCode)
	}
	if _, page := stranger.do("GET", "/dashboard/settings", nil, nil); strings.Contains(page, "reporting") || strings.Contains(page, "C0999ZZZZ") || !strings.Contains(page, `value="UTC"`) {
		t.Fatalf("another workspace sees T1's tokens or settings:\n%s", page)
	}
	if resp, _ := admin.do("POST", "/dashboard/settings/tokens/"+id+"/revoke", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke = %d", resp.StatusCode)
	}
	if _, err := f.ids.Authenticate(context.Background(), secret); err == nil {
		t.Fatal("a revoked token still works")
	}
}
