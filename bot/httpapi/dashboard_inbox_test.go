package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// dashEngagement is a platform's engagement API as tools/inbox calls it
// (the sandbox path is cmd/marketingminds' test).
type dashEngagement struct {
	mu      sync.Mutex
	replies []string
}

func (e *dashEngagement) ReplyToComment(_ context.Context, _ platform.Target, ref platform.CommentRef, text string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.replies = append(e.replies, ref.ExternalID+": "+text)
	return fmt.Sprintf("r%d", len(e.replies)), nil
}

func (e *dashEngagement) LikeComment(context.Context, platform.Target, platform.CommentRef) error {
	return nil
}
func (e *dashEngagement) HideComment(context.Context, platform.Target, platform.CommentRef) error {
	return nil
}

func (e *dashEngagement) sent() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.replies...)
}

// replyOnlyPlatform takes replies, not likes or hides (LinkedIn here).
type replyOnlyPlatform struct{ e *dashEngagement }

func (r replyOnlyPlatform) ReplyToComment(ctx context.Context, t platform.Target, ref platform.CommentRef, text string) (string, error) {
	return r.e.ReplyToComment(ctx, t, ref, text)
}

type dashInboxAccounts struct{}

func (dashInboxAccounts) Get(_ context.Context, _ identity.Caller, id string) (accounts.Account, error) {
	return accounts.Account{ID: id, ExternalID: "ext-" + id}, nil
}

func (dashInboxAccounts) ValidToken(context.Context, identity.Caller, string) (platform.Target, error) {
	return platform.Target{ExternalID: "ext", AccessToken: "token"}, nil
}

type dashDrafter struct{}

func (dashDrafter) DraftReply(_ context.Context, _ identity.Caller, it inbox.Item) (string, error) {
	return "Thanks " + it.AuthorName + ", it ships Monday!", nil
}

// inboxFixture is the dashboard over a real inbox on SQLite: T1 has a
// Facebook comment from three days ago and a LinkedIn one from now; T2 one.
func inboxFixture(t *testing.T) (*dashFixture, *inbox.Service, *dashEngagement, map[string]string) {
	t.Helper()
	db := storetest.Open(t, store.SQLite, inbox.Schema)
	clock := time.Now().Add(-72 * time.Hour)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	plat := &dashEngagement{}
	svc := inbox.New(inbox.Config{Store: inbox.NewStore(db), Accounts: dashInboxAccounts{}, Log: zerolog.Nop(), Now: now,
		Adapters: map[platform.Name]any{platform.Facebook: plat, platform.LinkedIn: replyOnlyPlatform{plat}}})
	ctx := context.Background()
	ids := map[string]string{}
	ingest := func(ws string, it inbox.Item) {
		got, err := svc.Ingest(ctx, ws, []inbox.Item{it})
		if err != nil || len(got) != 1 {
			t.Fatalf("ingest = %v, %v", got, err)
		}
		ids[ws+"/"+it.ExternalID] = got[0].ID
	}
	ingest("T1", inbox.Item{AccountID: "x1", Platform: platform.Facebook, ExternalID: "fb1", PostText: "Spring launch", AuthorName: "Ann", AuthorHandle: "ann",
		Text: "When does it <b>ship</b>?", Permalink: "https://facebook.example/c/fb1", CreatedAt: clock})
	mu.Lock()
	clock = time.Now()
	mu.Unlock()
	ingest("T1", inbox.Item{AccountID: "x2", Platform: platform.LinkedIn, ExternalID: "li1", PostText: "We are hiring", AuthorName: "Cy", Text: "Congrats!", CreatedAt: clock.Add(-2 * time.Hour)})
	ingest("T2", inbox.Item{AccountID: "y1", Platform: platform.Facebook, ExternalID: "t2", AuthorName: "Eve", Text: "T2's secret"})
	f := dashSetup(t, "https://mm.example.com", func(d *Deps) { d.Inbox, d.Drafter = svc, dashDrafter{} })
	return f, svc, plat, ids
}

