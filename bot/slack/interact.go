package slack

import (
	"context"
	"errors"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// actionHandler handles one kind of button after the ack.
type actionHandler func(ctx context.Context, a action)

func (b *Bot) actionHandlers() map[string]actionHandler {
	h := map[string]actionHandler{
		actApprove:   func(ctx context.Context, a action) { b.approvalAction(ctx, a, true) },
		actReject:    func(ctx context.Context, a action) { b.approvalAction(ctx, a, false) },
		actEdit:      func(ctx context.Context, a action) { b.openEdit(ctx, a, false) },
		actSchedule:  func(ctx context.Context, a action) { b.openEdit(ctx, a, true) },
		actRetry:     b.retryAction,
		actAnyway:    b.anywayAction,
		actReconnect: b.reconnectAction,
		actCancel:    b.cancelAction,
		actConvert:   b.convertAction,
		actChoose:    func(ctx context.Context, a action) { b.chooseAction(ctx, a, false) },
		actRemember:  func(ctx context.Context, a action) { b.chooseAction(ctx, a, true) },
	}
	for id, fn := range b.inboxActionHandlers() {
		h[id] = fn
	}
	return h
}

// Interactivity serves POST /slack/interactivity: the payload is parsed
// after the signature is verified; buttons are acknowledged at once and
// handled after the ack; a modal submission with problems is answered with
// them, otherwise closed and handled after the ack.
func (b *Bot) Interactivity(w http.ResponseWriter, r *http.Request) {
	if _, ok := b.verified(w, r); !ok {
		return
	}
	ic, err := slack.InteractionCallbackParse(r)
	if err != nil {
		http.Error(w, "slack: bad interaction payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	if resp := b.interact(ic); resp != nil {
		writeJSON(w, resp)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// interact takes an interaction (HTTP or Socket Mode) and returns the
// immediate answer, nil for a plain ack.
func (b *Bot) interact(ic slack.InteractionCallback) any {
	if ic.Team.ID == "" || ic.User.ID == "" {
		return nil
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		for _, ba := range ic.ActionCallback.BlockActions {
			h := b.actions[ba.ActionID]
			if h == nil {
				continue
			}
			value := ba.Value
			b.laterOrLog("button click", func(ctx context.Context) {
				api, err := b.client(ctx, ic.Team.ID)
				if err != nil {
					b.log.Error().Err(err).Msg("slack: interaction")
					return
				}
				c, err := b.caller(ctx, api, ic.Team.ID, ic.User.ID, identity.DoorSlack)
				if err != nil {
					b.log.Error().Err(err).Msg("slack: interaction: who clicked")
					return
				}
				h(ctx, action{api: api, caller: c, ic: ic, id: value, channel: ic.Channel.ID,
					message: ic.Container.MessageTs, thread: ic.Container.ThreadTs})
			})
		}
	case slack.InteractionTypeViewSubmission:
		if ic.View.CallbackID == viewInboxReply {
			return b.replySubmitted(ic)
		}
		if ic.View.CallbackID != viewEdit {
			return nil
		}
		meta, text, at, problems := editSubmission(ic, b.now())
		if problems != nil {
			return slack.NewErrorsViewSubmissionResponse(problems)
		}
		b.laterOrLog("view submission", func(ctx context.Context) {
			api, err := b.client(ctx, ic.Team.ID)
			if err != nil {
				b.log.Error().Err(err).Msg("slack: edit submission")
				return
			}
			c, err := b.caller(ctx, api, ic.Team.ID, ic.User.ID, identity.DoorSlack)
			if err != nil {
				b.log.Error().Err(err).Msg("slack: edit submission: who submitted")
				return
			}
			b.submitEdit(ctx, api, c, meta, text, at)
		})
	}
	return nil
}

// cancelAction cancels a scheduled post (or a job) as the clicker and
// answers in the thread.
func (b *Bot) cancelAction(ctx context.Context, a action) {
	res, err := b.cancel(ctx, a.caller, a.id)
	var say *sayError
	switch {
	case errors.As(err, &say):
		b.ephemeral(ctx, a, say.words)
	case err != nil:
		b.ephemeralCard(ctx, a, b.failed(err))
	default:
		b.answer(ctx, a, res)
	}
}

// replySubmitted takes the inbox reply modal: a problem is shown in it,
// else it closes and the reply is sent after the ack.
func (b *Bot) replySubmitted(ic slack.InteractionCallback) any {
	meta, text, problems := replySubmission(ic)
	if problems != nil {
		return slack.NewErrorsViewSubmissionResponse(problems)
	}
	b.laterOrLog("reply submission", func(ctx context.Context) {
		api, err := b.client(ctx, ic.Team.ID)
		if err != nil {
			b.log.Error().Err(err).Msg("slack: reply submission")
			return
		}
		c, err := b.caller(ctx, api, ic.Team.ID, ic.User.ID, identity.DoorSlack)
		if err != nil {
			b.log.Error().Err(err).Msg("slack: reply submission: who submitted")
			return
		}
		b.submitReply(ctx, action{api: api, caller: c, ic: ic, id: meta.Item, channel: meta.Channel, message: meta.Message}, meta, text)
	})
	return nil
}
