package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/httpapi"
	"github.com/marketingminds/marketingminds/bot/mcp"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

const xPosts = "/api.x.com/2/tweets"

// mcpWorld is serve's wiring in-process: the app on a sandbox over HTTP
// and a fresh SQLite store, the HTTP sidecar with /mcp and the approval
// routes, an X account connected in T1, and API tokens.
type mcpWorld struct {
	app     *app
	sb      *sandbox.Sandbox
	api     *httptest.Server
	mcp     *mcp.Server
	account accounts.Account
	tokens  map[string]identity.CreatedToken // editor, viewer, other (admin of T2), stranger (editor of T1, revoked later)
}

func newMCPWorld(t *testing.T) *mcpWorld {
	t.Helper()
	ctx := context.Background()
	sb := sandboxtest.Start(t, sandbox.Options{})
	cfg, err := loadConfig(func(k string) string { return map[string]string{"MM_DATA_DIR": t.TempDir()}[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = "https://mm.example"
	log := zerolog.Nop()
	db, err := openStore(ctx, cfg, log, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(context.Background()) })
	a, err := newApp(cfg, db, log, sb.URL, schedule.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deps := a.httpDeps(log, prometheus.NewRegistry())
	if deps.MCP, err = a.mcpHandler(cfg.PublicURL, log); err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(httpapi.New(deps).Handler())
	t.Cleanup(api.Close)
	w := &mcpWorld{app: a, sb: sb.Sandbox, api: api, tokens: map[string]identity.CreatedToken{}}
	for name, who := range map[string]identity.Caller{
		"editor": {WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}, "viewer": {WorkspaceID: "T1", UserID: "U2", Role: identity.Viewer},
		"other": {WorkspaceID: "T2", UserID: "U9", Role: identity.Admin}, "stranger": {WorkspaceID: "T1", UserID: "U3", Role: identity.Editor},
	} {
		tok, err := a.identity.CreateToken(ctx, who.WorkspaceID, who.UserID, who.Role, name)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[name] = tok
	}
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	got := connectInSandbox(t, ctx, a, editor, platform.Twitter)
	if len(got) != 1 {
		t.Fatalf("connect X: %+v", got)
	}
	w.account = got[0]
	w.mcp, err = mcpServer(a.agents, cfg.PublicURL, log)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// bearer adds an API token to every request.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// overHTTP connects an SDK client to /mcp with token.
func (w *mcpWorld) overHTTP(t *testing.T, token string) (*sdk.ClientSession, error) {
	t.Helper()
	c := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "v0"}, nil)
	s, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: w.api.URL + "/mcp", HTTPClient: &http.Client{Transport: bearer{token}}, MaxRetries: -1}, nil)
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

// inMemory connects an SDK client to the server as c, in-process.
func (w *mcpWorld) inMemory(t *testing.T, c identity.Caller) *sdk.ClientSession {
	t.Helper()
	st, ct := sdk.NewInMemoryTransports()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.mcp.Serve(ctx, st, c) }()
	s, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "v0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return s
}

// rest calls the REST API with token and decodes the answer.
func (w *mcpWorld) rest(t *testing.T, method, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, w.api.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// structured decodes a call's structured content.
func structured(t *testing.T, res *sdk.CallToolResult) map[string]any {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
	return out
}

func text(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func callTool(t *testing.T, s *sdk.ClientSession, name, args string) *sdk.CallToolResult {
	t.Helper()
	res, err := s.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: json.RawMessage(args)})
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

// The first "must hold", on both transports: the tools are listed
// with their schemas, list_accounts answers, publish_post waits for
// approval with nothing posted, and approving through REST posts it once.
func TestMCPPublishWaitsForApproval(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"http", "in-memory"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			w := newMCPWorld(t)
			var s *sdk.ClientSession
			if transport == "http" {
				var err error
				if s, err = w.overHTTP(t, w.tokens["editor"].Token); err != nil {
					t.Fatal(err)
				}
			} else {
				s = w.inMemory(t, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor})
			}
			tools, err := s.ListTools(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]*sdk.Tool{}
			for _, tl := range tools.Tools {
				byName[tl.Name] = tl
			}
			pub := byName["publish_post"]
			if byName["list_accounts"] == nil || pub == nil || pub.Description == "" || pub.Annotations.ReadOnlyHint ||
				!strings.Contains(asString(t, pub.InputSchema), `"text"`) || !byName["list_accounts"].Annotations.ReadOnlyHint {
				t.Fatalf("tools = %v", asString(t, tools.Tools))
			}

			res := callTool(t, s, "list_accounts", `{}`)
			out := structured(t, res)
			if res.IsError || out["status"] != "ok" || !strings.Contains(asString(t, out["result"]), w.account.ID) || !strings.HasPrefix(text(res), "1 connected account") {
				t.Fatalf("list_accounts = %s / %s", asString(t, out), text(res))
			}

			res = callTool(t, s, "publish_post", `{"text":"Spring sale starts today!","platforms":["x"]}`)
			out = structured(t, res)
			id, _ := out["approval_id"].(string)
			if res.IsError || out["status"] != "awaiting_approval" || id == "" || !strings.Contains(text(res), "Waiting for approval") ||
				out["approve_url"] != "https://mm.example/api/approvals/"+id+"/approve" {
				t.Fatalf("publish_post = %s / %s", asString(t, out), text(res))
			}
			if n := w.sb.Calls("POST", xPosts); n != 0 {
				t.Fatalf("%d posts before approval", n)
			}
			editor := w.tokens["editor"].Token
			status, body := w.rest(t, "GET", "/api/approvals?status=pending", editor)
			if status != http.StatusOK || !strings.Contains(asString(t, body["approvals"]), id) {
				t.Fatalf("pending approvals: %d %v", status, body)
			}
			if status, body = w.rest(t, "POST", "/api/approvals/"+id+"/approve", w.tokens["viewer"].Token); status != http.StatusForbidden {
				t.Fatalf("a viewer approved: %d %v", status, body)
			}
			if status, body = w.rest(t, "POST", "/api/approvals/"+id+"/approve", editor); status != http.StatusOK || body["success"] != true {
				t.Fatalf("approve: %d %v", status, body)
			}
			if status, body = w.rest(t, "POST", "/api/approvals/"+id+"/approve", editor); status != http.StatusConflict {
				t.Fatalf("second approval: %d %v", status, body)
			}
			if n := w.sb.Calls("POST", xPosts); n != 1 {
				t.Fatalf("%d posts after approval, want 1", n)
			}
		})
	}
}

func asString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
