package agents

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/memory"
)

// Turn is one message a person sent through a door.
type Turn struct {
	Caller  identity.Caller
	Channel string // conversation key, door-specific: Slack channel id, "console", "web:<session>"
	Thread  string // Slack thread ts, or a session id
	Text    string
}

// Progress is a tool call's state, for a door to show.
type Progress struct {
	Tool     string
	Status   string // ProgressStarted, ProgressDone or ProgressFailed
	Text     string // "Publishing the post…"
	Duration time.Duration
}

// The progress statuses.
const (
	ProgressStarted = "started"
	ProgressDone    = "done"
	ProgressFailed  = "failed"
)

// Sink is how a door watches a turn: streamed text, tool progress, each
// tool's typed result as it comes, approvals to show as buttons. The
// orchestrator calls it from one goroutine at a time.
type Sink interface {
	Delta(text string)
	Progress(p Progress)
	Result(r Result)
	Approval(a Approval)
}

// Answerer is a Sink that wants to hear, through Answered, that the model
// has written its whole answer, before the turn is recorded and saved: a
// door may send the answer then instead of after that bookkeeping. The
// turn's Results and Approvals are final by then too.
type Answerer interface {
	Answered()
}

// Result is one tool call's answer in a turn, typed, for a door to render
// (bot/present); the model was given the same value as compact JSON.
type Result struct {
	Tool string
	// Value is what the tool returned ([]accounts.Account, publish.Outcome,
	// analytics.BestTimes, ...), or a fault.Failure when the call failed.
	Value any
}

// Reply is a turn's answer.
type Reply struct {
	// Text is what the model wrote. Empty when nobody wrote about the
	// results (the offline planner): the door renders Results itself.
	Text string
	// Results are the turn's tool results, in the order they came.
	Results []Result
	// Approvals are the actions of this turn waiting for a person.
	Approvals []Approval
	// Steps is how many times the model was called.
	Steps int
}

// Errors of Run.
var (
	// ErrMaxSteps: the model kept calling tools; Reply.Text says so in words.
	ErrMaxSteps = errors.New("agents: the turn reached its step limit")
	// ErrEmptyTurn: nothing to answer.
	ErrEmptyTurn = errors.New("agents: empty message")
)

// The approval policies (workspace setting "approval").
const (
	PolicyAgent  = "agent"  // the model's actions wait for a person (default)
	PolicyAlways = "always" // every action through the orchestrator waits
	PolicyNever  = "never"  // nothing waits
)

// Users gives a person's name and time zone (tools/identity.Service).
type Users interface {
	User(ctx context.Context, workspaceID, userID string) (identity.User, error)
}

// Memory is what the prompts include (tools/memory.Service).
type Memory interface {
	Recall(ctx context.Context, c identity.Caller, scope memory.Scope, query string) ([]memory.Item, error)
}

// AccountLister lists the connected accounts for the prompt (tools/accounts.Service).
type AccountLister interface {
	List(ctx context.Context, c identity.Caller, p platform.Name) ([]accounts.Account, error)
}

// Config builds an Orchestrator.
type Config struct {
	Model   llm.Model
	Store   Store
	Prompts *prompts.Set
	Tools   []Tool
	// Users, Memory and Accounts fill the system prompt; each may be nil.
	Users    Users
	Memory   Memory
	Accounts AccountLister
	// Media lists the media shared in the conversation for the turn's
	// context; nil: none are named.
	Media MediaLister
	// Holder records the media a held post uses while its approval waits;
	// nil: none are recorded.
	Holder MediaHolder
	// Defaults remembers the account chosen for a platform; nil: nothing
	// is remembered.
	Defaults DefaultSetter
	// Policy reads a workspace's approval policy; nil means PolicyAgent.
	Policy  func(ctx context.Context, workspaceID string) (string, error)
	Sandbox bool
	// MaxSteps bounds the model calls of one turn (default 8).
	MaxSteps int
	// StepTimeout bounds one model call, its retries included (default 6
	// minutes: a reasoning model may think 2 before it streams); ToolTimeout
	// one tool call (default 5 minutes).
	StepTimeout time.Duration
	ToolTimeout time.Duration
	// Specialists are offered to the model as tools (see DefaultSpecialists).
	Specialists []Specialist
	// Retention reads how long a workspace keeps its conversations (the
	// setting conversation_retention_days); nil: DefaultRetention.
	Retention func(ctx context.Context, workspaceID string) (time.Duration, error)
	// HistoryTokens is the budget of earlier messages sent to the model
	// (default 6000, estimated at 4 characters a token).
	HistoryTokens int
	// PromptTTL is how long what the system prompt says of a person
	// (Users, Memory, Accounts, Policy) is kept for their next turns
	// (DefaultPromptTTL; negative: read on every turn). The orchestrator's
	// own changes show at once; others after at most PromptTTL.
	PromptTTL time.Duration
	Log       zerolog.Logger
	Now       func() time.Time
}

