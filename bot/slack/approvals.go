package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Approvals is the orchestrator's approval gate as the door sees it. The
// gate checks again who may act; the door checks first to answer quickly.
type Approvals interface {
	Get(ctx context.Context, c identity.Caller, id string) (Approval, error)
	Approve(ctx context.Context, c identity.Caller, id string) (Decision, error)
	Reject(ctx context.Context, c identity.Caller, id, reason string) (Decision, error)
	// Choose answers an approval's question with one of its options
	// (remember: make it the workspace's default); Decision.Next is the
	// same action's next step (another question, or the approval).
	Choose(ctx context.Context, c identity.Caller, id, accountID string, remember bool) (Decision, error)
}

// Decision is what came of an approve or reject.
type Decision struct {
	// Status is the approval's status after the call (approved, rejected,
	// done, failed, ...).
	Status string
	// Text says what happened ("Published to LinkedIn: https://…").
	Text string
	// Already is true when the approval had been decided before this call:
	// Text then says what happened then.
	Already bool
	// PostID is the post the approved action made, if it made one: its
	// job outcome is told in the approval's thread.
	PostID string
	// Value is what the approved action answered (a publish outcome, a
	// scheduled post, a failure), shown below the approval (bot/present).
	Value any
	// Next is what waits after an answer: the approval, or the next question.
	Next *Approval
}

// Publisher is tools/publish as the door needs it: a person's explicit
// post (a slash command, an edited approval) publishes directly; App Home
// lists posts; the buttons of a job outcome retry or publish anyway.
type Publisher interface {
	PublishNow(ctx context.Context, c identity.Caller, req publish.Request) (publish.Outcome, error)
	Schedule(ctx context.Context, c identity.Caller, req publish.Request, at time.Time) (publish.Scheduled, error)
	List(ctx context.Context, c identity.Caller, limit int, cursor string, opts ...publish.ListOption) ([]publish.PostView, string, error)
	Get(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
	Retry(ctx context.Context, c identity.Caller, id string) (publish.Outcome, error)
	PublishAnyway(ctx context.Context, c identity.Caller, id, accountID string) (publish.Outcome, error)
	Cancel(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
	// ParseTime reads a time as a person wrote it, in their time zone.
	ParseTime(ctx context.Context, c identity.Caller, v string) (time.Time, error)
}

// Action ids of the approval buttons and the modals' callback ids.
const (
	actApprove  = "mm_approve"
	actReject   = "mm_reject"
	actEdit     = "mm_edit"
	actSchedule = "mm_schedule"
	viewEdit    = "mm_edit_view"

	blockText = "text"
	blockWhen = "when"
	elemText  = "text_input"
	elemWhen  = "when_input"
)

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// approvalBlocks is an approval's preview: one section per target (account,
// text, media, time) and the buttons.
func approvalBlocks(a Approval) []slack.Block {
	if len(a.Options) > 0 {
		return choiceBlocks(a)
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(":raised_hand: *Approval needed* (asked by <@%s>)\n%s", a.RequestedBy, a.Summary)), nil, nil)}
	for _, t := range a.Targets {
		when := "now"
		if !t.ScheduledAt.IsZero() {
			// Slack writes the date in each reader's own zone.
			when = fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", t.ScheduledAt.Unix(), t.ScheduledAt.UTC().Format("Mon 2 Jan, 15:04 UTC"))
		}
		lines := []string{fmt.Sprintf("*%s* on %s, %s", t.Account, platform.Name(t.Platform).Label(), when), quote(t.Text)}
		for _, m := range t.Media {
			lines = append(lines, "media: "+m)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil))
	}
	for _, th := range a.Thumbs {
		blocks = append(blocks, slack.NewImageBlock(th.URL, th.Alt, "", nil))
	}
	if len(a.Warnings) > 0 {
		return append(blocks, warningBlocks(a)...)
	}
	blocks = append(blocks, slack.NewActionBlock("approval",
		slack.NewButtonBlockElement(actApprove, a.ID, plainText("Approve")).WithStyle(slack.StylePrimary),
		slack.NewButtonBlockElement(actEdit, a.ID, plainText("Edit")),
		slack.NewButtonBlockElement(actSchedule, a.ID, plainText("Schedule")),
		slack.NewButtonBlockElement(actReject, a.ID, plainText("Reject")).WithStyle(slack.StyleDanger),
	))
	return blocks
}

