package httpapi

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/agents/llm/llmtest"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type launchArgs struct {
	What string `json:"what"`
}

// pendingApprovals serves the API with an orchestrator whose model asked
// twice for a side-effecting tool on behalf of U-editor.
func pendingApprovals(t *testing.T) (*fixture, []agents.Approval, *atomic.Int32) {
	t.Helper()
	srv := llmtest.New(t,
		llmtest.Calls(llmtest.Call("launch", `{"what":"a"}`), llmtest.Call("launch", `{"what":"b"}`)),
		llmtest.Reply("Two launches wait for approval."))
	model, err := llm.New(llm.Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Log: zerolog.Nop(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	launch := agents.NewTool("launch", "Launches.", func(ctx context.Context, c identity.Caller, a launchArgs) (map[string]string, error) {
		runs.Add(1)
		return map[string]string{"launched": a.What}, nil
	}, agents.Mutating())
	o, err := agents.New(agents.Config{Model: model, Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{launch}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := o.Run(context.Background(), agents.Turn{Caller: identity.Caller{WorkspaceID: "T1", UserID: "U-editor", Role: identity.Editor, Door: identity.DoorSlack},
		Channel: "C1", Thread: "1", Text: "launch a and b"}, nil)
	if err != nil || len(reply.Approvals) != 2 {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	return setup(t, nil, func(d *Deps) { d.Approvals = o }), reply.Approvals, &runs
}

func TestApprovalsAPI(t *testing.T) {
	f, pending, runs := pendingApprovals(t)
	editor, viewer, admin := "Bearer "+f.tokens[identity.Editor], "Bearer "+f.tokens[identity.Viewer], "Bearer "+f.tokens[identity.Admin]
	a, b := pending[0].ID, pending[1].ID

	resp, body := f.do(t, "GET", "/api/approvals?status=pending", viewer, nil)
	if list, _ := body["approvals"].([]any); resp.StatusCode != 200 || len(list) != 2 {
		t.Fatalf("list: %d %v", resp.StatusCode, body)
	}
	for _, c := range []struct {
		name, method, path, auth string
		body                     string
		status                   int
		code                     string
	}{
		{"bad status", "GET", "/api/approvals?status=maybe", viewer, "", 400, "invalid_status"},
		{"viewer approves", "POST", "/api/approvals/" + a + "/approve", viewer, "", 403, "forbidden"},
		{"unknown id", "POST", "/api/approvals/nope/approve", admin, "", 404, "not_found"},
		{"reject with a bad body", "POST", "/api/approvals/" + a + "/reject", editor, `{"why":1}`, 400, "invalid_json"},
	} {
		var in io.Reader
		if c.body != "" {
			in = strings.NewReader(c.body)
		}
		resp, body := f.do(t, c.method, c.path, c.auth, in)
		errBody, _ := body["error"].(map[string]any)
		if resp.StatusCode != c.status || errBody["code"] != c.code {
			t.Errorf("%s: %d %v, want %d %s", c.name, resp.StatusCode, body, c.status, c.code)
		}
	}
	if runs.Load() != 0 {
		t.Fatal("a refused request ran the action")
	}
	resp, body = f.do(t, "POST", "/api/approvals/"+a+"/approve", editor, nil)
	approval, _ := body["approval"].(map[string]any)
	if resp.StatusCode != 200 || body["success"] != true || approval["status"] != "done" || runs.Load() != 1 ||
		!strings.HasPrefix(body["message"].(string), "Approved by you and done: ") || strings.Contains(body["message"].(string), "U-editor") {
		t.Fatalf("approve: %d %v", resp.StatusCode, body)
	}
	if resp, body := f.do(t, "POST", "/api/approvals/"+a+"/approve", admin, nil); resp.StatusCode != 409 {
		t.Fatalf("approve twice: %d %v", resp.StatusCode, body)
	}
	resp, body = f.do(t, "POST", "/api/approvals/"+b+"/reject", admin, strings.NewReader(`{"reason":"not now"}`))
	approval, _ = body["approval"].(map[string]any)
	if resp.StatusCode != 200 || approval["status"] != "rejected" || approval["reason"] != "not now" || runs.Load() != 1 ||
		!strings.HasPrefix(body["message"].(string), "Rejected by you: ") || !strings.HasSuffix(body["message"].(string), " (reason: not now)") {
		t.Fatalf("reject: %d %v", resp.StatusCode, body)
	}
}
