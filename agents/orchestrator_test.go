package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type echoArgs struct {
	Text  string `json:"text" jsonschema:"minLength=1"`
	Times int    `json:"times,omitempty" jsonschema:"minimum=1,maximum=3"`
}

func echoTool() Tool {
	return NewTool("echo", "Repeats text.", func(ctx context.Context, c identity.Caller, a echoArgs) (map[string]string, error) {
		return map[string]string{"echo": strings.Repeat(a.Text, max(a.Times, 1)), "by": c.UserID, "door": string(c.Door)}, nil
	}, ReadOnly())
}

func turn(text string) Turn { return Turn{Caller: editor, Channel: "C1", Thread: "1.1", Text: text} }

func TestRunToolThenAnswer(t *testing.T) {
	t.Parallel()
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){call("echo", `{"text":"hi","times":2}`), say("It said hihi.")}}
	o, st := newOrchestrator(t, model, []Tool{echoTool()}, nil)
	sink := &recorder{}
	reply, err := o.Run(context.Background(), turn("echo hi twice"), sink)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Text != "It said hihi." || reply.Steps != 2 || sink.text != "It said hihi." {
		t.Fatalf("reply = %+v, streamed %q", reply, sink.text)
	}
	if len(sink.progress) != 2 || sink.progress[0].Status != ProgressStarted || sink.progress[1].Status != ProgressDone {
		t.Fatalf("progress = %+v", sink.progress)
	}
	// The model saw the tool's result, run as the agent on the person's behalf.
	second := model.reqs[1].Messages
	res := second[len(second)-1]
	if res.Role != llm.RoleTool || res.Content != `{"by":"U1","door":"agent","echo":"hihi"}` {
		t.Fatalf("tool message = %+v", res)
	}
	if model.reqs[0].Messages[0].Role != llm.RoleSystem || model.reqs[0].Tools.Len() != 1 || model.reqs[0].WorkspaceID != "T1" {
		t.Fatalf("first request = %+v", model.reqs[0])
	}
	msgs, err := st.Messages(context.Background(), ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}, 0)
	if err != nil || len(msgs) != 4 || msgs[0].Content != "echo hi twice" || msgs[3].Content != "It said hihi." {
		t.Fatalf("saved conversation = %+v, %v", msgs, err)
	}
	events, _ := st.Events(context.Background(), "T1", 10)
	kinds, digests := "", 0 // events of one millisecond may come in any order
	for _, e := range events {
		kinds += e.Kind + ":" + e.Outcome + " "
		if e.ArgsDigest != "" {
			digests++
		}
	}
	if len(events) != 3 || !strings.Contains(kinds, "tool:ok") || digests != 1 {
		t.Fatalf("events = %s", kinds)
	}
	if u, err := o.Usage(context.Background(), viewer, time.Time{}); err != nil || u.Calls != 2 || u.PromptTokens != 20 || u.CompletionTokens != 7 {
		t.Fatalf("usage = %+v, %v", u, err)
	}
	if _, err := o.Usage(context.Background(), identity.Caller{WorkspaceID: "T1"}, time.Time{}); !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("usage without a role: %v", err)
	}

	// The next turn of the thread carries the history.
	model.steps = append(model.steps, say("again"))
	if _, err := o.Run(context.Background(), turn("and now?"), nil); err != nil {
		t.Fatal(err)
	}
	third := model.reqs[2].Messages
	if len(third) != 6 || third[1].Content != "echo hi twice" || third[5].Content != "and now?" {
		t.Fatalf("history sent = %+v", third)
	}
}

func TestRunBadCallsAreReportedAndRecovered(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, tool, args, want, outcome string
	}{
		{"schema violation", "echo", `{"text":"hi","times":9}`, "/times", "invalid"},
		{"missing field", "echo", `{}`, "text", "invalid"},
		{"unknown field", "echo", `{"text":"hi","approved":true}`, "approved", "invalid"},
		{"bad json", "echo", `{"text":`, "not valid JSON", "invalid"},
		{"unknown tool", "launch_rocket", `{}`, `there is no tool "launch_rocket"; the tools are: echo`, "unknown_tool"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			model := &scripted{steps: []func(llm.Request) (llm.Response, error){call(tc.tool, tc.args), call("echo", `{"text":"ok"}`), say("recovered")}}
			o, st := newOrchestrator(t, model, []Tool{echoTool()}, nil)
			reply, err := o.Run(context.Background(), turn("go"), nil)
			if err != nil || reply.Text != "recovered" || reply.Steps != 3 {
				t.Fatalf("reply = %+v, %v", reply, err)
			}
			msgs := model.reqs[1].Messages
			got := msgs[len(msgs)-1]
			var body map[string]string
			if err := json.Unmarshal([]byte(got.Content), &body); err != nil || !strings.Contains(body["error"], tc.want) {
				t.Fatalf("tool message = %s, want an error with %q", got.Content, tc.want)
			}
			events, _ := st.Events(context.Background(), "T1", 10)
			found := false
			for _, e := range events {
				found = found || (e.Tool == tc.tool && e.Outcome == tc.outcome)
			}
			if !found {
				t.Fatalf("no %s event for %s: %+v", tc.outcome, tc.tool, events)
			}
		})
	}
}

