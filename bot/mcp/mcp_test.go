package mcp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
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

func TestMain(m *testing.M) { storetest.Main(m) }

type noteArgs struct {
	Text string `json:"text" jsonschema:"minLength=1"`
}

// newServer serves a real orchestrator with a read-only tool (note) and a
// side-effecting one (send).
func newServer(t *testing.T) *Server {
	t.Helper()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	note := func(_ context.Context, c identity.Caller, a noteArgs) (map[string]string, error) {
		return map[string]string{"text": a.Text, "by": c.UserID, "door": string(c.Door)}, nil
	}
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{agents.NewTool("note", "Notes the text.", note, agents.ReadOnly()), agents.NewTool("send", "Sends the text.", note, agents.Mutating())},
		Log:   zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Registry: o, ApprovalURL: func(id string) string { return "https://mm.example/a/" + id }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func connect(t *testing.T, s *Server, c identity.Caller) *sdk.ClientSession {
	t.Helper()
	st, ct := sdk.NewInMemoryTransports()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, st, c) }()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "t", Version: "0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close(); cancel(); <-done })
	return cs
}

func TestServeActsAsTheCallerThroughTheGate(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cases := []struct {
		role  identity.Role
		tools string
	}{{identity.Editor, "note send"}, {identity.Viewer, "note"}}
	for _, tc := range cases {
		cs := connect(t, s, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: tc.role})
		list, err := cs.ListTools(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tl := range list.Tools {
			names = append(names, tl.Name)
		}
		if strings.Join(names, " ") != tc.tools {
			t.Fatalf("%s sees %v, want %s", tc.role, names, tc.tools)
		}
		res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: "note", Arguments: map[string]any{"text": "hi"}})
		if err != nil || res.IsError {
			t.Fatalf("note = %+v, %v", res, err)
		}
		b, _ := json.Marshal(res.StructuredContent)
		if string(b) != `{"result":{"by":"U1","door":"mcp","text":"hi"},"status":"ok","tool":"note"}` {
			t.Fatalf("structured = %s", b)
		}
	}
	cs := connect(t, s, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor})
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: "send", Arguments: map[string]any{"text": "hi"}})
	if err != nil || res.IsError {
		t.Fatalf("send = %+v, %v", res, err)
	}
	b, _ := json.Marshal(res.StructuredContent)
	if !strings.Contains(string(b), `"status":"awaiting_approval"`) || !strings.Contains(string(b), `"approve_url":"https://mm.example/a/`) {
		t.Fatalf("send = %s", b)
	}
}

// Mounted without a door that authenticates, the handler refuses.
func TestHandlerNeedsTheDoorsCaller(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newServer(t).Handler())
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Authorization", "Bearer mm_anything")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", resp.StatusCode)
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	long := `"` + strings.Repeat("a", summaryJSON+10) + `"`
	cases := []struct {
		name string
		in   callResult
		want string
	}{
		{"list", callResult{Tool: "list_accounts", Status: "ok", Result: json.RawMessage(`[{"id":"a"},{"id":"b"}]`)}, "list_accounts: 2 item(s).\n[{\"id\":\"a\"},{\"id\":\"b\"}]"},
		{"message", callResult{Tool: "connect_account", Status: "ok", Result: json.RawMessage(`{"message":"Open this link"}`)}, "connect_account: Open this link\n{\"message\":\"Open this link\"}"},
		{"plain", callResult{Tool: "remember", Status: "ok", Result: json.RawMessage(`{"key":"k"}`)}, "remember: done.\n{\"key\":\"k\"}"},
		{"held", callResult{Tool: "publish_post", Status: agents.InvocationAwaitingApproval, ApprovalID: "a1", Summary: "Publish now to X"},
			"Waiting for approval (approval_id a1); nothing was done yet.\nPublish now to X\nA person approves it in Slack or the dashboard."},
		{"held with link", callResult{Tool: "publish_post", Status: agents.InvocationAwaitingApproval, ApprovalID: "a1", Summary: "P", ApproveURL: "https://x/a1"},
			"Waiting for approval (approval_id a1); nothing was done yet.\nP\nA person approves it in Slack or the dashboard, or with POST https://x/a1."},
		{"long", callResult{Tool: "draft_post", Status: "ok", Result: json.RawMessage(long)}, "draft_post: done.\n" + long[:summaryJSON] + "… (the whole result is in structuredContent)"},
	}
	for _, tc := range cases {
		if got := summarize(tc.in, ""); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestNewNeedsARegistry(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{}); err == nil || !strings.Contains(err.Error(), "registry is required") {
		t.Fatalf("err = %v", err)
	}
}

// A typed result reads in words before its JSON: the person behind the
// client sees what the terminal shows, the client's model the JSON.
func TestResultInWords(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	accts := []accounts.Account{{ID: "a1", Platform: platform.LinkedIn, AccountName: "Acme", Status: accounts.StatusConnected}}
	raw, _ := json.Marshal(accts)
	res := s.result(agents.Invocation{Tool: "list_accounts", Status: agents.InvocationDone, Result: raw, Value: accts})
	text := res.Content[0].(*sdk.TextContent).Text
	if !strings.HasPrefix(text, "1 connected account\n  • LinkedIn: Acme\n") || !strings.Contains(text, `"id":"a1"`) {
		t.Fatalf("text = %q", text)
	}
}
