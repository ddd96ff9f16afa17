package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// DefaultSetter remembers a workspace's default account for a platform
// (*publish.Resolver).
type DefaultSetter interface {
	SetDefault(ctx context.Context, c identity.Caller, p platform.Name, account string) (publish.Target, error)
}

// gate holds a side-effecting call: for approval under the workspace's
// policy (read now, never from a kept prompt), or, when nothing waits
// (PolicyNever), only when a person must answer first (which account?) or
// accept a duplicate. nil means: run it now.
func (o *Orchestrator) gate(ctx context.Context, key ConversationKey, c identity.Caller, t Tool, raw json.RawMessage) (*Approval, error) {
	a, err := t.gateCheck(ctx, c, raw)
	if err != nil {
		return nil, err
	}
	if a.Status == ApprovalPending && len(a.Checks.Duplicates) == 0 && o.policy(ctx, c.WorkspaceID) == PolicyNever {
		return nil, nil
	}
	a, err = o.file(ctx, key, c, t, raw, a)
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// heldContent is what the model is told of a held call.
func heldContent(a Approval) string {
	m := map[string]any{"status": "awaiting_approval", "approval_id": a.ID, "summary": a.Preview}
	switch {
	case a.Status == ApprovalAsking && a.Checks.Choice != nil:
		opts := make([]string, len(a.Checks.Choice.Options))
		for i, t := range a.Checks.Choice.Options {
			opts[i] = t.Label()
		}
		m = map[string]any{"status": "awaiting_choice", "approval_id": a.ID, "question": a.Preview, "options": opts,
			"note": "the person was asked and answers with a button or in words; do not call the tool again"}
	case len(a.Checks.Duplicates) > 0:
		warn := make([]string, len(a.Checks.Duplicates))
		for i, d := range a.Checks.Duplicates {
			warn[i] = d.Message()
		}
		m["warnings"] = warn
		m["note"] = "the person was offered post anyway or cancel"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// Choose answers an asking approval's question (which account?) with
// accountID, one of its options, as c (who asked, or an admin). The same
// action continues: the next question, or the approval of the post to the
// accounts chosen (run at once when the workspace turned approval off).
// remember makes the account the workspace's default for its platform.
func (o *Orchestrator) Choose(ctx context.Context, c identity.Caller, approvalID, accountID string, remember bool) (ApprovalResult, error) {
	a, err := o.deciderOf(ctx, c, approvalID, ApprovalAsking)
	if err != nil {
		return ApprovalResult{Approval: a}, err
	}
	ch := a.Checks.Choice
	if ch == nil {
		return ApprovalResult{Approval: a}, fmt.Errorf("%w: approval %s asks nothing", ErrInvalid, approvalID)
	}
	i := slices.IndexFunc(ch.Options, func(t publish.Target) bool { return t.AccountID == accountID })
	if i < 0 {
		return ApprovalResult{Approval: a}, fmt.Errorf("%w: %q is not one of the %s accounts offered", ErrInvalid, accountID, ch.Platform.Label())
	}
	chosen := ch.Options[i]
	t, known := o.tools[a.Tool]
	if !known {
		return ApprovalResult{Approval: a}, fmt.Errorf("%w: the tool %s no longer exists", ErrInvalid, a.Tool)
	}
	args, err := addAccount(a.Args, accountID)
	if err != nil {
		return ApprovalResult{}, err
	}
	runner := c
	runner.Door = identity.DoorAgent
	key := ConversationKey{WorkspaceID: a.WorkspaceID, Channel: a.Channel, Thread: a.Thread}
	next, err := t.gateCheck(ctx, runner, args)
	if err != nil { // the post cannot go to the account chosen: say why, ask nothing more
		msg, f := o.failure(ctx, a.Tool, err)
		// The reason kept is the person's words; the model gets the tool's.
		text := fmt.Sprintf("%s cannot take this post: %s", chosen.Label(), refusalWords(f))
		if _, _, rerr := o.cfg.Store.ClaimApproval(ctx, c.WorkspaceID, approvalID, ApprovalRejected, c.UserID, text, o.cfg.Now().UTC()); rerr != nil {
			return ApprovalResult{}, rerr
		}
		a.Status, a.DecidedBy, a.Reason = ApprovalRejected, c.UserID, text
		o.release(ctx, a)
		o.appendRefused(context.WithoutCancel(ctx), key, approvalID, text, llm.ToolCall{ID: "choose_" + newID(), Name: a.Tool, Arguments: string(args)}, msg)
		return ApprovalResult{Approval: a, Text: text, Value: f}, nil
	}
	next.Args, next.Checks.Chosen = args, append(a.Checks.Chosen, chosen)
	ok, err := o.cfg.Store.AnswerApproval(ctx, c.WorkspaceID, approvalID, a.Args, next)
	if err != nil {
		return ApprovalResult{}, err
	}
	if !ok {
		cur, _ := o.cfg.Store.GetApproval(ctx, c.WorkspaceID, approvalID)
		return ApprovalResult{Approval: cur}, fmt.Errorf("%w: someone answered first", ErrDecided)
	}
	a.Args, a.Preview, a.Status, a.Checks = next.Args, next.Preview, next.Status, next.Checks
	text := "Going to " + chosen.Label() + "."
	if remember {
		text += " " + o.remember(ctx, c, chosen)
	} else if o.cfg.Defaults != nil {
		text += fmt.Sprintf(" Say “remember” to always use it for %s.", chosen.Platform.Label())
	}
	o.appendNote(context.WithoutCancel(ctx), key, approvalID, text)
	if a.Status == ApprovalPending && len(a.Checks.Duplicates) == 0 && o.policy(ctx, c.WorkspaceID) == PolicyNever {
		res, err := o.Approve(ctx, c, approvalID)
		res.Text = text + " " + res.Text
		return res, err
	}
	return ApprovalResult{Approval: a, Text: text}, nil
}

// refusalWords is why a post was refused, for a person: the failure's own
// words (the model gets the tool's, which may name a package).
func refusalWords(f fault.Failure) string {
	if f.Message != "" {
		return f.Message
	}
	return "something went wrong on our side (ref " + f.Ref + ")"
}

// remember makes t the default for its platform and says so.
func (o *Orchestrator) remember(ctx context.Context, c identity.Caller, t publish.Target) string {
	if o.cfg.Defaults == nil {
		return "I cannot remember defaults on this server."
	}
	if _, err := o.cfg.Defaults.SetDefault(ctx, c, t.Platform, t.AccountID); err != nil {
		return "I could not remember it: " + o.modelMessage(ctx, "remember", known(err))
	}
	return fmt.Sprintf("From now on, posts to %s go to %s (change it with /mm default %s).",
		t.Platform.Label(), t.Name, strings.ToLower(t.Platform.Label()))
}

// Remember makes the accounts chosen for an approval the workspace's
// defaults for their platforms ("remember that", a Remember button).
func (o *Orchestrator) Remember(ctx context.Context, c identity.Caller, approvalID string) (string, error) {
	if err := c.Require(identity.Editor); err != nil {
		return "", err
	}
	a, err := o.cfg.Store.GetApproval(ctx, c.WorkspaceID, approvalID)
	if err != nil {
		return "", err
	}
	if len(a.Checks.Chosen) == 0 {
		return "", fmt.Errorf("%w: no account was chosen for this post", ErrInvalid)
	}
	var out []string
	for _, t := range a.Checks.Chosen {
		out = append(out, o.remember(ctx, c, t))
	}
	return strings.Join(out, " "), nil
}
