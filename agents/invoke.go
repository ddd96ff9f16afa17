package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// The statuses of an Invocation.
const (
	InvocationDone             = "ok"
	InvocationAwaitingApproval = "awaiting_approval"
)

// Invocation is what a direct tool call (Invoke) did: the tool ran and
// answered Result, or it changes things and waits for a person (Approval).
type Invocation struct {
	Tool   string          `json:"tool"`
	Status string          `json:"status"` // InvocationDone or InvocationAwaitingApproval
	Result json.RawMessage `json:"result,omitempty"`
	// Value is the same result typed, for a door to render (bot/present).
	Value any `json:"-"`
	// Approval is the pending approval a side-effecting call waits for.
	Approval *Approval `json:"approval,omitempty"`
}

// Invoke calls one tool of the registry directly, for a door whose caller
// is itself an agent (an MCP client): the arguments are validated, the
// approval gate of the model's calls holds it (a side-effecting tool waits
// as a pending approval under the workspace's policy, as in Run), read-only
// tools run, and the call is recorded in agent_events. A viewer may call
// only tools declared ReadOnly. Approvals are filed under the conversation
// (c.Door, c.UserID), where their outcome is noted.
//
// Errors: ErrUnknownTool, *ArgsError, identity.ErrForbidden, or a
// *ToolError whose message says what went wrong in words.
func (o *Orchestrator) Invoke(ctx context.Context, c identity.Caller, name string, args json.RawMessage) (Invocation, error) {
	if c.WorkspaceID == "" || c.UserID == "" {
		return Invocation{}, errors.New("agents: invoke: the caller has no workspace or user")
	}
	if err := c.Require(identity.Viewer); err != nil {
		return Invocation{}, fmt.Errorf("agents: invoke: %w", err)
	}
	t, known := o.tools[name]
	if known && !t.Effects().ReadOnly && !c.Role.AtLeast(identity.Editor) {
		return Invocation{}, fmt.Errorf("%w: %s changes things and needs the editor role; a viewer can call read-only tools only", identity.ErrForbidden, name)
	}
	key := ConversationKey{WorkspaceID: c.WorkspaceID, Channel: string(c.Door), Thread: c.UserID}
	watch := &invokeSink{tool: name}
	call := llm.ToolCall{ID: newID(), Name: name, Arguments: string(orEmpty(args))}
	content, value, held := o.runTool(ctx, key, c, call, o.all, watch)
	inv := Invocation{Tool: name}
	switch {
	case held != nil:
		inv.Status, inv.Approval = InvocationAwaitingApproval, held
		return inv, nil
	case watch.ended() == ProgressDone:
		inv.Status, inv.Result, inv.Value = InvocationDone, json.RawMessage(content), value
		return inv, nil
	case !known:
		return inv, fmt.Errorf("%w %q; the tools are: %s", ErrUnknownTool, name, strings.Join(o.all.names(), ", "))
	}
	if err := t.Validate(args); err != nil {
		return inv, err
	}
	var failed struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(content), &failed); err != nil || failed.Error == "" {
		failed.Error = name + " failed"
	}
	return inv, &ToolError{Message: failed.Error}
}

// Prompt renders, for c now, the assistant's system prompt (name "") or a
// specialist's (prompts.Specialists), with the person, their time zone,
// memory, accounts and the approval policy.
func (o *Orchestrator) Prompt(ctx context.Context, c identity.Caller, name string) (string, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return "", fmt.Errorf("agents: prompt: %w", err)
	}
	if name == "" {
		return o.systemPrompt(ctx, c)
	}
	v, err := o.promptData(ctx, c)
	if err != nil {
		return "", err
	}
	return o.cfg.Prompts.Specialist(name, v)
}

// invokeSink notes how a direct call's run ended. A specialist's own tool
// calls report through it too, concurrently: only the called tool counts.
type invokeSink struct {
	tool   string
	mu     sync.Mutex
	status string
}

func (s *invokeSink) Delta(string)      {}
func (s *invokeSink) Approval(Approval) {}
func (s *invokeSink) Result(Result)     {}

func (s *invokeSink) Progress(p Progress) {
	if p.Tool != s.tool {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = p.Status
}

func (s *invokeSink) ended() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}
