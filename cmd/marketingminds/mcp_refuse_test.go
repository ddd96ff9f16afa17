package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// No token, a revoked token, a viewer's mutation and another workspace's
// ids are refused with clear MCP errors, and nothing changes.
func TestMCPRefusals(t *testing.T) {
	t.Parallel()
	w := newMCPWorld(t)
	ctx := context.Background()

	if _, err := w.overHTTP(t, ""); err == nil || !strings.Contains(err.Error(), "send your API token as: Authorization: Bearer mm_") {
		t.Fatalf("no token: %v", err)
	}
	if _, err := w.overHTTP(t, "mm_not-a-real-token"); err == nil || !strings.Contains(err.Error(), "not a Marketing Minds API token") {
		t.Fatalf("malformed token: %v", err)
	}
	// A session whose token is revoked stops at its next request.
	s, err := w.overHTTP(t, w.tokens["stranger"].Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.identity.RevokeToken(ctx, w.tokens["stranger"].Record.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CallTool(t.Context(), &sdk.CallToolParams{Name: "publish_post", Arguments: map[string]any{"text": "hi", "platforms": []string{"x"}}}); err == nil ||
		!strings.Contains(err.Error(), "unknown or was revoked") {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := w.overHTTP(t, w.tokens["stranger"].Token); err == nil || !strings.Contains(err.Error(), "unknown or was revoked") {
		t.Fatalf("revoked token, new session: %v", err)
	}
	// The refusal is a 401 with a JSON-RPC error body.
	resp, err := http.Post(w.api.URL+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" || !strings.Contains(string(body), `"code":-32001`) {
		t.Fatalf("no token: %d %s", resp.StatusCode, body)
	}

	// A viewer sees and calls the read-only tools only.
	viewer, err := w.overHTTP(t, w.tokens["viewer"].Token)
	if err != nil {
		t.Fatal(err)
	}
	tools, err := viewer.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range tools.Tools {
		if !tl.Annotations.ReadOnlyHint {
			t.Fatalf("a viewer is offered %s", tl.Name)
		}
	}
	if len(tools.Tools) == 0 {
		t.Fatal("a viewer is offered no tools")
	}
	res := callTool(t, viewer, "publish_post", `{"text":"hi","platforms":["x"]}`)
	if !res.IsError || !strings.Contains(text(res), "a viewer can call read-only tools only") {
		t.Fatalf("viewer publish_post = %s", text(res))
	}
	if res := callTool(t, viewer, "list_accounts", `{}`); res.IsError {
		t.Fatalf("viewer list_accounts = %s", text(res))
	}

	// Another workspace neither sees nor touches T1's account.
	other, err := w.overHTTP(t, w.tokens["other"].Token)
	if err != nil {
		t.Fatal(err)
	}
	res = callTool(t, other, "disconnect_account", `{"account_id":"`+w.account.ID+`"}`)
	if !res.IsError || !strings.Contains(text(res), "no account") {
		t.Fatalf("other workspace's disconnect = %s", text(res))
	}
	if res := callTool(t, other, "list_accounts", `{}`); res.IsError || !strings.HasPrefix(text(res), "No accounts are connected yet.") {
		t.Fatalf("other workspace's list = %s", text(res))
	}
	// Bad arguments and unknown tools.
	editor, err := w.overHTTP(t, w.tokens["editor"].Token)
	if err != nil {
		t.Fatal(err)
	}
	if res := callTool(t, editor, "publish_post", `{"text":5}`); !res.IsError || !strings.Contains(text(res), "invalid arguments for publish_post") {
		t.Fatalf("bad arguments = %s", text(res))
	}
	if _, err := editor.CallTool(t.Context(), &sdk.CallToolParams{Name: "launch_rocket", Arguments: map[string]any{}}); err == nil || !strings.Contains(err.Error(), "launch_rocket") {
		t.Fatalf("unknown tool: %v", err)
	}

	// Nothing changed: no approval anywhere, no post, the account connected.
	for _, tok := range []string{w.tokens["editor"].Token, w.tokens["other"].Token} {
		if status, body := w.rest(t, "GET", "/api/approvals", tok); status != http.StatusOK || len(body["approvals"].([]any)) != 0 {
			t.Fatalf("approvals: %d %v", status, body)
		}
	}
	if n := w.sb.Calls("POST", xPosts); n != 0 {
		t.Fatalf("%d posts", n)
	}
	got, err := w.app.accounts.List(ctx, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor}, "")
	if err != nil || len(got) != 1 || got[0].Status != accounts.StatusConnected {
		t.Fatalf("accounts = %+v, %v", got, err)
	}
}

// The resources are the workspace's own accounts, scheduled posts and
// analytics; the prompts include the assistant's instructions.
func TestMCPResourcesAndPrompts(t *testing.T) {
	t.Parallel()
	w := newMCPWorld(t)
	s := w.inMemory(t, identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer})
	list, err := s.ListResources(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range list.Resources {
		uris = append(uris, r.URI)
	}
	if strings.Join(uris, " ") != "marketingminds://accounts marketingminds://analytics/latest marketingminds://posts/scheduled" {
		t.Fatalf("resources = %v", uris)
	}
	read := func(uri string) string {
		t.Helper()
		res, err := s.ReadResource(t.Context(), &sdk.ReadResourceParams{URI: uri})
		if err != nil || len(res.Contents) != 1 || !json.Valid([]byte(res.Contents[0].Text)) {
			t.Fatalf("read %s = %+v, %v", uri, res, err)
		}
		return res.Contents[0].Text
	}
	if got := read("marketingminds://accounts"); !strings.Contains(got, w.account.ID) {
		t.Fatalf("accounts resource = %s", got)
	}
	if got := read("marketingminds://posts/scheduled"); got != "[]" {
		t.Fatalf("scheduled posts resource = %s", got)
	}
	editor := identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorAPI}
	sched, err := w.app.publish.Schedule(t.Context(), editor, publish.Request{AccountIDs: []string{w.account.ID}, Content: publish.Content{Text: "Next year"}},
		time.Now().Add(240*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got := read("marketingminds://posts/scheduled"); !strings.Contains(got, sched.PostID) || !strings.Contains(got, `"status":"scheduled"`) {
		t.Fatalf("scheduled posts resource = %s", got)
	}
	// The analytics resource is what get_analytics says for the last 7 days.
	var got, want any
	if err := json.Unmarshal([]byte(read("marketingminds://analytics/latest")), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(asString(t, structured(t, callTool(t, s, "get_analytics", `{"days":7}`))["result"])), &want); err != nil {
		t.Fatal(err)
	}
	if asString(t, got) != asString(t, want) || asString(t, got) == "{}" {
		t.Fatalf("analytics resource = %s, get_analytics = %s", asString(t, got), asString(t, want))
	}
	if _, err := s.ReadResource(t.Context(), &sdk.ReadResourceParams{URI: "marketingminds://secrets"}); err == nil {
		t.Fatal("an unknown resource was read")
	}
	ps, err := s.ListPrompts(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps.Prompts {
		names = append(names, p.Name)
	}
	if strings.Join(names, " ") != "analyst content_writer email_marketer market_researcher marketing_assistant planner" {
		t.Fatalf("prompts = %v", names)
	}
	if p, err := s.GetPrompt(t.Context(), &sdk.GetPromptParams{Name: "content_writer"}); err != nil || len(p.Messages) != 1 || p.Messages[0].Content.(*sdk.TextContent).Text == "" {
		t.Fatalf("content_writer prompt = %+v, %v", p, err)
	}
	p, err := s.GetPrompt(t.Context(), &sdk.GetPromptParams{Name: "marketing_assistant"})
	if err != nil || len(p.Messages) != 1 || !strings.Contains(p.Messages[0].Content.(*sdk.TextContent).Text, "account_id "+w.account.ID) {
		t.Fatalf("prompt = %+v, %v", p, err)
	}
}
