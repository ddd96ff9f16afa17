package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type publishArgs struct {
	Text      string   `json:"text"`
	Platforms []string `json:"platforms"`
}

// chatAgent is the orchestrator with the offline planner and a
// publish_post tool that counts its runs (and whose caller's door it saw).
func chatAgent(t *testing.T) (*agents.Orchestrator, *atomic.Int32) {
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
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{publish}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return o, &runs
}

var approveAction = regexp.MustCompile(`action="/dashboard/chat/approvals/([^/"]+)/approve"`)

func TestDashboardChat(t *testing.T) {
	o, runs := chatAgent(t)
	f := dashSetup(t, "http://127.0.0.1", func(d *Deps) { d.Agent = o; d.Approvals = o })
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
	// The fragment: the message, the answer and the approval's buttons;
	// nothing published yet.
	resp, frag := ed.do("POST", "/dashboard/chat", url.Values{"csrf": {csrf}, "text": {`post "Hello from the web" to x`}}, htmx)
	m := approveAction.FindStringSubmatch(frag)
	if resp.StatusCode != 200 || m == nil || strings.Contains(frag, "<html") || !strings.Contains(frag, "Hello from the web") || runs.Load() != 0 {
		t.Fatalf("chat turn = %d, %d runs\n%s", resp.StatusCode, runs.Load(), frag)
	}
	id := m[1]
	if _, page := ed.do("GET", "/dashboard/chat", nil, nil); !strings.Contains(page, `id="approval-`+id+`"`) {
		t.Error("the pending approval is not listed on the chat page after a reload")
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
	_, frag = ed.do("POST", "/dashboard/chat", url.Values{"csrf": {csrf}, "text": {`post "Second" to x`}}, htmx)
	m = approveAction.FindStringSubmatch(frag)
	if m == nil {
		t.Fatalf("no approval for the second post:\n%s", frag)
	}
	if resp, _ := ed.do("POST", "/dashboard/chat/approvals/"+m[1]+"/reject", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther || runs.Load() != 1 {
		t.Errorf("reject = %d, %d runs", resp.StatusCode, runs.Load())
	}
	if _, page := ed.do("GET", "/dashboard/chat?decided=reject", nil, nil); strings.Contains(page, `id="approval-`+m[1]+`"`) || !strings.Contains(page, "Rejected") {
		t.Error("a rejected approval is still pending on the page")
	}
}
