package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/inbox"
)

// inboxActionHandlers are the buttons of an inbox item's message.
func (b *Bot) inboxActionHandlers() map[string]actionHandler {
	act := func(verb string, fn func(Inbox, context.Context, identity.Caller, string) (inbox.Item, error)) actionHandler {
		return func(ctx context.Context, a action) {
			if b.clickedItem(ctx, a) == nil {
				return
			}
			// Once done, the item's message is updated through
			// ItemChanged, as when it is done on the dashboard.
			if _, err := fn(b.d.Inbox, ctx, a.caller, a.id); err != nil {
				b.inboxRefused(ctx, a, verb, err)
			}
		}
	}
	return map[string]actionHandler{
		actInboxReply: func(ctx context.Context, a action) { b.openReply(ctx, a, false) },
		actInboxDraft: func(ctx context.Context, a action) { b.openReply(ctx, a, true) },
		actInboxLike:  act("like", Inbox.Like),
		actInboxHide:  act("hide", Inbox.Hide),
		actInboxDone:  act("close", Inbox.Done),
	}
}

// clickedItem reads the item of a button as the person who clicked: an
// item of another workspace, or one gone, is told to them only (nil).
func (b *Bot) clickedItem(ctx context.Context, a action) *inbox.Item {
	if b.d.Inbox == nil {
		b.ephemeral(ctx, a, "The inbox is not available on this server.")
		return nil
	}
	it, err := b.d.Inbox.Get(ctx, a.caller, a.id)
	if err != nil {
		b.inboxRefused(ctx, a, "open", err)
		return nil
	}
	if a.caller.Role == identity.Viewer {
		b.ephemeral(ctx, a, "Viewers can read the inbox but not answer it; ask an editor or an admin.")
		return nil
	}
	return &it
}

// inboxRefused tells the clicker, only them, why verb did not happen.
func (b *Bot) inboxRefused(ctx context.Context, a action, verb string, err error) {
	switch {
	case errors.Is(err, inbox.ErrNotFound):
		b.ephemeral(ctx, a, "I cannot find this comment in this workspace any more.")
	case errors.Is(err, inbox.ErrBusy):
		b.ephemeral(ctx, a, "This reply is being sent right now.")
	case errors.Is(err, identity.ErrForbidden):
		b.ephemeral(ctx, a, "You cannot "+verb+" this: viewers can read the inbox but not answer it.")
	case errors.Is(err, inbox.ErrInvalid):
		words := err.Error()
		if _, after, ok := strings.Cut(words, inbox.ErrInvalid.Error()+": "); ok {
			words = after
		}
		b.ephemeral(ctx, a, upperFirst(words)+".")
	default:
		b.ephemeralCard(ctx, a, b.failed(err))
	}
}

// ItemChanged shows an item's new state (answered, hidden, done: by
// whom and what) in the message the door posted for it, whichever door
// changed it (tools/inbox's OnChanged). It does not block.
func (b *Bot) ItemChanged(it inbox.Item) {
	if it.Slack.TS == "" {
		return
	}
	b.laterOrLog("inbox item update", func(ctx context.Context) {
		api, err := b.client(ctx, it.WorkspaceID)
		if err != nil {
			b.log.Error().Err(err).Str("item", it.ID).Msg("slack: update an inbox item's message")
			return
		}
		// Changes told close together may run in any order: each shows
		// the item as it is now.
		if now, err := b.d.Inbox.Get(ctx, systemCaller(it.WorkspaceID), it.ID); err == nil {
			it = now
		}
		text, blocks := b.itemMessage(ctx, it)
		err = b.call(ctx, it.Slack.Channel, false, func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, it.Slack.Channel, it.Slack.TS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
			return err
		})
		if err != nil {
			b.log.Error().Err(err).Str("item", it.ID).Msg("slack: update an inbox item's message")
		}
	})
}

// replyMeta travels in the reply modal's private_metadata.
type replyMeta struct {
	Item    string `json:"i"`
	Channel string `json:"c"`
	Message string `json:"m"`
}

