package agents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// ToolError is a failure with a message written for the model (and the
// person): what went wrong and what to do. Tools return it for the errors
// they know; any other error reaches the model as a generic failure and is
// logged, so internal details stay out of the conversation.
type ToolError struct {
	Message string
	Err     error
}

func (e *ToolError) Error() string { return e.Message }
func (e *ToolError) Unwrap() error { return e.Err }

// Say wraps err with a message for the model.
func Say(err error, format string, args ...any) error {
	return &ToolError{Message: fmt.Sprintf(format, args...), Err: err}
}

func newID() string { return store.NewID() }

// digest identifies a call's arguments without keeping them.
func digest(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:8])
}

// toolResult is one call's answer to the model.
type toolResult struct {
	msg      llm.Message
	approval *Approval
}

// runTools runs a step's calls concurrently and returns their answers in
// the order the model asked for them.
func (o *Orchestrator) runTools(ctx context.Context, key ConversationKey, c identity.Caller, policy string, calls []llm.ToolCall, ts *toolset, sink Sink) []toolResult {
	out := make([]toolResult, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() {
			content, a := o.runTool(ctx, key, c, policy, call, ts, sink)
			out[i] = toolResult{msg: llm.Message{Role: llm.RoleTool, ToolCallID: call.ID, Name: call.Name, Content: content}, approval: a}
		})
	}
	wg.Wait()
	return out
}

// errorContent is a tool message saying what went wrong.
func errorContent(msg string) string {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return string(b)
}

// runTool runs one call, or holds it for approval, and records it.
func (o *Orchestrator) runTool(ctx context.Context, key ConversationKey, c identity.Caller, policy string, call llm.ToolCall, ts *toolset, sink Sink) (string, *Approval) {
	start := o.cfg.Now()
	e := Event{Kind: "tool", Tool: call.Name, ArgsDigest: digest(call.Arguments)}
	defer func() { o.record(ctx, key, c, e, start) }()
	t, ok := ts.byName[call.Name]
	if !ok {
		e.Outcome, e.Error = "unknown_tool", "unknown tool"
		return errorContent(fmt.Sprintf("there is no tool %q; the tools are: %s", call.Name, strings.Join(ts.names(), ", "))), nil
	}
	raw := json.RawMessage(call.Arguments)
	if err := t.Validate(raw); err != nil {
		e.Outcome, e.Error = "invalid", err.Error()
		return errorContent(err.Error() + ". Correct the arguments and call again."), nil
	}
	if t.SideEffect {
		a, err := o.gate(ctx, key, c, t, raw, policy)
		if err != nil {
			e.Outcome, e.Error = "error", err.Error()
			return errorContent(o.modelMessage(ctx, t.Name, err)), nil
		}
		if a != nil {
			e.Outcome = "awaiting_approval"
			sink.Approval(*a)
			return heldContent(*a), a
		}
	}
	sink.Progress(Progress{Tool: t.Name, Status: ProgressStarted, Text: progressText(t.Name)})
	tctx, cancel := context.WithTimeout(ctx, o.cfg.ToolTimeout)
	defer cancel()
	res, err := t.Call(withConversation(tctx, key, sink), c, raw)
	p := Progress{Tool: t.Name, Status: ProgressDone, Text: progressText(t.Name), Duration: o.cfg.Now().Sub(start)}
	if err != nil {
		p.Status = ProgressFailed
		sink.Progress(p)
		e.Outcome, e.Error = "error", err.Error()
		return errorContent(o.modelMessage(ctx, t.Name, err)), nil
	}
	sink.Progress(p)
	b, err := json.Marshal(res)
	if err != nil {
		e.Outcome, e.Error = "error", err.Error()
		return errorContent(o.modelMessage(ctx, t.Name, err)), nil
	}
	e.Outcome = "ok"
	return string(b), nil
}

// progressText is what a door shows while a tool runs.
func progressText(name string) string {
	return "Running " + strings.ReplaceAll(name, "_", " ") + "…"
}

// modelMessage is what the model is told about a failure: the tool's own
// words when it has them, a generic line (and a log entry) otherwise.
func (o *Orchestrator) modelMessage(ctx context.Context, tool string, err error) string {
	var te *ToolError
	var ae *ArgsError
	switch {
	case errors.As(err, &te):
		return te.Message
	case errors.As(err, &ae):
		return ae.Error()
	case errors.Is(err, identity.ErrForbidden):
		return "the person you act for may not do this: " + err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return tool + " took too long and was stopped; try again later"
	case ctx.Err() != nil:
		return "stopped: the conversation was cancelled"
	}
	o.cfg.Log.Error().Err(err).Str("tool", tool).Msg("agents: tool failed")
	return tool + " failed because of an internal error; tell the person to try again shortly"
}

func (ts *toolset) names() []string {
	names := make([]string, 0, len(ts.byName))
	for n := range ts.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// trimHistory keeps the latest messages within budget tokens (estimated at
// four characters a token), never separating an assistant's tool calls from
// their results and never starting with a tool result.
func trimHistory(history []llm.Message, budget int) []llm.Message {
	var groups [][]llm.Message
	for _, m := range history {
		if m.Role == llm.RoleTool && len(groups) > 0 {
			groups[len(groups)-1] = append(groups[len(groups)-1], m)
			continue
		}
		groups = append(groups, []llm.Message{m})
	}
	used, first := 0, len(groups)
	for i := len(groups) - 1; i >= 0; i-- {
		n := 0
		for _, m := range groups[i] {
			n += estimateTokens(m)
		}
		if used+n > budget {
			break
		}
		used, first = used+n, i
	}
	var out []llm.Message
	for _, g := range groups[first:] {
		if len(out) == 0 && g[0].Role == llm.RoleTool {
			continue
		}
		out = append(out, g...)
	}
	return out
}

func estimateTokens(m llm.Message) int {
	n := len(m.Content)
	for _, tc := range m.ToolCalls {
		n += len(tc.Name) + len(tc.Arguments)
	}
	return n/4 + 4
}