func TestRunMaxSteps(t *testing.T) {
	t.Parallel()
	loop := call("echo", `{"text":"again"}`)
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){loop, loop, loop, loop}}
	o, st := newOrchestrator(t, model, []Tool{echoTool()}, func(c *Config) { c.MaxSteps = 3 })
	reply, err := o.Run(context.Background(), turn("loop"), nil)
	if !errors.Is(err, ErrMaxSteps) || reply.Steps != 3 || model.calls() != 3 || !strings.Contains(reply.Text, "stopped after 3 steps") {
		t.Fatalf("reply = %+v, %v after %d calls", reply, err, model.calls())
	}
	msgs, _ := st.Messages(context.Background(), ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}, 0)
	if last := msgs[len(msgs)-1]; last.Role != llm.RoleAssistant || last.Content != reply.Text {
		t.Fatalf("the conversation does not end with the explanation: %+v", last)
	}
}

func TestRunModelFailure(t *testing.T) {
	t.Parallel()
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){func(llm.Request) (llm.Response, error) {
		return llm.Response{}, errors.New("rate limited after 3 tries")
	}}}
	o, st := newOrchestrator(t, model, nil, nil)
	reply, err := o.Run(context.Background(), turn("hi"), nil)
	if err == nil || !strings.Contains(reply.Text, "I could not get an answer: something went wrong") {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	events, _ := st.Events(context.Background(), "T1", 10)
	if len(events) != 1 || events[0].Outcome != "error" {
		t.Fatalf("events = %+v", events)
	}
	if _, err := o.Run(context.Background(), turn("  "), nil); !errors.Is(err, ErrEmptyTurn) {
		t.Fatalf("empty turn: %v", err)
	}
}

// TestRunParallelToolCalls proves a step's calls run at the same time: each
// tool waits until every other has started, which would never happen if
// they ran one after another.
func TestRunParallelToolCalls(t *testing.T) {
	t.Parallel()
	const n = 3
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	type waitArgs struct {
		ID string `json:"id"`
	}
	wait := NewTool("wait", "Waits for its siblings.", func(ctx context.Context, c identity.Caller, a waitArgs) (string, error) {
		started.Done()
		select {
		case <-all:
			return "together " + a.ID, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}, ReadOnly())
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){call("wait", `{"id":"1"}`, "wait", `{"id":"2"}`, "wait", `{"id":"3"}`), say("all three")}}
	o, _ := newOrchestrator(t, model, []Tool{wait}, func(c *Config) { c.ToolTimeout = 10 * time.Second })
	reply, err := o.Run(context.Background(), turn("go"), nil)
	if err != nil || reply.Text != "all three" {
		t.Fatalf("reply = %+v, %v", reply, err)
	}
	msgs := model.reqs[1].Messages
	for i, m := range msgs[len(msgs)-n:] {
		if want := fmt.Sprintf(`"together %d"`, i+1); m.Content != want {
			t.Fatalf("result %d = %s, want %s (in the order asked)", i, m.Content, want)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Int32
	block := NewTool("block", "Blocks until cancelled.", func(ctx context.Context, c identity.Caller, a struct{}) (string, error) {
		ran.Add(1)
		cancel()
		<-ctx.Done()
		return "", ctx.Err()
	}, ReadOnly())
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){call("block", `{}`), say("never")}}
	o, st := newOrchestrator(t, model, []Tool{block}, nil)
	reply, err := o.Run(ctx, turn("block"), nil)
	if !errors.Is(err, context.Canceled) || reply.Text != "Stopped." || model.calls() != 1 || ran.Load() != 1 {
		t.Fatalf("reply = %+v, %v, %d model calls", reply, err, model.calls())
	}
	// What happened is saved, every call with its result.
	msgs, _ := st.Messages(context.Background(), ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}, 0)
	if len(msgs) != 3 || msgs[2].Role != llm.RoleTool || !strings.Contains(msgs[2].Content, "cancelled") {
		t.Fatalf("saved = %+v", msgs)
	}
}

func TestTrimHistory(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 400) // 104 tokens
	h := []llm.Message{
		{Role: llm.RoleUser, Content: long},
		{Role: llm.RoleAssistant, ToolCalls: []llm.ToolCall{{ID: "a", Name: "echo", Arguments: long}}},
		{Role: llm.RoleTool, ToolCallID: "a", Content: long},
		{Role: llm.RoleAssistant, Content: "short"},
	}
	cases := []struct {
		budget int
		want   int
	}{{1000, 4}, {230, 3}, {150, 1}, {3, 0}}
	for _, tc := range cases {
		got := trimHistory(h, tc.budget)
		if len(got) != tc.want {
			t.Fatalf("budget %d kept %d messages, want %d", tc.budget, len(got), tc.want)
		}
		if len(got) > 0 && got[0].Role == llm.RoleTool {
			t.Fatalf("budget %d starts with a tool result", tc.budget)
		}
	}
	// A history cut in the middle of a call never starts with its result.
	if got := trimHistory(h[2:], 1000); len(got) != 1 || got[0].Content != "short" {
		t.Fatalf("orphan result kept: %+v", got)
	}
}

func TestNewRejectsDuplicateTools(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Model: &scripted{}, Store: nil, Tools: []Tool{echoTool(), echoTool()}})
	if err == nil {
		t.Fatal("no error")
	}
	o, _ := newOrchestrator(t, &scripted{}, nil, nil)
	if _, err := New(Config{Model: &scripted{}, Store: o.cfg.Store, Prompts: o.cfg.Prompts, Tools: []Tool{echoTool(), echoTool()}}); err == nil || !strings.Contains(err.Error(), "echo registered twice") {
		t.Fatalf("duplicate: %v", err)
	}
}
