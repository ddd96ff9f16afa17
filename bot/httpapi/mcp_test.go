package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/bot/mcp"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type echoArgs struct {
	Text string `json:"text" jsonschema:"minLength=1"`
}

// mcpSetup serves /mcp over a real orchestrator with two small tools: echo
// (read-only) and shout (side-effecting, so it waits for approval).
func mcpSetup(t testing.TB) *fixture {
	t.Helper()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	echo := func(_ context.Context, _ identity.Caller, a echoArgs) (map[string]string, error) {
		return map[string]string{"text": a.Text}, nil
	}
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{agents.NewTool("echo", "Says the text back.", echo, agents.ReadOnly()), agents.NewTool("shout", "Says the text loudly.", echo, agents.Mutating())},
		Log:   zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mcp.New(mcp.Config{Registry: o, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, store.SQLite, identity.Schema)
	ids := identity.NewService(identity.NewStore(db), time.Now)
	api := httptest.NewServer(New(Deps{Log: zerolog.Nop(), Identity: ids, Store: db, MCP: srv.Handler(), Approvals: o}).Handler())
	t.Cleanup(api.Close)
	f := &fixture{srv: api, ids: ids, db: db, tokens: map[identity.Role]string{}}
	for _, r := range []identity.Role{identity.Admin, identity.Editor, identity.Viewer} {
		tok, err := ids.CreateToken(context.Background(), "T1", "U-"+string(r), r, "")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok.Token
	}
	return f
}

// rpc posts body to /mcp with token and returns the status and the body.
func (f *fixture) rpc(t testing.TB, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", f.srv.URL+"/mcp", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Malformed JSON-RPC, unknown methods and bad arguments are errors with a
// reason; well-formed calls answer, and a side-effecting one waits.
func TestMCPEndpoint(t *testing.T) {
	t.Parallel()
	f := mcpSetup(t)
	cases := []struct {
		name, token, body string
		status            int
		want              string
	}{
		{"no token", "", `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`, 401, `{"error":{"code":-32001,"data":{"code":"missing_token"},"message":"send your API token as: Authorization: Bearer mm_..."},"id":7,`},
		{"bad token", "mm_nope", `{"jsonrpc":"2.0","id":"a","method":"tools/list"}`, 401, `"data":{"code":"malformed_token"},"message":"that is not a Marketing Minds API token (they start with mm_)"},"id":"a",`},
		{"truncated JSON", "editor", `{"jsonrpc":"2.0",`, 400, "malformed payload"},
		{"empty batch", "editor", `[]`, 400, "empty batch"},
		{"wrong version", "editor", `{"jsonrpc":"1.0","id":1,"method":"tools/list"}`, 400, "invalid message version"},
		{"unknown method", "editor", `{"jsonrpc":"2.0","id":1,"method":"tools/launch"}`, 400, `"tools/launch" unsupported`},
		{"arguments not an object", "editor", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":"x"}}`, 200, `"isError":true`},
		{"schema violation", "editor", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":""}}}`, 200, "invalid arguments for echo: /text"},
		{"read-only call", "editor", `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`, 200, `"structuredContent":{"tool":"echo","status":"ok","result":{"text":"hi"}}`},
		{"held call", "editor", `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"shout","arguments":{"text":"hi"}}}`, 200, `"status":"awaiting_approval"`},
		{"viewer's held call", "viewer", `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"shout","arguments":{"text":"hi"}}}`, 200, "a viewer can call read-only tools only"},
		{"viewer's list", "viewer", `{"jsonrpc":"2.0","id":6,"method":"tools/list"}`, 200, `"cacheScope":"private","tools":[{"annotations":{"idempotentHint":true,"openWorldHint":false,"readOnlyHint":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := tc.token
			if r, err := identity.ParseRole(tc.token); err == nil {
				token = f.tokens[r]
			}
			status, body := f.rpc(t, token, tc.body)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%d %s; want %d with %s", status, body, tc.status, tc.want)
			}
		})
	}
	status, body := f.rpc(t, f.tokens[identity.Viewer], `{"jsonrpc":"2.0","id":6,"method":"tools/list"}`)
	if status != 200 || strings.Contains(body, `"shout"`) {
		t.Fatalf("a viewer is offered shout: %s", body)
	}
	// Exactly one approval was filed: the editor's held call.
	resp, out := f.do(t, "GET", "/api/approvals", "Bearer "+f.tokens[identity.Viewer], nil)
	if list, _ := out["approvals"].([]any); resp.StatusCode != 200 || len(list) != 1 {
		t.Fatalf("approvals: %d %v", resp.StatusCode, out)
	}
}

// FuzzMCP posts arbitrary bodies to /mcp: every answer is an HTTP answer
// (never a crash or a hang), a 2xx one is JSON-RPC.
func FuzzMCP(f *testing.F) {
	fx := mcpSetup(f)
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"shout","arguments":{"text":"hi"}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"marketingminds://accounts"}}`,
		`{"jsonrpc":"2.0","id":5,"method":"prompts/get","params":{"name":"x"}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"nope"}]`,
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"f","version":"0"}}}`,
		`{`, `null`, `[]`, `"x"`, `{"id":{},"method":5}`,
	} {
		f.Add(seed)
	}
	token := fx.tokens[identity.Editor]
	f.Fuzz(func(t *testing.T, body string) {
		status, out := fx.rpc(t, token, body)
		if status >= 500 {
			t.Fatalf("%d for %q: %s", status, body, out)
		}
		if status >= 200 && status < 300 && strings.TrimSpace(out) != "" && !json.Valid([]byte(out)) {
			t.Fatalf("%d for %q: not JSON: %s", status, body, out)
		}
	})
}

// BenchmarkMCPToolCall is one authenticated tools/call of a read-only tool
// over HTTP: token check, JSON-RPC, the gate, the event record.
func BenchmarkMCPToolCall(b *testing.B) {
	f := mcpSetup(b)
	token := f.tokens[identity.Editor]
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`
	b.ResetTimer()
	for b.Loop() {
		if status, out := f.rpc(b, token, body); status != http.StatusOK || !strings.Contains(out, `"status":"ok"`) {
			b.Fatalf("%d %s", status, out)
		}
	}
}
