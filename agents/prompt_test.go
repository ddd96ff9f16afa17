package agents

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/memory"
)

// notes is a Memory holding a workspace's notes, counting its reads.
type notes struct {
	mu    sync.Mutex
	m     map[string][]string // workspace → values
	reads atomic.Int32
}

func (n *notes) Recall(_ context.Context, c identity.Caller, _ memory.Scope, _ string) ([]memory.Item, error) {
	n.reads.Add(1)
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []memory.Item
	for i, v := range n.m[c.WorkspaceID] {
		out = append(out, memory.Item{Scope: memory.Workspace, Key: "note" + string(rune('a'+i)), Value: v})
	}
	return out, nil
}

func (n *notes) add(workspace, v string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.m[workspace] = append(n.m[workspace], v)
}

type noteArgs struct {
	Value string `json:"value"`
}

// promptWorld is an orchestrator with notes, a clock and a policy to turn.
type promptWorld struct {
	o      *Orchestrator
	model  *scripted
	notes  *notes
	now    time.Time
	mu     sync.Mutex
	policy string
	runs   atomic.Int32
}

func newPromptWorld(t *testing.T) *promptWorld {
	w := &promptWorld{model: &scripted{}, notes: &notes{m: map[string][]string{}}, now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), policy: PolicyAgent}
	note := NewTool("note", "Keeps a note.", func(_ context.Context, c identity.Caller, a noteArgs) (map[string]string, error) {
		w.notes.add(c.WorkspaceID, a.Value)
		return map[string]string{"kept": a.Value}, nil
	}, Writes())
	w.o, _ = newOrchestrator(t, w.model, []Tool{note, actTool(&w.runs)}, func(c *Config) {
		c.Memory = w.notes
		c.Now = func() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }
		c.Policy = func(context.Context, string) (string, error) { w.mu.Lock(); defer w.mu.Unlock(); return w.policy, nil }
	})
	return w
}

// turn runs a turn of c answered by steps and returns its system prompt.
func (w *promptWorld) turn(t *testing.T, c identity.Caller, steps ...func(llm.Request) (llm.Response, error)) (string, Reply) {
	t.Helper()
	first := w.model.calls()
	w.model.steps = append(w.model.steps, steps...)
	reply, err := w.o.Run(context.Background(), Turn{Caller: c, Channel: "C1", Thread: "1.1", Text: "hi"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w.model.reqs[first].Messages[0].Content, reply
}

func (w *promptWorld) advance(d time.Duration) { w.mu.Lock(); w.now = w.now.Add(d); w.mu.Unlock() }

// TestPromptDataKeptPerPersonWithinTTL: a burst of one person's turns reads
// the prompt's data once; another workspace or person never gets it; a
// change made elsewhere shows once PromptTTL has passed.
func TestPromptDataKeptPerPersonWithinTTL(t *testing.T) {
	t.Parallel()
	w := newPromptWorld(t)
	other := identity.Caller{WorkspaceID: "T2", UserID: "U1", Role: identity.Editor, Door: identity.DoorSlack}
	w.notes.add("T1", "tone of T1")
	w.notes.add("T2", "tone of T2")
	for range 3 {
		if sys, _ := w.turn(t, editor, say("ok")); !strings.Contains(sys, "tone of T1") {
			t.Fatalf("prompt of T1:\n%s", sys)
		}
	}
	if n := w.notes.reads.Load(); n != 1 {
		t.Fatalf("memory read %d times for 3 turns within PromptTTL, want 1", n)
	}
	if sys, _ := w.turn(t, other, say("ok")); !strings.Contains(sys, "tone of T2") || strings.Contains(sys, "tone of T1") {
		t.Fatalf("prompt of T2:\n%s", sys)
	}
	w.turn(t, editor2, say("ok")) // another person of T1
	if n := w.notes.reads.Load(); n != 3 {
		t.Fatalf("memory read %d times, want 3: once per workspace and person", n)
	}
	w.notes.add("T1", "written on the dashboard")
	w.advance(DefaultPromptTTL - time.Millisecond)
	if sys, _ := w.turn(t, editor, say("ok")); strings.Contains(sys, "written on the dashboard") {
		t.Fatal("read again before PromptTTL passed")
	}
	w.advance(time.Millisecond)
	if sys, _ := w.turn(t, editor, say("ok")); !strings.Contains(sys, "written on the dashboard") {
		t.Fatalf("a change made elsewhere is missing after PromptTTL:\n%s", sys)
	}
}

// TestOwnChangeReachesNextPrompt: a tool call of the orchestrator that
// changes something drops the kept data: the next turn sees it at once.
func TestOwnChangeReachesNextPrompt(t *testing.T) {
	t.Parallel()
	w := newPromptWorld(t)
	w.turn(t, editor, say("ok"))
	w.turn(t, editor, call("note", `{"value":"never on Sundays"}`), say("noted"))
	if sys, _ := w.turn(t, editor, say("ok")); !strings.Contains(sys, "never on Sundays") {
		t.Fatalf("the note is missing from the next prompt:\n%s", sys)
	}
}

// TestGateReadsPolicyNow: the gate holds an action under the policy as it
// is now, not as a kept prompt has it.
func TestGateReadsPolicyNow(t *testing.T) {
	t.Parallel()
	w := newPromptWorld(t)
	w.mu.Lock()
	w.policy = PolicyNever
	w.mu.Unlock()
	w.turn(t, editor, say("ok")) // the prompt, with its policy, is kept
	w.mu.Lock()
	w.policy = PolicyAgent // an admin turns approval back on
	w.mu.Unlock()
	_, reply := w.turn(t, editor, call("act", `{"what":"launch"}`), say("waiting"))
	if len(reply.Approvals) != 1 || w.runs.Load() != 0 {
		t.Fatalf("approvals %d, runs %d: the action must wait", len(reply.Approvals), w.runs.Load())
	}
}

// answerWatch is a Sink that notes, when the answer is announced, how many
// messages of the thread the store held.
type answerWatch struct {
	recorder
	st      Store
	key     ConversationKey
	answers int
	saved   int
}

func (a *answerWatch) Answered() {
	a.answers++
	msgs, _ := a.st.Messages(context.Background(), a.key, 100)
	a.saved = len(msgs)
}

// TestAnsweredBeforeSave: a door hears that the answer is complete once,
// after the tools and before the turn is saved, so it can send it first.
func TestAnsweredBeforeSave(t *testing.T) {
	t.Parallel()
	model := &scripted{steps: []func(llm.Request) (llm.Response, error){call("echo", `{"text":"hi"}`), say("It said hi.")}}
	o, st := newOrchestrator(t, model, []Tool{echoTool()}, nil)
	sink := &answerWatch{st: st, key: ConversationKey{WorkspaceID: "T1", Channel: "C1", Thread: "1.1"}}
	if _, err := o.Run(context.Background(), turn("echo hi"), sink); err != nil {
		t.Fatal(err)
	}
	if sink.answers != 1 || sink.saved != 0 || sink.text != "It said hi." || len(sink.results) != 1 {
		t.Fatalf("answered %d times with %d messages saved, text %q, %d results; want once, before the save, after the tool",
			sink.answers, sink.saved, sink.text, len(sink.results))
	}
	if msgs, _ := st.Messages(context.Background(), sink.key, 100); len(msgs) != 4 {
		t.Fatalf("%d messages saved after the turn, want 4", len(msgs))
	}
}
