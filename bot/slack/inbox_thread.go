package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// replyCommand is a person's answer written in an item's thread:
// "reply: thanks, it ships Monday" (with or without mentioning the app).
var replyCommand = regexp.MustCompile(`(?is)^\s*(?:reply|answer)\s*:\s*(\S.*)$`)

// inboxCandidate reports whether a channel message may be an answer in an
// item's thread: only those are worth a look (and a store write) after the ack.
func inboxCandidate(ev event) bool {
	return fromPerson(ev) && ev.ThreadTS != "" && ev.ThreadTS != ev.TS && replyCommand.MatchString(ev.Text)
}

// inboxThread handles a person's message in the thread of an inbox item's
// message and reports whether it did. "reply: …" is the person's explicit
// answer and is sent as theirs at once (as a slash command publishes);
// another request to the app there goes to the assistant, told which item
// the thread is about: what the model drafts to send waits for approval.
func (b *Bot) inboxThread(ctx context.Context, teamID string, ev event, text string, mentioned bool) bool {
	if b.d.Inbox == nil || ev.ThreadTS == "" || ev.ThreadTS == ev.TS {
		return false
	}
	m := replyCommand.FindStringSubmatch(text)
	if m == nil && !mentioned {
		return false // people talking in the thread
	}
	log := b.log.With().Str("team", teamID).Str("channel", ev.Channel).Str("thread", ev.ThreadTS).Logger()
	api, err := b.client(ctx, teamID)
	if err != nil {
		log.Error().Err(err).Msg("slack: inbox thread")
		return false
	}
	c, err := b.caller(ctx, api, teamID, ev.User, identity.DoorSlack)
	if err != nil {
		log.Error().Err(err).Msg("slack: inbox thread: who wrote")
		return false
	}
	it, err := b.d.Inbox.AtSlackMessage(ctx, c, ev.Channel, ev.ThreadTS)
	if err != nil {
		if !errors.Is(err, inbox.ErrNotFound) {
			log.Error().Err(err).Msg("slack: inbox thread: which item")
		}
		return false
	}
	if m == nil {
		b.converse(ctx, teamID, ev.User, ev.Channel, ev.ThreadTS, itemContext(it)+text)
		return true
	}
	// The same message arrives as app_mention and as a channel message when
	// it mentions the app: one answer.
	if first, err := b.firstDelivery(ctx, "inbox-reply:"+ev.Channel+"/"+ev.TS); err == nil && !first {
		return true
	}
	a := action{api: api, caller: c, channel: ev.Channel, message: ev.ThreadTS, thread: ev.ThreadTS}
	if _, err := b.d.Inbox.Reply(ctx, c, it.ID, m[1]); err != nil {
		b.inboxRefused(ctx, a, "answer", err)
		return true
	}
	if _, err := b.post(ctx, api, ev.Channel, ev.ThreadTS, slack.MsgOptionText(fmt.Sprintf(":white_check_mark: Sent on %s.", it.Platform.Label()), false)); err != nil {
		log.Warn().Err(err).Msg("slack: confirm an inbox reply")
	}
	return true
}

// itemContext tells the assistant which item the thread is about, before
// the person's words.
func itemContext(it inbox.Item) string {
	return fmt.Sprintf("[This thread is about inbox item %s: a %s %s by %s on %s: %q. To answer it, use reply_to_comment with that id.]\n",
		it.ID, it.Platform.Label(), it.Kind, it.AuthorName, it.Platform.Label(), clip(it.Text, 500))
}