// Orchestrator runs conversations: model, tools, approvals.
type Orchestrator struct {
	cfg     Config
	tools   map[string]Tool
	order   []Tool
	all     *toolset
	prompts *promptCache
}

// toolset is the tools one loop may call, and their definitions, built
// once (the model encodes them once too).
type toolset struct {
	byName map[string]Tool
	defs   *llm.Tools
}

func newToolset(tools []Tool) *toolset {
	ts := &toolset{byName: map[string]Tool{}}
	defs := make([]llm.ToolDef, 0, len(tools))
	for _, t := range tools {
		ts.byName[t.Name] = t
		defs = append(defs, t.Def())
	}
	ts.defs = llm.NewTools(defs)
	return ts
}

// memoryBudget bounds the characters of memory put into a prompt; the
// notes beyond it are named and left to the recall tool.
const memoryBudget = 6000

// historyLoad bounds the messages read for a turn before trimming.
const historyLoad = 200

// New checks cfg and builds the registry; a duplicate tool name is an error.
func New(cfg Config) (*Orchestrator, error) {
	if cfg.Model == nil || cfg.Store == nil || cfg.Prompts == nil {
		return nil, errors.New("agents: a model, a store and the prompts are required")
	}
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = 8
	}
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = 6 * time.Minute
	}
	if cfg.ToolTimeout <= 0 {
		cfg.ToolTimeout = 5 * time.Minute
	}
	if cfg.HistoryTokens <= 0 {
		cfg.HistoryTokens = 6000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PromptTTL == 0 {
		cfg.PromptTTL = DefaultPromptTTL
	}
	o := &Orchestrator{cfg: cfg, tools: map[string]Tool{}, prompts: newPromptCache(cfg.PromptTTL, cfg.Now)}
	for _, t := range cfg.Tools {
		if _, dup := o.tools[t.Name]; dup {
			return nil, fmt.Errorf("agents: tool %s registered twice", t.Name)
		}
		o.tools[t.Name] = t
		o.order = append(o.order, t)
	}
	for _, sp := range cfg.Specialists {
		t, err := o.specialist(sp)
		if err != nil {
			return nil, err
		}
		if _, dup := o.tools[t.Name]; dup {
			return nil, fmt.Errorf("agents: tool %s registered twice", t.Name)
		}
		o.tools[t.Name] = t
		o.order = append(o.order, t)
	}
	o.all = newToolset(o.order)
	return o, nil
}

// Usage sums the caller's workspace's model calls and tokens since since.
func (o *Orchestrator) Usage(ctx context.Context, c identity.Caller, since time.Time) (Usage, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Usage{}, err
	}
	return o.cfg.Store.Usage(ctx, c.WorkspaceID, since)
}

// Tools returns the registry, in registration order.
func (o *Orchestrator) Tools() []Tool { return append([]Tool(nil), o.order...) }

