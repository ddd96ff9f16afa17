package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// ErrDecided is returned when an approval is no longer pending: someone
// approved or rejected it already (possibly on another replica).
var ErrDecided = errors.New("agents: approval already decided")

// ErrInvalid wraps a request that cannot be read (an unknown status).
var ErrInvalid = errors.New("agents: invalid request")

// ApprovalResult is what deciding an approval did.
type ApprovalResult struct {
	Approval Approval
	// Result is the action's result (approved and done), as JSON.
	Result json.RawMessage
	// Value is the same result typed, or a fault.Failure when the action
	// failed, for a door to render (bot/present).
	Value any
	// Text is what the assistant says happened, naming no one ("Approved
	// and done: …", "Going to Acme on X."): the person reading it is the one
	// who decided. A door that tells others writes Approval.DecidedBy its
	// own way (bot/present.Decided).
	Text string
}

// file stores a held call as approval a (its status, preview and checks set).
func (o *Orchestrator) file(ctx context.Context, key ConversationKey, c identity.Caller, t Tool, raw json.RawMessage, a Approval) (Approval, error) {
	a.ID, a.WorkspaceID, a.Channel, a.Thread, a.RequestedBy = newID(), key.WorkspaceID, key.Channel, key.Thread, c.UserID
	a.Tool, a.Args, a.CreatedAt = t.Name, raw, o.cfg.Now().UTC()
	if err := o.hold(ctx, c, a.ID, raw); err != nil {
		return Approval{}, err
	}
	if err := o.cfg.Store.CreateApproval(ctx, a); err != nil {
		o.release(ctx, a)
		return Approval{}, err
	}
	return a, nil
}

// decider loads a pending approval of c's workspace and checks c may
// decide it: the person who asked, or an admin; a viewer never.
func (o *Orchestrator) decider(ctx context.Context, c identity.Caller, id string) (Approval, error) {
	return o.deciderOf(ctx, c, id, ApprovalPending)
}

// deciderOf is decider for an approval that must be in one of statuses.
func (o *Orchestrator) deciderOf(ctx context.Context, c identity.Caller, id string, statuses ...ApprovalStatus) (Approval, error) {
	if c.Role == identity.Viewer || !c.Role.AtLeast(identity.Viewer) {
		return Approval{}, fmt.Errorf("%w: a viewer cannot decide approvals", identity.ErrForbidden)
	}
	a, err := o.cfg.Store.GetApproval(ctx, c.WorkspaceID, id)
	if err != nil {
		return Approval{}, err
	}
	if a.RequestedBy != c.UserID && c.Role != identity.Admin {
		return Approval{}, fmt.Errorf("%w: only the person who asked or an admin can decide this", identity.ErrForbidden)
	}
	if !slices.Contains(statuses, a.Status) {
		return a, fmt.Errorf("%w: it is %s", ErrDecided, a.Status)
	}
	return a, nil
}

// Approve runs a pending action exactly once, however many people or
// replicas approve it at the same time, as c with the agent door, and
// appends the outcome to its conversation.
func (o *Orchestrator) Approve(ctx context.Context, c identity.Caller, approvalID string) (ApprovalResult, error) {
	a, err := o.decider(ctx, c, approvalID)
	if err != nil {
		return ApprovalResult{Approval: a}, err
	}
	claimed, ok, err := o.cfg.Store.ClaimApproval(ctx, c.WorkspaceID, approvalID, ApprovalRunning, c.UserID, "", o.cfg.Now().UTC())
	if err != nil {
		return ApprovalResult{}, err
	}
	if !ok {
		return ApprovalResult{Approval: claimed}, fmt.Errorf("%w: it is %s", ErrDecided, claimed.Status)
	}
	key := ConversationKey{WorkspaceID: a.WorkspaceID, Channel: a.Channel, Thread: a.Thread}
	runner := c
	runner.Door = identity.DoorAgent
	start := o.cfg.Now()
	e := Event{Kind: "tool", Tool: a.Tool, ArgsDigest: digest(string(a.Args)), Outcome: "ok"}
	var res json.RawMessage
	var value any
	var failure string
	t, known := o.tools[a.Tool]
	if !known {
		failure = fmt.Sprintf("the tool %s no longer exists", a.Tool)
		value = fault.Failure{Kind: fault.Internal}
	} else {
		// Claimed, the action runs to its end even if the person who
		// clicked goes away: a half-done publish helps nobody.
		args := a.Args
		if len(a.Checks.Duplicates) > 0 { // approving a warned post is "post anyway"
			args, err = setArg(args, "allow_duplicate", true)
		}
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.cfg.ToolTimeout)
		var out any
		if err == nil {
			out, err = t.Call(tctx, runner, args)
			o.changed(c.WorkspaceID, t)
		}
		cancel()
		if err == nil {
			res, err = json.Marshal(out)
			value = out
		}
		if err != nil {
			failure, value = o.failure(ctx, a.Tool, err)
		}
	}
	bg := context.WithoutCancel(ctx)
	who := o.deciderName(bg, c, a)
	status, text, note := ApprovalDone, "Approved and done: "+a.Preview, fmt.Sprintf("Approved by %s and done: %s", who, a.Preview)
	if failure != "" {
		status, text, note = ApprovalFailed, "Approved, but it failed: "+failure, fmt.Sprintf("Approved by %s, but it failed: %s", who, failure)
		e.Outcome, e.Error = "error", failure
	}
	o.record(bg, key, runner, e, start)
	o.release(bg, a) // the post made, if any, holds its media now
	if err := o.cfg.Store.FinishApproval(bg, c.WorkspaceID, approvalID, status, res, failure, o.cfg.Now().UTC()); err != nil {
		return ApprovalResult{}, err
	}
	if res != nil {
		note += "\nResult: " + string(res)
	}
	o.appendNote(bg, key, approvalID, note)
	a.Status, a.DecidedBy, a.Result, a.Error = status, c.UserID, res, failure
	return ApprovalResult{Approval: a, Result: res, Value: value, Text: text}, nil
}

