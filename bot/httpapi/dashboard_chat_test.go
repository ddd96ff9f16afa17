package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type publishArgs struct {
	Text      string   `json:"text"`
	Platforms []string `json:"platforms"`
}

// chatAgent is the orchestrator with the offline planner and a
// publish_post tool that counts its runs (and whose caller's door it saw).
func chatAgent(t *testing.T) (*agents.Orchestrator, *atomic.Int32) {
	return chatModelAgent(t, llm.Offline(), 0)
}

// chatModelAgent is chatAgent on model, with at most maxSteps model calls
// a turn (0: the default).
func chatModelAgent(t *testing.T, model llm.Model, maxSteps int) (*agents.Orchestrator, *atomic.Int32) {
	t.Helper()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	publish := agents.NewTool("publish_post", "Publishes a post now.", func(ctx context.Context, c identity.Caller, a publishArgs) (map[string]string, error) {
		runs.Add(1)
		return map[string]string{"published": a.Text, "workspace": c.WorkspaceID}, nil
	}, agents.Mutating())
	count := agents.NewTool("count_posts", "Counts the posts of the week.", func(ctx context.Context, c identity.Caller, _ struct{}) (map[string]int, error) {
		return map[string]int{"posts": 3}, nil
	}, agents.ReadOnly())
	list := agents.NewTool("list_accounts", "Lists the connected accounts.", func(ctx context.Context, c identity.Caller, _ struct{}) ([]accounts.Account, error) {
		return []accounts.Account{{ID: "acc-x1", Platform: platform.Twitter, AccountName: "Acme Outdoor", Handle: "acme", Status: accounts.StatusConnected}}, nil
	}, agents.ReadOnly())
	o, err := agents.New(agents.Config{Model: model, Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{publish, count, list}, Log: zerolog.Nop(), MaxSteps: maxSteps})
	if err != nil {
		t.Fatal(err)
	}
	return o, &runs
}

var approveAction = regexp.MustCompile(`action="/dashboard/chat/approvals/([^/"]+)/approve"`)