// replyView is the modal to write (or edit a drafted) reply; note is a
// line above the text ("Drafting…", or why no draft came).
func replyView(it inbox.Item, meta replyMeta, text, note string, drafted bool) slack.ModalViewRequest {
	raw, _ := json.Marshal(meta)
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn("*"+escText(it.AuthorName)+"* wrote on "+it.Platform.Label()+":\n"+quote(escText(clip(it.Text, 1500)))), nil, nil)}
	if note != "" {
		blocks = append(blocks, slack.NewContextBlock("note", mrkdwn(note)))
	}
	input := slack.NewPlainTextInputBlockElement(nil, elemInboxText)
	input.Multiline, input.InitialValue = true, text
	// A drafted text comes in a block of its own: Slack keeps what a person
	// typed in a block it already showed.
	id := blockInboxText
	if drafted {
		id += "_drafted"
	}
	blocks = append(blocks, slack.NewInputBlock(id, plainText("Your reply"), nil, input))
	return slack.ModalViewRequest{Type: slack.VTModal, Title: plainText("Reply"), Submit: plainText("Send"), Close: plainText("Cancel"),
		CallbackID: viewInboxReply, PrivateMetadata: string(raw), Blocks: slack.Blocks{BlockSet: blocks}}
}

// openReply opens the reply modal; with draft, it opens at once (the
// trigger lasts 3 s) saying a draft is coming, then shows the content
// writer's draft for the person to edit.
func (b *Bot) openReply(ctx context.Context, a action, draft bool) {
	it := b.clickedItem(ctx, a)
	if it == nil {
		return
	}
	meta := replyMeta{Item: it.ID, Channel: a.channel, Message: a.message}
	note := ""
	if draft {
		note = ":pencil: Drafting a reply in your brand's voice…"
	}
	var opened *slack.ViewResponse
	err := b.call(ctx, a.channel, false, func() error {
		var err error
		opened, err = a.api.OpenViewContext(ctx, a.ic.TriggerID, replyView(*it, meta, "", note, false))
		return err
	})
	if err != nil {
		ref := fault.NewRef()
		b.log.Error().Err(err).Str("ref", ref).Msg("slack: open the reply modal")
		b.ephemeral(ctx, a, "I could not open the reply form; click again (ref "+ref+").")
		return
	}
	if !draft {
		return
	}
	text, err := b.d.Drafter.DraftReply(ctx, a.caller, *it)
	view := replyView(*it, meta, text, ":pencil: A draft in your brand's voice: edit it, then send.", true)
	if err != nil {
		ref := fault.NewRef()
		b.log.Warn().Err(err).Str("ref", ref).Str("item", it.ID).Msg("slack: draft a reply")
		view = replyView(*it, meta, "", "I could not draft a reply this time (ref "+ref+"); write yours here.", true)
	}
	err = b.call(ctx, a.channel, false, func() error {
		_, err := a.api.UpdateViewContext(ctx, view, "", opened.Hash, opened.ID)
		return err
	})
	if err != nil {
		b.log.Warn().Err(err).Str("item", it.ID).Msg("slack: show the drafted reply (the modal was closed?)")
	}
}

// replySubmission reads the reply modal: its item and text, or the
// problem to show in it.
func replySubmission(ic slack.InteractionCallback) (replyMeta, string, map[string]string) {
	var meta replyMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta); err != nil || meta.Item == "" {
		return meta, "", map[string]string{blockInboxText: "This form is out of date; click Reply again."}
	}
	block := blockInboxText
	var text string
	if ic.View.State != nil {
		for id, v := range ic.View.State.Values {
			if strings.HasPrefix(id, blockInboxText) {
				block, text = id, strings.TrimSpace(v[elemInboxText].Value)
			}
		}
	}
	if text == "" {
		return meta, "", map[string]string{block: "Write the reply first."}
	}
	return meta, text, nil
}

// submitReply sends a person's reply (typed, or a draft they edited and
// sent: theirs either way); ItemChanged shows it in the item's message.
func (b *Bot) submitReply(ctx context.Context, a action, meta replyMeta, text string) {
	if b.d.Inbox == nil {
		return
	}
	if _, err := b.d.Inbox.Reply(ctx, a.caller, meta.Item, text); err != nil {
		b.inboxRefused(ctx, a, "answer", err)
	}
}
