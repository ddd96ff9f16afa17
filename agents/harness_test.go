package agents

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// scripted is a hand-written llm.Model: each call answers with the next
// step of the script, which sees the request.
type scripted struct {
	mu    sync.Mutex
	steps []func(req llm.Request) (llm.Response, error)
	reqs  []llm.Request
}

func (m *scripted) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	return m.Stream(ctx, req, func(llm.Delta) {})
}

func (m *scripted) Stream(ctx context.Context, req llm.Request, onDelta func(llm.Delta)) (llm.Response, error) {
	m.mu.Lock()
	n := len(m.reqs)
	m.reqs = append(m.reqs, req)
	m.mu.Unlock()
	if n >= len(m.steps) {
		return llm.Response{}, errors.New("script ended")
	}
	resp, err := m.steps[n](req)
	if resp.Message.Content != "" {
		onDelta(llm.Delta{Text: resp.Message.Content})
	}
	return resp, err
}

func (m *scripted) Name() string { return "scripted" }

func (m *scripted) calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.reqs)
}

// say answers in words.
func say(text string) func(llm.Request) (llm.Response, error) {
	return func(llm.Request) (llm.Response, error) {
		return llm.Response{Message: llm.Message{Role: llm.RoleAssistant, Content: text}, Usage: llm.Usage{PromptTokens: 10, CompletionTokens: 2}}, nil
	}
}

// call asks for tool calls, each "name", "args" in pairs.
func call(pairs ...string) func(llm.Request) (llm.Response, error) {
	return func(llm.Request) (llm.Response, error) {
		var tcs []llm.ToolCall
		for i := 0; i+1 < len(pairs); i += 2 {
			tcs = append(tcs, llm.ToolCall{ID: "call_" + pairs[i] + string(rune('a'+i/2)), Name: pairs[i], Arguments: pairs[i+1]})
		}
		return llm.Response{Message: llm.Message{Role: llm.RoleAssistant, ToolCalls: tcs}, Usage: llm.Usage{PromptTokens: 10, CompletionTokens: 5}}, nil
	}
}

// recorder is a Sink that keeps everything.
type recorder struct {
	mu        sync.Mutex
	text      string
	progress  []Progress
	results   []Result
	approvals []Approval
}

func (r *recorder) Delta(t string) { r.mu.Lock(); r.text += t; r.mu.Unlock() }
func (r *recorder) Progress(p Progress) {
	r.mu.Lock()
	r.progress = append(r.progress, p)
	r.mu.Unlock()
}
func (r *recorder) Result(res Result) {
	r.mu.Lock()
	r.results = append(r.results, res)
	r.mu.Unlock()
}
func (r *recorder) Approval(a Approval) {
	r.mu.Lock()
	r.approvals = append(r.approvals, a)
	r.mu.Unlock()
}

var (
	editor  = identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Editor, Door: identity.DoorSlack}
	editor2 = identity.Caller{WorkspaceID: "T1", UserID: "U2", Role: identity.Editor, Door: identity.DoorSlack}
	admin   = identity.Caller{WorkspaceID: "T1", UserID: "U9", Role: identity.Admin, Door: identity.DoorSlack}
	viewer  = identity.Caller{WorkspaceID: "T1", UserID: "U1", Role: identity.Viewer, Door: identity.DoorSlack}
)

// newOrchestrator builds an orchestrator on a fresh SQLite store.
func newOrchestrator(t testing.TB, model llm.Model, tools []Tool, edit func(*Config)) (*Orchestrator, Store) {
	t.Helper()
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := NewStore(storetest.Open(t, store.SQLite, Schema))
	cfg := Config{Model: model, Store: st, Prompts: set, Tools: tools, Log: zerolog.Nop()}
	if edit != nil {
		edit(&cfg)
	}
	o, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o, st
}

func publishWhere(platforms ...string) publish.Where { return publish.Where{Platforms: platforms} }

func choiceOf(t *testing.T, err error) *publish.Choice {
	t.Helper()
	var ce *publish.ChoiceError
	if !errors.As(err, &ce) {
		t.Fatalf("want a choice, got %v", err)
	}
	return &ce.Choices[0]
}
