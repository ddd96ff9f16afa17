package slack

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// Converter is the convert_media capability (*check.Service).
type Converter interface {
	ConvertMedia(ctx context.Context, c identity.Caller, r check.ConvertRequest) (check.Converted, error)
}

// Resubmitter proposes the conversation's refused post again with the
// converted media in place of the original (the orchestrator's Resubmit),
// writing what to show into sink: the approval, or the new refusal. ok is
// false when nothing in the conversation (channel, thread) was refused for
// that media.
type Resubmitter interface {
	Resubmit(ctx context.Context, c identity.Caller, channel, thread string, original check.ConvertRequest, converted check.Stored, sink Sink) (ok bool, err error)
}

const actConvert = present.ActConvert

// convertAction answers a Convert button: the media is converted as the
// clicker (editors may); in a conversation's thread the refused post is
// then proposed again with the converted media (a new approval card),
// elsewhere the result, with its link to look at, is posted where the
// button was; a refusal is told to the clicker only.
func (b *Bot) convertAction(ctx context.Context, a action) {
	req, ok := present.ParseConvertValue(a.id)
	if !ok || b.d.Converter == nil {
		b.ephemeral(ctx, a, "This button is out of date.")
		return
	}
	out, err := b.d.Converter.ConvertMedia(ctx, a.caller, req)
	if err != nil {
		b.ephemeralCard(ctx, a, b.failed(err))
		return
	}
	if a.thread != "" && b.d.Resubmitter != nil && b.resubmit(ctx, a, req, out) {
		return
	}
	thread := a.thread
	if thread == "" {
		thread = a.message
	}
	if err := b.postCard(ctx, a.api, a.channel, thread, b.env(ctx, a.api, a.caller), out); err != nil {
		b.log.Error().Err(err).Msg("slack: post the converted media")
	}
}

// resubmit proposes the thread's refused post again with the converted
// media, answering in the thread as a turn does; false when the thread
// refused nothing with that media. Borders added are shown first.
func (b *Bot) resubmit(ctx context.Context, a action, req check.ConvertRequest, out check.Converted) bool {
	r := newReply(b, a.api, a.caller, a.channel, a.thread)
	r.env = b.env(ctx, a.api, a.caller)
	defer r.finish(ctx)
	if out.Review {
		r.Card(out)
	}
	ok, err := b.d.Resubmitter.Resubmit(ctx, a.caller, a.channel, a.thread, req, out.Media, r)
	if err != nil {
		r.Card(b.failed(err))
		return true
	}
	if ok {
		b.settleConvert(ctx, a)
	}
	return ok || out.Review
}

// settleConvert takes the Convert button off the refusal whose post was
// proposed again, and says so there: a second click would only convert.
func (b *Bot) settleConvert(ctx context.Context, a action) {
	note := fmt.Sprintf("Converted by <@%s>; the post is proposed again below.", a.caller.UserID)
	var blocks []slack.Block
	for _, bl := range a.ic.Message.Blocks.BlockSet {
		if bl.BlockType() != slack.MBTAction {
			blocks = append(blocks, bl)
		}
	}
	blocks = append(blocks, slack.NewContextBlock("outcome", mrkdwn(note)))
	err := b.call(ctx, a.channel, false, func() error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, a.channel, a.message, slack.MsgOptionText(note, false), slack.MsgOptionBlocks(blocks...))
		return err
	})
	if err != nil {
		b.log.Error().Err(err).Msg("slack: settle a Convert")
	}
}