func TestDashboardChat(t *testing.T) {
	o, runs := chatAgent(t)
	f := dashSetup(t, "http://127.0.0.1", withChat(t, o))
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	csrf := ed.csrf()
	htmx := map[string]string{"HX-Request": "true"}

	if resp, page := ed.do("GET", "/dashboard/chat", nil, nil); resp.StatusCode != 200 || !strings.Contains(page, `id="chat-form"`) {
		t.Fatalf("chat page = %d", resp.StatusCode)
	}
	resp, page := ed.do("POST", "/dashboard/chat", url.Values{"csrf": {csrf}, "text": {"   "}}, nil)
	if i := strings.Index(page, `id="err-text"`); resp.StatusCode != http.StatusBadRequest || i < 0 || !strings.Contains(page[i:], "write a message first") {
		t.Errorf("empty message = %d", resp.StatusCode)
	}
	if resp, frag := ed.do("POST", "/dashboard/chat", url.Values{"csrf": {csrf}, "text": {""}}, map[string]string{"HX-Request": "true"}); resp.StatusCode != 200 ||
		!strings.Contains(frag, `role="alert">write a message first`) || strings.Contains(frag, "<html") {
		t.Errorf("empty message from htmx = %d\n%s", resp.StatusCode, frag)
	}
	if resp, _ := ed.do("POST", "/dashboard/chat", url.Values{"text": {"help"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("message without CSRF = %d, want 403", resp.StatusCode)
	}
	// Without JavaScript the form posts and the page shows the turn.
	if resp, _ := ed.do("POST", "/dashboard/chat", url.Values{"csrf": {csrf}, "text": {"help"}}, nil); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/dashboard/chat#turn-") {
		t.Errorf("plain message = %d to %q, want the page at the turn", resp.StatusCode, resp.Header.Get("Location"))
	} else {
		ed.turn(strings.TrimPrefix(resp.Header.Get("Location"), "/dashboard/chat#turn-"))
	}
	// The fragment: the message, the answer and the approval's buttons;
	// nothing published yet.
	frag := ed.turn(ed.send(csrf, `post "Hello from the web" to x`))
	m := approveAction.FindStringSubmatch(frag)
	if m == nil || strings.Contains(frag, "<html") || strings.Count(frag, "Hello from the web") != 2 || strings.Count(frag, "Needs approval") != 1 || runs.Load() != 0 {
		t.Fatalf("chat turn: %d runs\n%s", runs.Load(), frag)
	}
	id := m[1]
	if _, page := ed.do("GET", "/dashboard/chat", nil, nil); strings.Count(page, `id="approval-`+id+`"`) != 1 || strings.Count(page, `class="exchange turn"`) != 2 {
		t.Errorf("after a reload the page does not show the turn and its approval once:\n%s", page)
	}
	other := f.browser(t)
	other.signIn("T1", "U-e2", identity.Editor)
	if _, page := other.do("GET", "/dashboard/chat", nil, nil); strings.Contains(page, id) {
		t.Error("another session's conversation shows this approval")
	}
	viewer := f.browser(t)
	viewer.signIn("T1", "U-v", identity.Viewer)
	if resp, _ := viewer.do("POST", "/dashboard/chat/approvals/"+id+"/approve", url.Values{"csrf": {viewer.csrf()}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer approve = %d, want 403", resp.StatusCode)
	}
	stranger := f.browser(t)
	stranger.signIn("T2", "U-s", identity.Admin)
	if resp, _ := stranger.do("POST", "/dashboard/chat/approvals/"+id+"/approve", url.Values{"csrf": {stranger.csrf()}}, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another workspace's approve = %d, want 404", resp.StatusCode)
	}
	// A question's account buttons answer through the same gate: a plain
	// approval is no question (409), another workspace's is a 404.
	if resp, _ := ed.do("POST", "/dashboard/chat/approvals/"+id+"/choose", url.Values{"csrf": {csrf}, "account_id": {"acc-x1"}}, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("choose on an approval that asks nothing = %d, want 409", resp.StatusCode)
	}
	if resp, _ := stranger.do("POST", "/dashboard/chat/approvals/"+id+"/remember", url.Values{"csrf": {stranger.csrf()}, "account_id": {"acc-x1"}}, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another workspace's choose = %d, want 404", resp.StatusCode)
	}
	if runs.Load() != 0 {
		t.Fatal("a refused approval ran the action")
	}
	resp, frag = ed.do("POST", "/dashboard/chat/approvals/"+id+"/approve", url.Values{"csrf": {csrf}}, htmx)
	if resp.StatusCode != 200 || !strings.Contains(frag, `id="approval-`+id+`"`) || !strings.Contains(frag, "s-done") || runs.Load() != 1 {
		t.Fatalf("approve = %d, %d runs\n%s", resp.StatusCode, runs.Load(), frag)
	}
	if resp, page := ed.do("POST", "/dashboard/chat/approvals/"+id+"/approve", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "already decided") || runs.Load() != 1 {
		t.Errorf("second approve = %d, %d runs", resp.StatusCode, runs.Load())
	}
	// Reject, through a plain form post.
	frag = ed.turn(ed.send(csrf, `post "Second" to x`))
	m = approveAction.FindStringSubmatch(frag)
	if m == nil {
		t.Fatalf("no approval for the second post:\n%s", frag)
	}
	if resp, _ := ed.do("POST", "/dashboard/chat/approvals/"+m[1]+"/reject", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther || runs.Load() != 1 {
		t.Errorf("reject = %d, %d runs", resp.StatusCode, runs.Load())
	}
	if _, page := ed.do("GET", "/dashboard/chat?decided=reject", nil, nil); strings.Contains(page, `action="/dashboard/chat/approvals/`+m[1]) ||
		!strings.Contains(page, "s-rejected") || !strings.Contains(page, "Rejected") {
		t.Errorf("a rejected approval is still pending on the page:\n%s", page)
	}
}

// withChat serves the web chat with o, its turns on a fresh store.
func withChat(t *testing.T, o *agents.Orchestrator) func(*Deps) {
	turns := agents.NewTaskStore(storetest.Open(t, store.SQLite, agents.TaskSchema))
	return func(d *Deps) { d.Agent, d.Approvals, d.Turns = o, o, turns }
}

var turnID = regexp.MustCompile(`id="turn-([^"]+)"`)

// send posts a message as htmx does and returns the turn's id.
func (b *browser) send(csrf, text string) string {
	b.t.Helper()
	resp, frag := b.do("POST", "/dashboard/chat", url.Values{"csrf": {csrf}, "text": {text}}, map[string]string{"HX-Request": "true"})
	m := turnID.FindStringSubmatch(frag)
	if resp.StatusCode != 200 || m == nil || strings.Contains(frag, "<html") || !strings.Contains(frag, `hx-trigger="every 1s"`) {
		b.t.Fatalf("send = %d\n%s", resp.StatusCode, frag)
	}
	return m[1]
}

// turn polls the turn's fragment as the page does until the turn ended,
// and returns the last fragment; seen calls back with each new one.
func (b *browser) turn(id string, seen ...func(frag string)) string {
	b.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	version := ""
	for time.Now().Before(deadline) {
		resp, frag := b.do("GET", "/dashboard/chat/turns/"+id+version, nil, map[string]string{"HX-Request": "true"})
		switch {
		case resp.StatusCode == http.StatusNoContent:
		case resp.StatusCode != 200:
			b.t.Fatalf("turn %s = %d\n%s", id, resp.StatusCode, frag)
		case !strings.Contains(frag, `aria-busy="true"`):
			return frag
		default:
			for _, f := range seen {
				f(frag)
			}
			if m := seenParam.FindStringSubmatch(frag); m != nil {
				version = "?seen=" + m[1]
			}
		}
		time.Sleep(50 * time.Millisecond) // the page's poll interval, shortened
	}
	b.t.Fatalf("turn %s did not end in 3 minutes", id)
	return ""
}

var seenParam = regexp.MustCompile(`\?seen=(\d+)`)
