package agents

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Invoke holds a side-effecting call exactly as the model's calls are
// held, runs read-only ones, records both, and a person's approval posts once.
func TestInvokeGate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	o := w.orchestrator(t, &scripted{}, nil)
	ctx := context.Background()
	mcp := editor
	mcp.Door = identity.DoorMCP

	inv, err := o.Invoke(ctx, mcp, "list_accounts", nil)
	if err != nil || inv.Status != InvocationDone || !strings.Contains(string(inv.Result), `"platform":"twitter"`) {
		t.Fatalf("list_accounts = %+v, %v", inv, err)
	}
	inv, err = o.Invoke(ctx, mcp, "publish_post", json.RawMessage(`{"text":"Spring sale!","platforms":["x"]}`))
	if err != nil || inv.Status != InvocationAwaitingApproval || inv.Approval == nil || inv.Result != nil {
		t.Fatalf("publish_post = %+v, %v", inv, err)
	}
	if n := w.sb.Calls("POST", xPosts); n != 0 {
		t.Fatalf("%d posts before approval", n)
	}
	pending, err := o.Approvals(ctx, viewer, string(ApprovalPending))
	if err != nil || len(pending) != 1 || pending[0].ID != inv.Approval.ID || pending[0].Channel != "mcp" || pending[0].RequestedBy != "U1" {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
	events, err := w.store.Events(ctx, "T1", 10)
	outcomes := map[string]string{} // by tool: both may carry the same millisecond
	for _, e := range events {
		outcomes[e.Tool] = e.Outcome
	}
	if err != nil || len(events) != 2 || outcomes["publish_post"] != "awaiting_approval" || outcomes["list_accounts"] != "ok" {
		t.Fatalf("events = %+v, %v", events, err)
	}
	res, err := o.Approve(ctx, editor, inv.Approval.ID)
	if err != nil || res.Approval.Status != ApprovalDone {
		t.Fatalf("approve = %+v, %v", res, err)
	}
	var out publish.Outcome
	if err := json.Unmarshal(res.Result, &out); err != nil || !out.Success {
		t.Fatalf("outcome = %s, %v", res.Result, err)
	}
	if n := w.sb.Calls("POST", xPosts); n != 1 {
		t.Fatalf("%d posts after approval, want 1", n)
	}
}

// Refusals say why in words and change nothing: no approval, no post.
func TestInvokeRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	o := w.orchestrator(t, &scripted{}, nil)
	ctx := context.Background()
	other := identity.Caller{WorkspaceID: "T2", UserID: "U7", Role: identity.Admin, Door: identity.DoorMCP}
	accts, err := w.accounts.List(ctx, editor, "")
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts = %+v, %v", accts, err)
	}
	cases := []struct {
		name   string
		caller identity.Caller
		tool   string
		args   string
		check  func(error) bool
		want   string
	}{
		{"unknown tool", editor, "launch_rocket", `{}`, func(err error) bool { return errors.Is(err, ErrUnknownTool) }, "list_accounts"},
		{"malformed JSON", editor, "list_accounts", `{"platform":`, func(err error) bool { var ae *ArgsError; return errors.As(err, &ae) }, "not valid JSON"},
		{"schema violation", editor, "publish_post", `{"text":5}`, func(err error) bool { var ae *ArgsError; return errors.As(err, &ae) }, "/text"},
		{"viewer mutates", viewer, "publish_post", `{"text":"hi","platforms":["x"]}`, func(err error) bool { return errors.Is(err, identity.ErrForbidden) }, "read-only tools only"},
		{"another workspace's account", other, "disconnect_account", `{"account_id":"` + accts[0].ID + `"}`, func(err error) bool { var te *ToolError; return errors.As(err, &te) }, "no account"},
		{"no caller", identity.Caller{}, "list_accounts", `{}`, func(err error) bool { return err != nil }, "no workspace"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := o.Invoke(ctx, tc.caller, tc.tool, json.RawMessage(tc.args))
			if !tc.check(err) || !strings.Contains(err.Error(), tc.want) || inv.Approval != nil {
				t.Fatalf("invoke = %+v, %v; want an error saying %q", inv, err, tc.want)
			}
		})
	}
	for _, ws := range []identity.Caller{editor, other} {
		if a, err := o.Approvals(ctx, ws, ""); err != nil || len(a) != 0 {
			t.Fatalf("approvals of %s = %+v, %v", ws.WorkspaceID, a, err)
		}
	}
	if n := w.sb.Calls("POST", xPosts); n != 0 {
		t.Fatalf("%d posts", n)
	}
	if got, err := w.accounts.List(ctx, editor, ""); err != nil || len(got) != 1 || got[0].Status != accts[0].Status {
		t.Fatalf("accounts after = %+v, %v", got, err)
	}
}

// A workspace that turned approval off ("never") runs an MCP client's
// action at once, as it runs the assistant's.
func TestInvokePolicyNever(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.connect(t, editor, platform.Twitter)
	o := w.orchestrator(t, &scripted{}, func(c *Config) {
		c.Policy = func(context.Context, string) (string, error) { return PolicyNever, nil }
	})
	mcp := editor
	mcp.Door = identity.DoorMCP
	inv, err := o.Invoke(context.Background(), mcp, "publish_post", json.RawMessage(`{"text":"Now!","platforms":["x"]}`))
	if err != nil || inv.Status != InvocationDone || inv.Approval != nil {
		t.Fatalf("publish_post = %+v, %v", inv, err)
	}
	var out publish.Outcome
	if err := json.Unmarshal(inv.Result, &out); err != nil || !out.Success {
		t.Fatalf("outcome = %s, %v", inv.Result, err)
	}
	post, err := w.posts.Get(context.Background(), editor, out.PostID)
	if err != nil || post.Door != "mcp" || w.sb.Calls("POST", xPosts) != 1 {
		t.Fatalf("post = %+v, %v; %d X posts", post, err, w.sb.Calls("POST", xPosts))
	}
}

// A specialist called directly runs its own loop (its tools concurrently)
// and answers; its tools' progress does not decide the call's outcome.
func TestInvokeSpecialist(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){
		call("get_analytics", `{"days":7}`, "list_posts", `{}`, "get_analytics", `{"days":"x"}`),
		say("All quiet this week."),
	}}
	o := w.orchestrator(t, model, func(c *Config) { c.Specialists = DefaultSpecialists() })
	mcp := viewer
	mcp.Door = identity.DoorMCP
	inv, err := o.Invoke(context.Background(), mcp, "analyst", json.RawMessage(`{"task":"How are we doing?"}`))
	if err != nil || inv.Status != InvocationDone || !strings.Contains(string(inv.Result), "All quiet this week.") {
		t.Fatalf("analyst = %+v, %v", inv, err)
	}
}