// Run answers one turn: it loads the conversation, calls the model and the
// tools it asks for (concurrently within a step) until the model answers in
// words or MaxSteps is reached (ErrMaxSteps, with Reply.Text saying so), and
// saves what was said. Side-effecting tools wait for approval (see Approve).
// Cancelling ctx stops the turn; what happened so far is saved.
func (o *Orchestrator) Run(ctx context.Context, t Turn, sink Sink) (Reply, error) {
	if strings.TrimSpace(t.Text) == "" {
		return Reply{}, ErrEmptyTurn
	}
	if t.Caller.WorkspaceID == "" || t.Caller.UserID == "" {
		return Reply{}, errors.New("agents: run: the caller has no workspace or user")
	}
	if err := t.Caller.Require(identity.Viewer); err != nil {
		return Reply{}, fmt.Errorf("agents: run: %w", err)
	}
	sink = &lockedSink{s: sink}
	key := ConversationKey{WorkspaceID: t.Caller.WorkspaceID, Channel: t.Channel, Thread: t.Thread}
	if reply, ok, err := o.answer(ctx, t, key); ok || err != nil {
		if reply.Text != "" {
			sink.Delta(reply.Text)
		}
		for _, res := range reply.Results { // a refusal to act on (Convert)
			sink.Result(res)
		}
		for _, a := range reply.Approvals {
			sink.Approval(a)
		}
		return reply, err
	}
	history, err := o.cfg.Store.Messages(ctx, key, historyLoad)
	if err != nil {
		return Reply{}, err
	}
	system, err := o.systemPrompt(ctx, t.Caller)
	if err != nil {
		return Reply{}, err
	}
	shared, named, err := o.turnMedia(ctx, t.Caller, key)
	if err != nil {
		return Reply{}, err
	}
	user := llm.Message{Role: llm.RoleUser, Content: t.Text}
	msgs := append([]llm.Message{{Role: llm.RoleSystem, Content: system}}, trimHistory(history, o.cfg.HistoryTokens)...)
	if named != nil { // fresh each turn, never saved with the conversation
		msgs = append(msgs, *named)
	}
	msgs = append(msgs, user)
	said := []llm.Message{user}
	defer func() {
		if err := o.cfg.Store.AppendMessages(context.WithoutCancel(ctx), key, said, o.cfg.Now()); err != nil {
			o.cfg.Log.Error().Err(err).Str("workspace", key.WorkspaceID).Msg("agents: save conversation")
		}
	}()
	agent := t.Caller
	agent.Door = identity.DoorAgent
	more, reply, err := o.loop(ctx, key, agent, msgs, shared, o.all, sink)
	said = append(said, more...)
	return reply, err
}

// loop calls the model and the tools it asks for until the model answers in
// words, the step bound is reached or ctx ends; it returns the messages it
// added to msgs.
func (o *Orchestrator) loop(ctx context.Context, key ConversationKey, c identity.Caller, msgs []llm.Message, shared []llm.Media, ts *toolset, sink Sink) ([]llm.Message, Reply, error) {
	var said []llm.Message
	var reply Reply
	for reply.Steps < o.cfg.MaxSteps {
		reply.Steps++
		resp, err := o.complete(ctx, key, c, llm.Request{Messages: msgs, Tools: ts.defs, Media: shared}, sink)
		if err != nil {
			reply.Text = modelFailure(ctx, err)
			return said, reply, fmt.Errorf("agents: model %s: %w", o.cfg.Model.Name(), err)
		}
		answer := resp.Message
		answer.Role = llm.RoleAssistant
		msgs, said = append(msgs, answer), append(said, answer)
		if len(answer.ToolCalls) == 0 {
			reply.Text = answer.Content
			return said, reply, nil
		}
		results := o.runTools(ctx, key, c, answer.ToolCalls, ts, sink)
		for _, r := range results {
			msgs, said = append(msgs, r.msg), append(said, r.msg)
			if r.approval != nil {
				reply.Approvals = append(reply.Approvals, *r.approval)
			} else {
				reply.Results = append(reply.Results, r.result)
			}
		}
		if err := ctx.Err(); err != nil {
			reply.Text = "Stopped."
			return said, reply, fmt.Errorf("agents: run: %w", err)
		}
	}
	reply.Text = fmt.Sprintf("I stopped after %d steps without finishing, to stay in bounds. "+
		"Here is where things are; ask again with a narrower request if something is missing.", o.cfg.MaxSteps)
	if len(reply.Approvals) > 0 {
		if n := len(reply.Approvals); n == 1 {
			reply.Text += " 1 action waits for approval."
		} else {
			reply.Text += fmt.Sprintf(" %d actions wait for approval.", n)
		}
	}
	said = append(said, llm.Message{Role: llm.RoleAssistant, Content: reply.Text})
	return said, reply, ErrMaxSteps
}

