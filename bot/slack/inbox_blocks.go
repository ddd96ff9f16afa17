package slack

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/inbox"
)

// Action ids of an inbox item's buttons and the reply modal's callback id.
const (
	actInboxReply  = "mm_inbox_reply"
	actInboxDraft  = "mm_inbox_draft"
	actInboxLike   = "mm_inbox_like"
	actInboxHide   = "mm_inbox_hide"
	actInboxDone   = "mm_inbox_done"
	viewInboxReply = "mm_inbox_reply_view"
	blockInboxText = "reply"
	elemInboxText  = "reply_input"
)

// quoteLimit bounds the platform text quoted in a message (a section holds
// 3,000 characters).
const quoteLimit = 1200

// escText makes a platform's text safe in mrkdwn: a commenter's "<!channel>"
// is shown, not obeyed.
func escText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// clip shortens s to n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// itemWhat is what the item is, in words: "commented on your post".
func itemWhat(it inbox.Item) string {
	switch it.Kind {
	case inbox.KindMention:
		return "mentioned you"
	case inbox.KindReply:
		return "replied"
	}
	return "commented"
}

// itemMessage is the item's Slack message: who wrote what where, on which
// post, when, what was answered, and the buttons its state and platform offer.
func (b *Bot) itemMessage(ctx context.Context, it inbox.Item) (string, []slack.Block) {
	author := escText(it.AuthorName)
	if it.AuthorHandle != "" {
		if author == "" {
			author = "@" + escText(it.AuthorHandle)
		} else {
			author += " (@" + escText(it.AuthorHandle) + ")"
		}
	}
	if author == "" {
		author = "Someone"
	}
	where := it.Platform.Label()
	if name := b.accountName(ctx, it); name != "" {
		where += " · " + escText(name)
	}
	head := fmt.Sprintf(":speech_balloon: *%s* %s on %s", author, itemWhat(it), where)
	body := quote(escText(clip(it.Text, quoteLimit)))
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head+"\n"+body), nil, nil)}
	var about []string
	if it.PostText != "" {
		about = append(about, "On your post: _"+escText(clip(strings.Join(strings.Fields(it.PostText), " "), 150))+"_")
	}
	if it.Permalink != "" {
		about = append(about, fmt.Sprintf("<%s|Open on %s>", it.Permalink, it.Platform.Label()))
	}
	at := it.CreatedAt
	if at.IsZero() {
		at = it.ReceivedAt
	}
	about = append(about, fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", at.Unix(), at.UTC().Format("Mon 2 Jan, 15:04 UTC")))
	blocks = append(blocks, slack.NewContextBlock("about", mrkdwn(strings.Join(about, " · "))))
	for _, r := range it.Replies {
		by := "The account"
		if r.By != "" {
			by = "<@" + r.By + ">"
		}
		state := "answered"
		if r.ExternalID == "" {
			state = "is answering"
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(fmt.Sprintf("%s %s:\n%s", by, state, quote(escText(clip(r.Text, quoteLimit))))), nil, nil))
	}
	text := fmt.Sprintf("%s %s on %s: %s", it.AuthorName, itemWhat(it), it.Platform.Label(), clip(it.Text, 200))
	switch it.State {
	case inbox.StateHidden:
		blocks = append(blocks, slack.NewContextBlock("state", mrkdwn(fmt.Sprintf(":see_no_evil: Hidden on %s by <@%s>.", it.Platform.Label(), it.HandledBy))))
		return text, blocks
	case inbox.StateDone:
		done := fmt.Sprintf(":white_check_mark: Marked done by <@%s>.", it.HandledBy)
		if it.HandledBy == "" {
			done = ":wastebasket: Closed: its author removed it on " + it.Platform.Label() + "."
		}
		blocks = append(blocks, slack.NewContextBlock("state", mrkdwn(done)))
		return text, blocks
	}
	return text, append(blocks, b.itemButtons(it))
}

// itemButtons are what can be done to the item: a reply (written or
// drafted) where the platform takes one, like and hide where it allows
// them, done always.
func (b *Bot) itemButtons(it inbox.Item) slack.Block {
	off := b.d.Inbox.Offers(it)
	var els []slack.BlockElement
	if off.Reply {
		label := "Reply"
		if it.State == inbox.StateAnswered {
			label = "Reply again"
		}
		els = append(els, slack.NewButtonBlockElement(actInboxReply, it.ID, plainText(label)).WithStyle(slack.StylePrimary))
		if b.d.Drafter != nil {
			els = append(els, slack.NewButtonBlockElement(actInboxDraft, it.ID, plainText("Draft a reply")))
		}
	}
	if off.Like {
		els = append(els, slack.NewButtonBlockElement(actInboxLike, it.ID, plainText("Like")))
	}
	if off.Hide {
		els = append(els, slack.NewButtonBlockElement(actInboxHide, it.ID, plainText("Hide")).WithStyle(slack.StyleDanger))
	}
	els = append(els, slack.NewButtonBlockElement(actInboxDone, it.ID, plainText("Done")))
	return slack.NewActionBlock("inbox", els...)
}

// accountName is the name of the account the item is for, "" when unknown.
func (b *Bot) accountName(ctx context.Context, it inbox.Item) string {
	if b.d.Accounts == nil {
		return ""
	}
	list, err := b.d.Accounts.List(ctx, systemCaller(it.WorkspaceID), it.Platform)
	if err != nil {
		b.log.Warn().Err(err).Str("item", it.ID).Msg("slack: the inbox item's account")
		return ""
	}
	for _, a := range list {
		if a.ID == it.AccountID {
			return a.AccountName
		}
	}
	return ""
}
