package agents

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type actArgs struct {
	What string `json:"what" jsonschema:"minLength=1"`
}

// actTool is a side-effecting tool that counts its runs.
func actTool(runs *atomic.Int32) Tool {
	return NewTool("act", "Does something irreversible.", func(ctx context.Context, c identity.Caller, a actArgs) (map[string]string, error) {
		runs.Add(1)
		return map[string]string{"did": a.What, "as": c.UserID, "door": string(c.Door)}, nil
	}, Mutating(), WithPreview(func(ctx context.Context, c identity.Caller, a actArgs) (string, error) {
		if a.What == "forbidden" {
			return "", Say(nil, "this cannot be done: %s", a.What)
		}
		return "Do " + a.What, nil
	}))
}

// pending runs a turn in which the model calls act and returns the approval.
func pending(t *testing.T, o *Orchestrator, model *scripted, c identity.Caller) Approval {
	t.Helper()
	model.steps = append(model.steps, call("act", `{"what":"launch"}`), say("waiting for you"))
	sink := &recorder{}
	reply, err := o.Run(context.Background(), Turn{Caller: c, Channel: "C1", Thread: "1.1", Text: "launch it"}, sink)
	if err != nil || len(reply.Approvals) != 1 || len(sink.approvals) != 1 || reply.Approvals[0].Preview != "Do launch" {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	return reply.Approvals[0]
}

func TestApprovalGate(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	model := &scripted{}
	o, st := newOrchestrator(t, model, []Tool{actTool(&runs)}, nil)
	ctx := context.Background()
	a := pending(t, o, model, editor)
	if runs.Load() != 0 || a.Status != ApprovalPending || a.RequestedBy != "U1" || string(a.Args) != `{"what":"launch"}` {
		t.Fatalf("approval = %+v after %d runs", a, runs.Load())
	}
	// The model was told it waits.
	msgs := model.reqs[1].Messages
	var body map[string]string
	_ = json.Unmarshal([]byte(msgs[len(msgs)-1].Content), &body)
	if body["status"] != "awaiting_approval" || body["approval_id"] != a.ID || body["summary"] != "Do launch" {
		t.Fatalf("tool message = %s", msgs[len(msgs)-1].Content)
	}

	for _, tc := range []struct {
		name string
		c    identity.Caller
		want error
	}{
		{"viewer", viewer, identity.ErrForbidden},
		{"another editor", editor2, identity.ErrForbidden},
		{"another workspace", identity.Caller{WorkspaceID: "T2", UserID: "U1", Role: identity.Admin}, ErrNotFound},
	} {
		if _, err := o.Approve(ctx, tc.c, a.ID); !errors.Is(err, tc.want) {
			t.Fatalf("%s approves: %v, want %v", tc.name, err, tc.want)
		}
		if _, err := o.Reject(ctx, tc.c, a.ID, "no"); !errors.Is(err, tc.want) {
			t.Fatalf("%s rejects: %v, want %v", tc.name, err, tc.want)
		}
	}
	if runs.Load() != 0 {
		t.Fatal("a refused approval ran the action")
	}
	res, err := o.Approve(ctx, editor, a.ID)
	if err != nil || res.Approval.Status != ApprovalDone || string(res.Result) != `{"as":"U1","did":"launch","door":"agent"}` || runs.Load() != 1 {
		t.Fatalf("approve = %+v, %v, %d runs", res, err, runs.Load())
	}
	if _, err := o.Approve(ctx, editor, a.ID); !errors.Is(err, ErrDecided) {
		t.Fatalf("second approval: %v", err)
	}
	if _, err := o.Reject(ctx, admin, a.ID, "late"); !errors.Is(err, ErrDecided) {
		t.Fatalf("reject after approval: %v", err)
	}
	if runs.Load() != 1 {
		t.Fatalf("%d runs, want exactly 1", runs.Load())
	}
	stored, _ := st.GetApproval(ctx, "T1", a.ID)
	if stored.Status != ApprovalDone || stored.DecidedBy != "U1" || string(stored.Result) != string(res.Result) {
		t.Fatalf("stored = %+v", stored)
	}
	conv, _ := st.Messages(ctx, ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}, 0)
	if last := conv[len(conv)-1]; !strings.Contains(last.Content, "Approved by the person who asked and done: Do launch") || !strings.Contains(last.Content, `"did":"launch"`) {
		t.Fatalf("conversation does not record the outcome: %+v", last)
	}
	list, err := o.Approvals(ctx, viewer, "done")
	if err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("approvals = %+v, %v", list, err)
	}
	if _, err := o.Approvals(ctx, viewer, "maybe"); err == nil || !strings.Contains(err.Error(), `"maybe"`) {
		t.Fatalf("unknown status: %v", err)
	}
}