func quote(s string) string {
	if s == "" {
		return "> (no text)"
	}
	return "> " + strings.ReplaceAll(s, "\n", "\n> ")
}

func (b *Bot) postApproval(ctx context.Context, api *slack.Client, channel, thread string, a Approval) error {
	_, err := b.post(ctx, api, channel, thread, slack.MsgOptionText("Approval needed: "+a.Summary, false), slack.MsgOptionBlocks(approvalBlocks(a)...))
	return err
}

// action is a clicked button with who clicked where.
type action struct {
	api     *slack.Client
	caller  identity.Caller
	ic      slack.InteractionCallback
	id      string // the button's value
	channel string
	message string // ts of the message holding the button
	thread  string
}

// approvalAction handles Approve and Reject: only the initiator or an admin
// acts; a second click says what happened the first time.
func (b *Bot) approvalAction(ctx context.Context, a action, approve bool) {
	if b.d.Approvals == nil {
		b.ephemeral(ctx, a, "Approvals are not available on this server.")
		return
	}
	ap, ok := b.mayDecide(ctx, a)
	if !ok {
		return
	}
	var d Decision
	var err error
	if approve {
		ask := b.startAsk(a.caller.WorkspaceID)
		defer ask.end()
		d, err = b.d.Approvals.Approve(ctx, a.caller, a.id)
		if err == nil && !d.Already {
			ask.record(ctx, d.PostID, a.channel, threadOf(a))
		}
	} else {
		d, err = b.d.Approvals.Reject(ctx, a.caller, a.id, "") // who rejected it is kept as its decider
	}
	switch {
	case errors.Is(err, identity.ErrForbidden):
		b.ephemeral(ctx, a, "You cannot decide this approval: only the person who asked, or a workspace admin, can.")
		return
	case err != nil:
		ref := fault.NewRef()
		b.log.Error().Err(err).Str("approval", a.id).Str("ref", ref).Msg("slack: decide approval")
		b.ephemeral(ctx, a, "That did not work on our side; try again shortly (ref "+ref+").")
		return
	case d.Already:
		b.ephemeral(ctx, a, "This was already decided: "+d.Text)
		return
	}
	verb := "Approved"
	if !approve {
		verb = "Rejected"
	}
	b.settle(ctx, a, ap, fmt.Sprintf("%s by <@%s>.", verb, a.caller.UserID))
	b.answer(ctx, a, d.Value)
}

// answer posts what an action answered in the thread of its message.
func (b *Bot) answer(ctx context.Context, a action, v any) {
	if v == nil {
		return
	}
	if err := b.postCard(ctx, a.api, a.channel, threadOf(a), b.env(ctx, a.api, a.caller), v); err != nil {
		b.log.Error().Err(err).Msg("slack: tell the outcome")
	}
}

// mayDecide reads the approval and refuses (ephemerally) a caller who is
// neither its initiator nor an admin.
func (b *Bot) mayDecide(ctx context.Context, a action) (Approval, bool) {
	ap, err := b.d.Approvals.Get(ctx, a.caller, a.id)
	if err != nil {
		b.log.Error().Err(err).Str("approval", a.id).Msg("slack: read approval")
		b.ephemeral(ctx, a, "I cannot find this approval any more; it may have been removed.")
		return Approval{}, false
	}
	if a.caller.UserID != ap.RequestedBy && a.caller.Role != identity.Admin {
		b.ephemeral(ctx, a, fmt.Sprintf("Only <@%s>, who asked for this, or a workspace admin can decide it.", ap.RequestedBy))
		return Approval{}, false
	}
	if a.caller.Role == identity.Viewer {
		b.ephemeral(ctx, a, "Viewers cannot approve posts; ask an editor or an admin.")
		return Approval{}, false
	}
	return ap, true
}