// complete calls the model once, streaming its text to sink, and records
// the call with its token usage.
func (o *Orchestrator) complete(ctx context.Context, key ConversationKey, c identity.Caller, req llm.Request, sink Sink) (llm.Response, error) {
	sctx, cancel := context.WithTimeout(ctx, o.cfg.StepTimeout)
	defer cancel()
	start := o.cfg.Now()
	req.WorkspaceID, req.Role = c.WorkspaceID, string(c.Role)
	resp, err := o.cfg.Model.Stream(sctx, req, func(d llm.Delta) {
		if d.Text != "" {
			sink.Delta(d.Text)
		}
	})
	if a, ok := sink.(Answerer); ok && err == nil && len(resp.Message.ToolCalls) == 0 {
		a.Answered() // the record and the save below wait; the person need not
	}
	e := Event{Kind: "model", Outcome: "ok", PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if err != nil {
		e.Outcome, e.Error = "error", err.Error()
	}
	o.record(ctx, key, c, e, start)
	return resp, err
}

// modelFailure says in plain words why the model did not answer.
func modelFailure(ctx context.Context, err error) string {
	if ctx.Err() != nil {
		return "Stopped."
	}
	return "I could not get an answer: " + llm.Plain(err) + "."
}

func (o *Orchestrator) record(ctx context.Context, key ConversationKey, c identity.Caller, e Event, start time.Time) {
	now := o.cfg.Now()
	e.ID, e.WorkspaceID, e.Channel, e.Thread, e.UserID = newID(), key.WorkspaceID, key.Channel, key.Thread, c.UserID
	e.Duration, e.CreatedAt = now.Sub(start), now
	if err := o.cfg.Store.RecordEvent(context.WithoutCancel(ctx), e); err != nil {
		o.cfg.Log.Error().Err(err).Str("workspace", key.WorkspaceID).Msg("agents: record event")
	}
}

// policy reads the workspace's approval policy; when it cannot be read,
// actions wait (the safe side).
func (o *Orchestrator) policy(ctx context.Context, workspaceID string) string {
	if o.cfg.Policy == nil {
		return PolicyAgent
	}
	p, err := o.cfg.Policy(ctx, workspaceID)
	if err != nil {
		o.cfg.Log.Warn().Err(err).Str("workspace", workspaceID).Msg("agents: approval policy unreadable; actions wait for approval")
		return PolicyAgent
	}
	switch p {
	case PolicyAgent, PolicyAlways, PolicyNever:
		return p
	case "":
		return PolicyAgent
	}
	o.cfg.Log.Warn().Str("workspace", workspaceID).Str("policy", p).Msg("agents: unknown approval policy; actions wait for approval")
	return PolicyAgent
}

// lockedSink lets the concurrent tool calls of a step report one at a time.
type lockedSink struct {
	mu sync.Mutex
	s  Sink
}

func (l *lockedSink) Delta(text string) {
	if l.s == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Delta(text)
}

func (l *lockedSink) Progress(p Progress) {
	if l.s == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Progress(p)
}

func (l *lockedSink) Result(r Result) {
	if l.s == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Result(r)
}

// Answered passes the end of the answer on to a sink that wants it.
func (l *lockedSink) Answered() {
	a, ok := l.s.(Answerer)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	a.Answered()
}

func (l *lockedSink) Approval(a Approval) {
	if l.s == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Approval(a)
}