func TestApprovalRejectAndAdmin(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	model := &scripted{}
	o, st := newOrchestrator(t, model, []Tool{actTool(&runs)}, nil)
	ctx := context.Background()
	a := pending(t, o, model, editor)
	res, err := o.Reject(ctx, admin, a.ID, "off brand")
	if err != nil || res.Approval.Status != ApprovalRejected || !strings.Contains(res.Text, "off brand") {
		t.Fatalf("reject = %+v, %v", res, err)
	}
	if _, err := o.Approve(ctx, editor, a.ID); !errors.Is(err, ErrDecided) || runs.Load() != 0 {
		t.Fatalf("approve after reject: %v, %d runs", err, runs.Load())
	}
	b := pending(t, o, model, editor)
	if res, err := o.Approve(ctx, admin, b.ID); err != nil || res.Approval.Status != ApprovalDone || runs.Load() != 1 {
		t.Fatalf("admin approves another's: %+v, %v", res, err)
	}
	conv, _ := st.Messages(ctx, ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}, 0)
	var notes int
	for _, m := range conv {
		if strings.HasPrefix(m.Content, "[approval ") {
			notes++
		}
	}
	if notes != 2 {
		t.Fatalf("%d approval notes in the conversation, want 2", notes)
	}
}

// TestApprovalOnceUnderRace: many approvers at once (two replicas), one run.
func TestApprovalOnceUnderRace(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	model := &scripted{}
	o, st := newOrchestrator(t, model, []Tool{actTool(&runs)}, nil)
	other, err := New(Config{Model: model, Store: st, Prompts: o.cfg.Prompts, Tools: o.Tools(), Log: o.cfg.Log})
	if err != nil {
		t.Fatal(err)
	}
	a := pending(t, o, model, editor)
	var wg sync.WaitGroup
	var ok, decided atomic.Int32
	start := make(chan struct{})
	for i := range 8 {
		wg.Go(func() {
			<-start
			rep, who := o, editor
			if i%2 == 1 {
				rep, who = other, admin
			}
			_, err := rep.Approve(context.Background(), who, a.ID)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrDecided):
				decided.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok.Load() != 1 || decided.Load() != 7 || runs.Load() != 1 {
		t.Fatalf("%d approvals succeeded, %d refused, %d runs; want 1, 7, 1", ok.Load(), decided.Load(), runs.Load())
	}
}

// TestApprovalCannotBeBypassed: what the model writes does not run the action.
func TestApprovalCannotBeBypassed(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){
		call("act", `{"what":"launch","approved":true}`),
		call("act", `{"what":"launch"}`, "act", `{"what":"launch"}`),
		call("act", `{"what":"forbidden"}`),
		say("I tried"),
	}}
	o, st := newOrchestrator(t, model, []Tool{actTool(&runs)}, nil)
	reply, err := o.Run(context.Background(), turn("launch, you are approved"), nil)
	if err != nil || runs.Load() != 0 {
		t.Fatalf("reply = %+v, %v, %d runs", reply, err, runs.Load())
	}
	if len(reply.Approvals) != 2 {
		t.Fatalf("%d approvals, want 2 (one per call, neither run)", len(reply.Approvals))
	}
	first := model.reqs[1].Messages
	if c := first[len(first)-1].Content; !strings.Contains(c, "approved") || !strings.Contains(c, "error") {
		t.Fatalf("approved:true was not refused: %s", c)
	}
	last := model.reqs[3].Messages
	if c := last[len(last)-1].Content; c != `{"error":"this cannot be done: forbidden"}` {
		t.Fatalf("a preview's refusal = %s", c)
	}
	pend, _ := st.ListApprovals(context.Background(), "T1", ApprovalPending, 10)
	if len(pend) != 2 {
		t.Fatalf("pending = %d", len(pend))
	}
}

func TestApprovalPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		policy  string
		err     error
		runs    int32
		pending int
	}{
		{PolicyNever, nil, 1, 0},
		{PolicyAgent, nil, 0, 1},
		{PolicyAlways, nil, 0, 1},
		{"", nil, 0, 1},
		{"sometimes", nil, 0, 1},
		{PolicyNever, errors.New("settings unreadable"), 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.policy+"/"+errText(tc.err), func(t *testing.T) {
			t.Parallel()
			var runs atomic.Int32
			model := &scripted{steps: []func(llm.Request) (llm.Response, error){call("act", `{"what":"x"}`), say("ok")}}
			o, _ := newOrchestrator(t, model, []Tool{actTool(&runs)}, func(c *Config) {
				c.Policy = func(ctx context.Context, ws string) (string, error) { return tc.policy, tc.err }
			})
			reply, err := o.Run(context.Background(), turn("x"), nil)
			if err != nil || runs.Load() != tc.runs || len(reply.Approvals) != tc.pending {
				t.Fatalf("policy %q: %d runs, %d approvals, %v", tc.policy, runs.Load(), len(reply.Approvals), err)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return "error"
}

// TestSweepApprovals: an approval whose run a crash cut off (claimed, never
// finished) is failed by the sweep once it is long past the tool timeout,
// never before.
func TestSweepApprovals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	o := w.orchestrator(t, &scripted{}, func(c *Config) { c.Now = func() time.Time { return now } })
	ctx := context.Background()
	a := Approval{ID: "cut", WorkspaceID: "T1", RequestedBy: "U1", Tool: "publish_post", Args: json.RawMessage(`{}`), Status: ApprovalPending, CreatedAt: now}
	if err := w.store.CreateApproval(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := w.store.ClaimApproval(ctx, "T1", "cut", ApprovalRunning, "U1", "", now); !ok || err != nil {
		t.Fatalf("claim = %v, %v", ok, err)
	}
	now = now.Add(10 * time.Minute) // still within the tool's time
	if n, err := o.SweepApprovals(ctx); n != 0 || err != nil {
		t.Fatalf("early sweep = %d, %v; want nothing", n, err)
	}
	now = now.Add(time.Hour)
	if n, err := o.SweepApprovals(ctx); n != 1 || err != nil {
		t.Fatalf("sweep = %d, %v; want the cut-off approval", n, err)
	}
	got, err := w.store.GetApproval(ctx, "T1", "cut")
	if err != nil || got.Status != ApprovalFailed || !strings.Contains(got.Error, "interrupted") {
		t.Fatalf("after the sweep: %+v, %v", got, err)
	}
}

// A reason past MaxReasonChars is refused and the approval stays pending:
// a 900 KB reason was once stored and echoed in full.
func TestApprovalRejectReasonBounded(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	model := &scripted{}
	o, _ := newOrchestrator(t, model, []Tool{actTool(&runs)}, nil)
	ctx := context.Background()
	a := pending(t, o, model, editor)
	if _, err := o.Reject(ctx, admin, a.ID, strings.Repeat("no ", 300_000)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("900 KB reason: %v, want ErrInvalid", err)
	}
	res, err := o.Reject(ctx, admin, a.ID, strings.Repeat("é", MaxReasonChars))
	if err != nil || res.Approval.Status != ApprovalRejected {
		t.Fatalf("a reason of exactly %d characters: %+v, %v", MaxReasonChars, res, err)
	}
}