// settle replaces the approval's buttons with what was decided.
func (b *Bot) settle(ctx context.Context, a action, ap Approval, outcome string) {
	var blocks []slack.Block
	for _, bl := range approvalBlocks(ap) {
		if bl.BlockType() == slack.MBTAction || bl.ID() == "remember" {
			continue // the buttons go, what was asked stays
		}
		blocks = append(blocks, bl)
	}
	blocks = append(blocks, slack.NewContextBlock("outcome", mrkdwn(outcome)))
	err := b.call(ctx, a.channel, false, func() error {
		_, _, _, err := a.api.UpdateMessageContext(ctx, a.channel, a.message, slack.MsgOptionText(outcome, false), slack.MsgOptionBlocks(blocks...))
		return err
	})
	if err != nil {
		b.log.Error().Err(err).Msg("slack: settle approval")
	}
}

// threadOf is the thread of the message clicked, else that message: a job
// outcome answers there.
func threadOf(a action) string {
	if a.thread != "" {
		return a.thread
	}
	return a.message
}

// ephemeralCard shows v, rendered, only to the clicking person.
func (b *Bot) ephemeralCard(ctx context.Context, a action, v any) {
	s := b.present.Slack(b.env(ctx, a.api, a.caller), v)
	err := b.call(ctx, a.channel, false, func() error {
		opts := []slack.MsgOption{slack.MsgOptionText(s.Text, false), slack.MsgOptionBlocks(s.Blocks...)}
		if a.thread != "" {
			opts = append(opts, slack.MsgOptionTS(a.thread))
		}
		_, err := a.api.PostEphemeralContext(ctx, a.channel, a.caller.UserID, opts...)
		return err
	})
	if err != nil {
		b.log.Error().Err(err).Msg("slack: ephemeral")
	}
}

// ephemeral tells only the clicking person.
func (b *Bot) ephemeral(ctx context.Context, a action, text string) {
	err := b.call(ctx, a.channel, false, func() error {
		opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
		if a.thread != "" {
			opts = append(opts, slack.MsgOptionTS(a.thread))
		}
		_, err := a.api.PostEphemeralContext(ctx, a.channel, a.caller.UserID, opts...)
		return err
	})
	if err != nil {
		b.log.Error().Err(err).Msg("slack: ephemeral")
	}
}

// editMeta travels in the modal's private_metadata.
type editMeta struct {
	Approval string `json:"a"`
	Channel  string `json:"c"`
	Message  string `json:"m"`
	Thread   string `json:"t"`
	Schedule bool   `json:"s"`
}

// openEdit opens the modal to edit (and with schedule, to time) an approval.
func (b *Bot) openEdit(ctx context.Context, a action, schedule bool) {
	if b.d.Approvals == nil || b.d.Publisher == nil {
		b.ephemeral(ctx, a, "Editing approvals is not available on this server.")
		return
	}
	ap, ok := b.mayDecide(ctx, a)
	if !ok {
		return
	}
	text := ""
	if len(ap.Targets) > 0 {
		text = ap.Targets[0].Text
	}
	input := slack.NewPlainTextInputBlockElement(nil, elemText)
	input.Multiline, input.InitialValue = true, text
	blocks := []slack.Block{slack.NewInputBlock(blockText, plainText("Text"), nil, input)}
	title := "Edit the post"
	if schedule {
		title = "Schedule the post"
		picker := slack.NewDateTimePickerBlockElement(elemWhen)
		if len(ap.Targets) > 0 && !ap.Targets[0].ScheduledAt.IsZero() {
			picker.InitialDateTime = ap.Targets[0].ScheduledAt.Unix()
		}
		blocks = append(blocks, slack.NewInputBlock(blockWhen, plainText("When"), nil, picker))
	}
	meta, _ := json.Marshal(editMeta{Approval: a.id, Channel: a.channel, Message: a.message, Thread: a.thread, Schedule: schedule})
	view := slack.ModalViewRequest{
		Type: slack.VTModal, Title: plainText(title), Submit: plainText("Post"), Close: plainText("Cancel"),
		CallbackID: viewEdit, PrivateMetadata: string(meta), Blocks: slack.Blocks{BlockSet: blocks},
	}
	err := b.call(ctx, a.channel, false, func() error {
		_, err := a.api.OpenViewContext(ctx, a.ic.TriggerID, view)
		return err
	})
	if err != nil {
		ref := fault.NewRef()
		b.log.Error().Err(err).Str("ref", ref).Msg("slack: open edit modal")
		b.ephemeral(ctx, a, "I could not open the editor; click Edit again (ref "+ref+").")
	}
}

