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
	"github.com/marketingminds/marketingminds/tools/fault"
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
	result   Result
	approval *Approval
}

// runTools runs a step's calls concurrently and returns their answers in
// the order the model asked for them.
func (o *Orchestrator) runTools(ctx context.Context, key ConversationKey, c identity.Caller, calls []llm.ToolCall, ts *toolset, sink Sink) []toolResult {
	out := make([]toolResult, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() {
			content, v, a := o.runTool(ctx, key, c, call, ts, sink)
			out[i] = toolResult{msg: llm.Message{Role: llm.RoleTool, ToolCallID: call.ID, Name: call.Name, Content: content},
				result: Result{Tool: call.Name, Value: v}, approval: a}
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

// runTool runs one call, or holds it for approval, and records it. It
// returns the model's JSON of the result, the typed result (a
// fault.Failure when the call failed) and the approval that holds it.
func (o *Orchestrator) runTool(ctx context.Context, key ConversationKey, c identity.Caller, call llm.ToolCall, ts *toolset, sink Sink) (string, any, *Approval) {
	start := o.cfg.Now()
	e := Event{Kind: "tool", Tool: call.Name, ArgsDigest: digest(call.Arguments)}
	defer func() { o.record(ctx, key, c, e, start) }()
	failed := func(err error) (string, any, *Approval) {
		e.Outcome, e.Error = "error", err.Error()
		msg, f := o.failure(ctx, call.Name, err)
		sink.Result(Result{Tool: call.Name, Value: f})
		return errorContent(msg), f, nil
	}
	t, ok := ts.byName[call.Name]
	if !ok {
		e.Outcome, e.Error = "unknown_tool", "unknown tool"
		f := fault.Failure{Kind: fault.Internal, Ref: fault.NewRef()}
		o.cfg.Log.Warn().Str("tool", call.Name).Str("ref", f.Ref).Msg("agents: the model called an unknown tool")
		return errorContent(fmt.Sprintf("there is no tool %q; the tools are: %s", call.Name, strings.Join(ts.names(), ", "))), f, nil
	}
	raw := json.RawMessage(call.Arguments)
	if err := t.Validate(raw); err != nil {
		content, f, _ := failed(err)
		e.Outcome = "invalid"
		return content, f, nil
	}
	if t.SideEffect {
		a, err := o.gate(ctx, key, c, t, raw)
		if err != nil {
			return failed(err)
		}
		if a != nil {
			e.Outcome = "awaiting_approval"
			sink.Approval(*a)
			return heldContent(*a), *a, a
		}
	}
	sink.Progress(Progress{Tool: t.Name, Status: ProgressStarted, Text: progressText(t.Name)})
	tctx, cancel := context.WithTimeout(ctx, o.cfg.ToolTimeout)
	defer cancel()
	res, err := t.Call(withConversation(tctx, key, sink), c, raw)
	o.changed(c.WorkspaceID, t)
	p := Progress{Tool: t.Name, Status: ProgressDone, Text: progressText(t.Name), Duration: o.cfg.Now().Sub(start)}
	if err != nil {
		p.Status = ProgressFailed
		sink.Progress(p)
		return failed(err)
	}
	sink.Progress(p)
	b, err := json.Marshal(res)
	if err != nil {
		return failed(err)
	}
	e.Outcome = "ok"
	sink.Result(Result{Tool: t.Name, Value: res})
	return string(b), res, nil
}

// changed notes that a call of t ran in workspaceID: one of a tool that
// changes something drops the workspace's kept prompt data.
func (o *Orchestrator) changed(workspaceID string, t Tool) {
	if !t.effects.ReadOnly {
		o.prompts.forget(workspaceID)
	}
}

// progressWords are what a door shows while a tool runs.
var progressWords = map[string]string{
	"publish_post": "Publishing the post…", "schedule_post": "Scheduling the post…", "retry_post": "Sending the post again…",
	"draft_post": "Checking the draft…", "list_posts": "Looking up your posts…", "list_accounts": "Looking up your accounts…",
	"connect_account": "Preparing the link…", "disconnect_account": "Disconnecting the account…",
	"list_jobs": "Looking at what is scheduled…", "cancel_job": "Cancelling…", "get_analytics": "Reading your figures…",
	"best_time_to_post": "Working out the best times…", "get_dashboard": "Gathering the overview…",
	"remember": "Noting that…", "recall": "Looking through the notes…",
	"review_analytics": "Reviewing your figures…", "save_to_library": "Saving it to the library…",
	"search_library": "Looking through the library…", "suggest_hashtags": "Finding hashtags…",
	"list_media": "Looking at your images and videos…", "set_media_alt": "Saving the alt text…", "delete_media": "Deleting the file…",
	"convert_media": "Converting the image…", "list_mailing_lists": "Looking up your mailing lists…",
	"create_email_campaign": "Preparing the e-mail campaign…", "schedule_email_campaign": "Scheduling the e-mail…",
	"email_report": "Reading the e-mail's figures…", "crm_summary": "Reading the CRM…", "search_leads": "Searching the leads…",
	"create_campaign_plan": "Setting up the campaign…", "default_account": "Setting the default account…",
	"list_account_groups": "Looking up your account groups…", "save_account_group": "Saving the account group…",
	"delete_account_group": "Deleting the account group…", "list_inbox": "Looking through the inbox…",
	"reply_to_comment": "Sending the reply…", "like_comment": "Liking it…", "hide_comment": "Hiding the comment…",
	"close_inbox_item": "Marking it done…",
}

// progressText is what a door shows while a tool runs.
func progressText(name string) string {
	if w, ok := progressWords[name]; ok {
		return w
	}
	return "Working on " + strings.ReplaceAll(name, "_", " ") + "…"
}

// failure is a failed call as the model and a person see it: the model's
// message (modelMessage) and the classified failure, whose Ref names the
// log entry holding the detail.
func (o *Orchestrator) failure(ctx context.Context, tool string, err error) (string, fault.Failure) {
	f := fault.Of(err, o.cfg.Now())
	var te *ToolError
	var ae *ArgsError
	switch {
	case errors.As(err, &te) && (f.Kind == fault.Internal || f.Kind == ""):
		f = fault.Failure{Kind: fault.Validation, Message: te.Message}
	case errors.As(err, &ae):
		f = fault.Failure{Kind: fault.Internal}
	case errors.Is(err, identity.ErrForbidden):
		f = fault.Failure{Kind: fault.Forbidden}
	case errors.Is(err, context.DeadlineExceeded):
		f = fault.Failure{Kind: fault.Temporary}
	}
	f.Ref = fault.NewRef()
	msg := o.modelMessage(ctx, tool, err)
	if f.Kind != fault.Internal {
		o.cfg.Log.Info().Err(err).Str("tool", tool).Str("ref", f.Ref).Str("kind", string(f.Kind)).Msg("agents: tool failed")
	} else {
		o.cfg.Log.Error().Err(err).Str("tool", tool).Str("ref", f.Ref).Msg("agents: tool failed")
	}
	return msg, f
}

// modelMessage is what the model is told about a failure: the tool's own
// words when it has them, a generic line otherwise (failure logs it).
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