// MaxReasonChars is the longest reason a rejection keeps: it is stored,
// shown in every door and told to the model.
const MaxReasonChars = 1000

// Reject drops a pending action, saying why (at most MaxReasonChars
// characters, else ErrInvalid), and tells the conversation.
func (o *Orchestrator) Reject(ctx context.Context, c identity.Caller, approvalID, reason string) (ApprovalResult, error) {
	if n := utf8.RuneCountInString(reason); n > MaxReasonChars {
		return ApprovalResult{}, fmt.Errorf("%w: the reason is %d characters long; say it in at most %d", ErrInvalid, n, MaxReasonChars)
	}
	if _, err := o.deciderOf(ctx, c, approvalID, ApprovalPending, ApprovalAsking); err != nil {
		return ApprovalResult{}, err
	}
	a, ok, err := o.cfg.Store.ClaimApproval(ctx, c.WorkspaceID, approvalID, ApprovalRejected, c.UserID, reason, o.cfg.Now().UTC())
	if err != nil {
		return ApprovalResult{}, err
	}
	if !ok {
		return ApprovalResult{Approval: a}, fmt.Errorf("%w: it is %s", ErrDecided, a.Status)
	}
	o.release(ctx, a)
	text, note := "Rejected: "+a.Preview, fmt.Sprintf("Rejected by %s: %s", o.deciderName(context.WithoutCancel(ctx), c, a), a.Preview)
	if reason != "" {
		text += " (reason: " + reason + ")"
		note += " (reason: " + reason + ")"
	}
	o.appendNote(context.WithoutCancel(ctx), ConversationKey{WorkspaceID: a.WorkspaceID, Channel: a.Channel, Thread: a.Thread}, approvalID, note)
	return ApprovalResult{Approval: a, Text: text}, nil
}

// deciderName is how the conversation's note names c, who decided a: by
// their display name, else by what they are to it, so the model never
// learns (and repeats) a bare id.
func (o *Orchestrator) deciderName(ctx context.Context, c identity.Caller, a Approval) string {
	if o.cfg.Users != nil {
		if u, err := o.cfg.Users.User(ctx, c.WorkspaceID, c.UserID); err == nil && u.DisplayName != "" {
			return u.DisplayName
		}
	}
	if c.UserID == a.RequestedBy {
		return "the person who asked"
	}
	return "an admin"
}

// appendNote adds a decision to the conversation, so the model knows it.
func (o *Orchestrator) appendNote(ctx context.Context, key ConversationKey, approvalID, text string) {
	msg := llm.Message{Role: llm.RoleAssistant, Content: "[approval " + approvalID + "] " + text}
	if err := o.cfg.Store.AppendMessages(ctx, key, []llm.Message{msg}, o.cfg.Now()); err != nil {
		o.cfg.Log.Error().Err(err).Str("approval", approvalID).Msg("agents: append approval outcome")
	}
}

// appendRefused adds to the conversation an answered question whose
// account refused the post: the call as it would have run, and its
// refusal, so the model knows and a Convert can propose it again.
func (o *Orchestrator) appendRefused(ctx context.Context, key ConversationKey, approvalID, text string, call llm.ToolCall, msg string) {
	msgs := []llm.Message{
		{Role: llm.RoleAssistant, Content: "[approval " + approvalID + "] " + text, ToolCalls: []llm.ToolCall{call}},
		{Role: llm.RoleTool, ToolCallID: call.ID, Name: call.Name, Content: errorContent(msg)},
	}
	if err := o.cfg.Store.AppendMessages(ctx, key, msgs, o.cfg.Now()); err != nil {
		o.cfg.Log.Error().Err(err).Str("approval", approvalID).Msg("agents: append a refused answer")
	}
}

// Approvals lists the caller's workspace's approvals, newest first (with
// status when set: asking, pending, running, done, failed, rejected). Any role.
func (o *Orchestrator) Approvals(ctx context.Context, c identity.Caller, status string) ([]Approval, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	switch st := ApprovalStatus(status); st {
	case "", ApprovalAsking, ApprovalPending, ApprovalRunning, ApprovalDone, ApprovalFailed, ApprovalRejected:
		return o.cfg.Store.ListApprovals(ctx, c.WorkspaceID, st, 100)
	}
	return nil, fmt.Errorf("%w: unknown status %q (want asking, pending, running, done, failed or rejected)", ErrInvalid, status)
}

// interrupted is what an approval whose run a crash cut off says.
const interrupted = "the action was interrupted (the server stopped while it ran); check whether it happened (posts, jobs) before asking again"

// SweepApprovals fails the approvals whose run was cut off by a crash:
// still running well past the tool timeout (four times it, and at least
// 30 minutes), so no live run is taken for dead; their media are released.
// A recurring job calls it.
func (o *Orchestrator) SweepApprovals(ctx context.Context) (int64, error) {
	now := o.cfg.Now().UTC()
	cut, err := o.cfg.Store.AbandonApprovals(ctx, now.Add(-max(4*o.cfg.ToolTimeout, 30*time.Minute)), interrupted, now)
	for _, a := range cut {
		o.release(ctx, a)
	}
	return int64(len(cut)), err
}
