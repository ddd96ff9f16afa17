package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/audit"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// peopleSetup is the dashboard over a workspace named Acme where U-ana is
// Ana and U-e has no name known.
func peopleSetup(t *testing.T) *dashFixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema)
	f := dashSetupOn(t, db, "http://127.0.0.1", nil)
	if _, err := identity.NewStore(db).EnsureWorkspace(ctx, identity.Workspace{ID: "T1", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []identity.User{
		{WorkspaceID: "T1", ID: "U-ana", DisplayName: "Ana", Role: identity.Editor},
		{WorkspaceID: "T1", ID: "U-e", Role: identity.Editor},
	} {
		if _, err := f.ids.EnsureUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestDashboardHeaderNamesThePerson(t *testing.T) {
	f := peopleSetup(t)
	ana := f.browser(t)
	ana.signIn("T1", "U-ana", identity.Editor)
	_, page := ana.do("GET", "/dashboard/posts", nil, nil)
	if !strings.Contains(page, `<span id="who"><strong>Ana</strong> (editor) · Acme</span>`) {
		t.Errorf("header does not name Ana, her role and the workspace:\n%s", page)
	}
	nameless := f.browser(t)
	nameless.signIn("T1", "U-e", identity.Editor)
	_, page = nameless.do("GET", "/dashboard/posts", nil, nil)
	if !strings.Contains(page, `<span id="who">Signed in as an editor · Acme</span>`) {
		t.Errorf("header of someone without a name:\n%s", page)
	}
	for _, raw := range []string{"U-ana", "U-e", "T1"} {
		if strings.Contains(page, raw) {
			t.Errorf("the page shows the raw id %s", raw)
		}
	}
}

func TestDashboardPostPageReadsLikeAColleague(t *testing.T) {
	f := peopleSetup(t)
	out, err := f.posts.PublishNow(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U-ana", Role: identity.Editor, Door: identity.DoorSlack},
		publish.Request{AccountIDs: []string{"x1"}, Content: publish.Content{Text: "Launch day"}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/dashboard/posts/" + out.PostID
	colleague := f.browser(t)
	colleague.signIn("T1", "U-e", identity.Editor)
	_, page := colleague.do("GET", path, nil, nil)
	for _, want := range []string{
		`<p class="muted" id="post-byline">By Ana from Slack, created`,
		`(1 attempt)`,
		`">View on X</a>`,
		`href="https://x.com/i/status/`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("post page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "U-ana") || strings.Contains(page, "attempts)") || strings.Contains(page, ">https://x.com") {
		t.Errorf("post page shows a raw id, a wrong plural or a bare URL:\n%s", page)
	}
	ana := f.browser(t)
	ana.signIn("T1", "U-ana", identity.Editor)
	if _, page := ana.do("GET", path, nil, nil); !strings.Contains(page, "By you from Slack, created") {
		t.Errorf("the author's own post page:\n%s", page)
	}
	if _, page := colleague.do("GET", "/dashboard/posts", nil, nil); !strings.Contains(page, "<td>Launch day</td>\n<td>Ana</td>") || strings.Contains(page, "U-ana") {
		t.Errorf("the posts list does not say Ana made it:\n%s", page)
	}
}

// TestDashboardChatApprovalNote: the web chat tells the person who
// decided that they did ("you"), and a refusal names nobody by id.
func TestDashboardChatApprovalNote(t *testing.T) {
	o, runs := chatAgent(t)
	f := dashSetup(t, "http://127.0.0.1", withChat(t, o))
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	csrf := ed.csrf()
	htmx := map[string]string{"HX-Request": "true"}
	approveFirst := func() string {
		t.Helper()
		m := approveAction.FindStringSubmatch(ed.turn(ed.send(csrf, `post "Hello from the web" to x`)))
		if m == nil {
			t.Fatal("no approval in the turn")
		}
		return m[1]
	}

	id := approveFirst()
	other := f.browser(t)
	other.signIn("T1", "U-e2", identity.Editor)
	resp, page := other.do("POST", "/dashboard/chat/approvals/"+id+"/approve", url.Values{"csrf": {other.csrf()}}, htmx)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "only the person who asked or an admin") || strings.Contains(page, "U-e") {
		t.Errorf("another editor's approve = %d\n%s", resp.StatusCode, page)
	}
	resp, frag := ed.do("POST", "/dashboard/chat/approvals/"+id+"/approve", url.Values{"csrf": {csrf}}, htmx)
	if resp.StatusCode != 200 || !strings.Contains(frag, "Approved by you and done: ") || strings.Contains(frag, "U-e") || runs.Load() != 1 {
		t.Errorf("approve = %d, %d runs\n%s", resp.StatusCode, runs.Load(), frag)
	}
	id = approveFirst()
	resp, frag = ed.do("POST", "/dashboard/chat/approvals/"+id+"/reject", url.Values{"csrf": {csrf}, "reason": {"not today"}}, htmx)
	if resp.StatusCode != 200 || !strings.Contains(frag, "Rejected by you: ") || !strings.Contains(frag, "(reason: not today)") || strings.Contains(frag, "U-e") {
		t.Errorf("reject = %d\n%s", resp.StatusCode, frag)
	}
	// Reloaded, the conversation reads the decisions the same way.
	resp, page = ed.do("GET", "/dashboard/chat", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Approved by you and done: ") || !strings.Contains(page, "Rejected by you: ") || strings.Contains(page, "U-e") {
		t.Errorf("the chat page reloaded = %d\n%s", resp.StatusCode, page)
	}
}

// TestDashboardSettingsNamePeople: who last changed the settings and whose
// each API token is read as names.
func TestDashboardSettingsNamePeople(t *testing.T) {
	db := storetest.Open(t, store.SQLite, identity.Schema, identity.SessionSchema, publish.Schema, audit.Schema, settings.Schema)
	set, err := settings.New(settings.Config{Store: settings.NewStore(db), Audit: audit.New(db, nil), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	f := dashSetupOn(t, db, "http://127.0.0.1", nil, func(d *Deps) { d.Settings = set; d.Tokens = d.Identity.(*identity.Service) })
	ctx := context.Background()
	if _, err := f.ids.EnsureUser(ctx, identity.User{WorkspaceID: "T1", ID: "U-ana", DisplayName: "Ana", Role: identity.Admin}); err != nil {
		t.Fatal(err)
	}
	ana := identity.Caller{WorkspaceID: "T1", UserID: "U-ana", Role: identity.Admin}
	berlin := "Europe/Berlin"
	if _, err := set.Update(ctx, ana, settings.Patch{TimeZone: &berlin}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ids.CreateToken(ctx, "T1", "U-ana", identity.Editor, "ci"); err != nil {
		t.Fatal(err)
	}
	admin := f.browser(t)
	admin.signIn("T1", "U-b", identity.Admin)
	_, page := admin.do("GET", "/dashboard/settings", nil, nil)
	if !strings.Contains(page, " by Ana.</p>") || !strings.Contains(page, "<td>Ana</td><td>editor</td>") || strings.Contains(page, "U-ana") {
		t.Errorf("the settings page does not name Ana:\n%s", page)
	}
}

func TestPeopleWords(t *testing.T) {
	t.Parallel()
	p := people{reader: "U1", known: map[string]string{"U1": "Ana", "U2": "Bo"}}
	for _, tc := range []struct{ got, want string }{
		{p.Of("U1"), "you"},
		{p.Subject("U1"), "You"},
		{p.Of("U2"), "Bo"},
		{p.Subject("U2"), "Bo"},
		{p.Of("U3"), "a teammate"},
		{p.Subject("U3"), "A teammate"},
		{p.Of(""), ""},
		{p.Me(), "Ana"},
		{p.Byline("U2", identity.DoorDashboard), "By Bo from the dashboard"},
		{p.Byline("U1", identity.DoorAgent), "By you with the assistant"},
		{p.Byline("U3", identity.DoorSlash), "By a teammate with /mm in Slack"},
		{p.Byline("", identity.DoorSystem), "Made by a recurring job"},
		{roleWords(identity.Admin), "an admin"},
		{roleWords(identity.Viewer), "a viewer"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
