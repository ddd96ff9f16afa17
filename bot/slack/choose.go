package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Action ids of a question's buttons: an account, or an account to
// remember as the platform's default.
const (
	actChoose   = "mm_choose"
	actRemember = "mm_choose_remember"
)

// choiceBlocks asks an approval's question: a button per account, a button
// per account to choose and remember it, and Cancel.
func choiceBlocks(a Approval) []slack.Block {
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(":point_right: *%s* (asked by <@%s>)", a.Summary, a.RequestedBy)), nil, nil)}
	var pick, keep []slack.BlockElement
	for _, o := range a.Options {
		value := a.ID + "|" + o.AccountID
		pick = append(pick, slack.NewButtonBlockElement(actChoose, value, plainText(o.Label)))
		keep = append(keep, slack.NewButtonBlockElement(actRemember, value, plainText("Always "+o.Name)))
	}
	pick = append(pick, slack.NewButtonBlockElement(actReject, a.ID, plainText("Cancel")))
	return append(blocks,
		slack.NewActionBlock("choice", pick...),
		slack.NewContextBlock("remember", mrkdwn("Or choose and remember it for next time:")),
		slack.NewActionBlock("choice_remember", keep...))
}

// warningBlocks are a warned approval's warnings and its two answers:
// post anyway (approve) or cancel (reject).
func warningBlocks(a Approval) []slack.Block {
	lines := make([]string, len(a.Warnings))
	for i, w := range a.Warnings {
		lines[i] = ":warning: " + w
	}
	return []slack.Block{
		slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil),
		slack.NewActionBlock("approval",
			slack.NewButtonBlockElement(actApprove, a.ID, plainText("Post anyway")).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(actReject, a.ID, plainText("Cancel")).WithStyle(slack.StyleDanger)),
	}
}

// chooseAction answers a question with the account clicked: the question
// is settled with the answer and the same action's next step is posted in
// the thread.
func (b *Bot) chooseAction(ctx context.Context, a action, remember bool) {
	if b.d.Approvals == nil {
		b.ephemeral(ctx, a, "Approvals are not available on this server.")
		return
	}
	id, account, ok := strings.Cut(a.id, "|")
	if !ok {
		b.ephemeral(ctx, a, "This button is out of date; ask again.")
		return
	}
	a.id = id
	ap, ok := b.mayDecide(ctx, a)
	if !ok {
		return
	}
	d, err := b.d.Approvals.Choose(ctx, a.caller, id, account, remember)
	switch {
	case errors.Is(err, identity.ErrForbidden):
		b.ephemeral(ctx, a, "You cannot answer this: only the person who asked, or a workspace admin, can.")
		return
	case err != nil:
		ref := fault.NewRef()
		b.log.Error().Err(err).Str("approval", id).Str("ref", ref).Msg("slack: choose")
		b.ephemeral(ctx, a, "That did not work on our side; try again shortly (ref "+ref+").")
		return
	case d.Already:
		b.ephemeral(ctx, a, "This was already answered: "+d.Text)
		return
	}
	b.settle(ctx, a, ap, fmt.Sprintf("<@%s>: %s", a.caller.UserID, d.Text))
	if f, refused := d.Value.(fault.Failure); refused { // the account chosen refused the post: what to do about it (Convert)
		if err := b.postCard(ctx, a.api, a.channel, threadOf(a), b.env(ctx, a.api, a.caller), f); err != nil {
			b.log.Error().Err(err).Str("approval", id).Msg("slack: post the refusal of the account chosen")
		}
	}
	if d.Next == nil {
		return
	}
	next := *d.Next
	if full, err := b.d.Approvals.Get(ctx, a.caller, next.ID); err == nil {
		next = full
	}
	if err := b.postApproval(ctx, a.api, a.channel, threadOf(a), next); err != nil {
		b.log.Error().Err(err).Str("approval", next.ID).Msg("slack: post approval")
	}
}