// editSubmission reads the edit modal: the text and, when scheduling, the
// time. A problem is returned per block for Slack to show in the modal.
func editSubmission(ic slack.InteractionCallback, now time.Time) (editMeta, string, time.Time, map[string]string) {
	var meta editMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta); err != nil || meta.Approval == "" {
		return meta, "", time.Time{}, map[string]string{blockText: "This form is out of date; click Edit again."}
	}
	values := map[string]map[string]slack.BlockAction{}
	if ic.View.State != nil {
		values = ic.View.State.Values
	}
	text := strings.TrimSpace(values[blockText][elemText].Value)
	problems := map[string]string{}
	if text == "" {
		problems[blockText] = "The post needs some text."
	}
	var at time.Time
	if meta.Schedule {
		sec := values[blockWhen][elemWhen].SelectedDateTime
		at = time.Unix(sec, 0).UTC()
		switch {
		case sec == 0:
			problems[blockWhen] = "Pick a date and time."
		case !at.After(now):
			problems[blockWhen] = "Pick a time in the future."
		}
	}
	if len(problems) > 0 {
		return meta, "", time.Time{}, problems
	}
	return meta, text, at, nil
}

// submitEdit replaces the approval with the person's own post: the
// approval is rejected (once: a second submit or a decided approval says
// so), then the edited text is published or scheduled by the person.
func (b *Bot) submitEdit(ctx context.Context, api *slack.Client, c identity.Caller, meta editMeta, text string, at time.Time) {
	a := action{api: api, caller: c, id: meta.Approval, channel: meta.Channel, message: meta.Message, thread: meta.Thread}
	ap, ok := b.mayDecide(ctx, a)
	if !ok {
		return
	}
	d, err := b.d.Approvals.Reject(ctx, c, meta.Approval, "replaced by an edited post from "+c.UserID)
	switch {
	case err != nil:
		ref := fault.NewRef()
		b.log.Error().Err(err).Str("ref", ref).Msg("slack: replace an approval")
		b.ephemeral(ctx, a, "That did not work on our side; try again shortly (ref "+ref+").")
		return
	case d.Already:
		b.ephemeral(ctx, a, "This was already decided: "+d.Text)
		return
	}
	req := publish.Request{Content: publish.Content{Text: text, MediaIDs: ap.MediaIDs}}
	for _, t := range ap.Targets {
		req.AccountIDs = append(req.AccountIDs, t.AccountID)
		req.ImageURLs = append(req.ImageURLs, t.Media...)
	}
	ask := b.startAsk(c.WorkspaceID)
	defer ask.end()
	var result any
	if meta.Schedule {
		s, err := b.d.Publisher.Schedule(ctx, c, req, at)
		result = b.failed(err)
		if err == nil {
			ask.record(ctx, s.PostID, a.channel, threadOf(a))
			result = b.scheduled(ctx, c, s)
		}
	} else {
		o, err := b.d.Publisher.PublishNow(ctx, c, req)
		result = b.failed(err)
		if err == nil {
			ask.record(ctx, o.PostID, a.channel, threadOf(a))
			result = o
		}
	}
	b.settle(ctx, a, ap, fmt.Sprintf("Edited by <@%s>.", c.UserID))
	b.answer(ctx, a, result)
}

// failed is err as a person reads it, its detail logged under a
// reference; nil for no error.
func (b *Bot) failed(err error) any {
	if err == nil {
		return nil
	}
	f := fault.Of(err, b.now())
	f.Ref = fault.NewRef()
	b.log.Warn().Err(err).Str("ref", f.Ref).Msg("slack: action failed")
	return f
}