// TestDashboardInbox: the inbox page lists the workspace's items with
// filters, humane times and the conversation; editors answer, draft, like,
// hide and close through forms with CSRF; viewers only read; another
// workspace's item is a 404; the overview counts the unanswered.
func TestDashboardInbox(t *testing.T) {
	t.Parallel()
	f, svc, plat, ids := inboxFixture(t)
	fb, li := ids["T1/fb1"], ids["T1/li1"]

	viewer := f.browser(t)
	viewer.signIn("T1", "U-view", identity.Viewer)
	resp, page := viewer.do("GET", "/dashboard/inbox", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "item-"+fb) || !strings.Contains(page, "item-"+li) || strings.Contains(page, "T2&#39;s secret") ||
		!strings.Contains(page, "When does it &lt;b&gt;ship&lt;/b&gt;?") || !strings.Contains(page, "3 days ago") || !strings.Contains(page, "2 h ago") ||
		!strings.Contains(page, "Acme Jobs") || !strings.Contains(page, "On your post: <em>Spring launch</em>") {
		t.Fatalf("inbox page = %d\n%s", resp.StatusCode, page)
	}
	if strings.Contains(page, `/reply"`) || strings.Contains(page, "Draft a reply") {
		t.Error("a viewer is offered the actions")
	}
	for q, want := range map[string][]string{
		"platform=linkedin": {li},
		"state=new&from=" + time.Now().AddDate(0, 0, -1).Format("2006-01-02"): {li},
		"to=" + time.Now().AddDate(0, 0, -2).Format("2006-01-02"):             {fb},
		"account=x1": {fb},
	} {
		_, page := viewer.do("GET", "/dashboard/inbox?"+q, nil, nil)
		for _, id := range []string{fb, li} {
			if strings.Contains(page, "item-"+id) != (id == want[0]) {
				t.Errorf("?%s: item %s shown = %v", q, id, !(id == want[0]))
			}
		}
	}
	if _, page := viewer.do("GET", "/dashboard/inbox?from=yesterday", nil, nil); !strings.Contains(page, `id="err-from"`) {
		t.Error("a bad date is not told next to its field")
	}
	if _, page := viewer.do("GET", "/dashboard", nil, nil); !strings.Contains(page, `<a href="/dashboard/inbox?state=new"><strong>2</strong> comments and mentions are waiting`) {
		t.Errorf("the overview does not count the unanswered:\n%s", page)
	}
	if resp, _ := viewer.do("POST", "/dashboard/inbox/"+fb+"/done", url.Values{"csrf": {viewer.csrf()}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer's Done = %d, want 403", resp.StatusCode)
	}

	ed := f.browser(t)
	ed.signIn("T1", "U-ed", identity.Editor)
	csrf := ed.csrf()
	back := "platform=facebook"
	if resp, _ := ed.do("POST", "/dashboard/inbox/"+fb+"/reply", url.Values{"text": {"Monday!"}, "back": {back}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reply without CSRF = %d", resp.StatusCode)
	}
	resp, page = ed.do("POST", "/dashboard/inbox/"+fb+"/draft", url.Values{"csrf": {csrf}, "back": {back}}, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, ">Thanks Ann, it ships Monday!</textarea>") || strings.Contains(page, "item-"+li) {
		t.Fatalf("draft = %d\n%s", resp.StatusCode, page)
	}
	for range 2 {
		resp, _ = ed.do("POST", "/dashboard/inbox/"+fb+"/reply", url.Values{"csrf": {csrf}, "back": {back}, "text": {"Thanks Ann, it ships Monday!"}}, nil)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/inbox?did=reply&platform=facebook#item-") {
			t.Fatalf("reply = %d to %q", resp.StatusCode, loc)
		}
	}
	if sent := plat.sent(); len(sent) != 1 || sent[0] != "fb1: Thanks Ann, it ships Monday!" {
		t.Fatalf("replies sent = %q; want one", sent)
	}
	_, page = ed.do("GET", "/dashboard/inbox?did=reply&platform=facebook", nil, nil)
	if !strings.Contains(page, "Reply sent.") || !strings.Contains(page, "You, ") || strings.Contains(page, "U-ed") || !strings.Contains(page, "</span> Thanks Ann, it ships Monday!</li>") {
		t.Errorf("the conversation after the reply:\n%s", page)
	}
	if resp, page := ed.do("POST", "/dashboard/inbox/"+li+"/hide", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "does not let apps hide") {
		t.Errorf("hiding on LinkedIn = %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := ed.do("POST", "/dashboard/inbox/"+li+"/done", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("done = %d", resp.StatusCode)
	}
	if n, err := svc.Unanswered(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U-ed", Role: identity.Editor}); err != nil || n != 0 {
		t.Errorf("unanswered after the reply and done = %d, %v", n, err)
	}
	for _, action := range []string{"reply", "draft", "done", "hide"} {
		if resp, _ := ed.do("POST", "/dashboard/inbox/"+ids["T2/t2"]+"/"+action, url.Values{"csrf": {csrf}, "text": {"hi"}}, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s on another workspace's item = %d, want 404", action, resp.StatusCode)
		}
	}
}

// TestDashboardResponseTimes: the analytics page shows how fast comments
// got a first answer, per week and platform, in words.
func TestDashboardResponseTimes(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, inbox.Schema)
	arrived := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) // a Monday
	var mu sync.Mutex
	clock := arrived
	svc := inbox.New(inbox.Config{Store: inbox.NewStore(db), Accounts: dashInboxAccounts{}, Log: zerolog.Nop(),
		Now:      func() time.Time { mu.Lock(); defer mu.Unlock(); return clock },
		Adapters: map[platform.Name]any{platform.Facebook: &dashEngagement{}}})
	ctx := context.Background()
	got, err := svc.Ingest(ctx, "T1", []inbox.Item{{AccountID: "x1", Platform: platform.Facebook, ExternalID: "fb1", Text: "Hi"}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clock = arrived.Add(2*time.Hour + 10*time.Minute)
	mu.Unlock()
	if _, err := svc.Reply(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U-ed", Role: identity.Editor}, got[0].ID, "Hello!"); err != nil {
		t.Fatal(err)
	}
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Analytics, d.Inbox = &dashAnalytics{}, svc })
	b := f.browser(t)
	b.signIn("T1", "U-v", identity.Viewer)
	_, page := b.do("GET", "/dashboard/analytics?from=2026-11-29&to=2026-11-30", nil, nil)
	if !strings.Contains(page, `<td>Mon 30 Nov 2026</td><th scope="row">Facebook</th><td>2 h 10 min</td><td>2 h 10 min</td><td>1</td>`) {
		t.Errorf("the analytics page lacks the response time:\n%s", page)
	}
	b2 := f.browser(t)
	b2.signIn("T2", "U-v", identity.Viewer)
	if _, page := b2.do("GET", "/dashboard/analytics?from=2026-11-29&to=2026-11-30", nil, nil); !strings.Contains(page, "Nothing was answered in this range yet") {
		t.Error("another workspace sees T1's response times")
	}
}
