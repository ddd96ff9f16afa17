package slack

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// reply writes a turn's answer into its thread with as few Web API calls
// as what the person sees allows:
//
//   - an answer complete within Config.QuickReply of its first word is one
//     chat.postMessage, and a turn answered within QuickReply shows no
//     assistant status at all;
//   - a slower turn shows its status ("thinking…", then each tool's
//     progress) from QuickReply on, and text that keeps coming for longer
//     than QuickReply is streamed: chat.startStream / appendStream /
//     stopStream, and where streaming is unavailable a posted message
//     edited with chat.update, flushed at most once per UpdateGap;
//   - a status is not cleared by a call of its own when a message follows
//     it: Slack removes it when the app replies in the thread.
//
// Every write to Slack goes through out, in order.
type reply struct {
	b                           *Bot
	api                         *slack.Client
	ctx                         context.Context
	team, user, channel, thread string
	caller                      identity.Caller
	env                         present.Env
	kick, stop, stopped         chan struct{}
	timer                       *time.Timer // shows the status once the turn is slow

	mu      sync.Mutex // guards pending, any, first
	pending strings.Builder
	any     bool
	first   time.Time // when the first text came

	out                              sync.Mutex // one write to Slack at a time; guards the fields below
	ts, sent                         string
	streaming, fallback, streamEnded bool
	posted                           bool   // a message of this turn is in the thread
	slow, done                       bool   // QuickReply has passed; finish ran
	status                           string // what the status says while the turn is slow
	shown                            bool   // a status is set and no message followed it
}

// quickMax is the longest answer posted whole: chat.postMessage's
// markdown_text takes at most 12,000 characters.
const quickMax = 12000

func newReply(b *Bot, api *slack.Client, c identity.Caller, channel, thread string) *reply {
	r := &reply{b: b, api: api, ctx: b.base, team: c.WorkspaceID, user: c.UserID, caller: c, channel: channel, thread: thread,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{}), status: thinking}
	r.timer = time.AfterFunc(b.cfg.QuickReply, r.slowed)
	go r.loop()
	return r
}

// Delta adds text to the reply.
func (r *reply) Delta(text string) {
	if text == "" {
		return
	}
	r.mu.Lock()
	r.pending.WriteString(text)
	if !r.any {
		r.any, r.first = true, r.b.now()
	}
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Progress shows a tool starting or failing in the reply and, once the
// turn is slow, in the assistant status.
func (r *reply) Progress(p Progress) {
	if p.Text == "" {
		return
	}
	switch p.Status {
	case "started":
		r.out.Lock()
		r.status = p.Text
		if r.slow && !r.done {
			r.setStatus(p.Text)
		}
		r.out.Unlock()
		r.Delta("\n_" + p.Text + "_\n")
	case "failed":
		r.Delta("\n_" + p.Text + " (failed)_\n")
	}
}

// slowed runs when QuickReply has passed since the turn started: the
// status shows unless a message of the turn is already in the thread.
func (r *reply) slowed() {
	r.out.Lock()
	defer r.out.Unlock()
	if r.done {
		return
	}
	r.slow = true
	if !r.posted {
		r.setStatus(r.status)
	}
}

// setStatus sets the assistant status; r.out is held.
func (r *reply) setStatus(s string) {
	r.b.status(r.ctx, r.api, r.channel, r.thread, s)
	r.shown = s != ""
}

// Approval shows a pending approval below what was written so far; one
// given without its targets is read through the gate for its preview.
func (r *reply) Approval(a Approval) {
	if len(a.Targets) == 0 && r.b.d.Approvals != nil {
		if full, err := r.b.d.Approvals.Get(r.ctx, r.caller, a.ID); err == nil {
			a = full
		}
	}
	r.out.Lock()
	defer r.out.Unlock()
	r.flushLocked()
	err := r.b.postApproval(r.ctx, r.api, r.channel, r.thread, a)
	r.postedLocked(err)
	if err != nil {
		r.b.log.Error().Err(err).Str("approval", a.ID).Msg("slack: post approval")
	}
}

// Card posts a result below what was written so far.
func (r *reply) Card(v any) {
	r.out.Lock()
	defer r.out.Unlock()
	r.flushLocked()
	err := r.b.postCard(r.ctx, r.api, r.channel, r.thread, r.env, v)
	r.postedLocked(err)
	if err != nil {
		r.b.log.Error().Err(err).Msg("slack: post a result")
	}
}

// postedLocked notes a message sent in the thread: Slack has cleared the
// status.
func (r *reply) postedLocked(err error) {
	if err == nil {
		r.posted, r.shown = true, false
	}
}

// postCard posts v, rendered for Slack, in the thread, its images (a
// review's chart) uploaded below it.
func (b *Bot) postCard(ctx context.Context, api *slack.Client, channel, thread string, env present.Env, v any) error {
	s := b.present.Slack(env, v)
	ts, err := b.post(ctx, api, channel, thread, slack.MsgOptionText(s.Text, false), slack.MsgOptionBlocks(s.Blocks...))
	if err != nil || len(s.Images) == 0 {
		return err
	}
	if thread == "" {
		thread = ts
	}
	return b.uploadImages(ctx, api, channel, thread, s.Images)
}

// wrote reports whether any text was given.
func (r *reply) wrote() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.any
}

// loop streams text that keeps coming: the first piece once QuickReply has
// passed since it came (an answer finished before that is posted whole by
// finish), later ones at most once per UpdateGap.
func (r *reply) loop() {
	defer close(r.stopped)
	var last time.Time
	for {
		select {
		case <-r.kick:
		case <-r.stop:
			return
		}
		at := last.Add(r.b.cfg.UpdateGap)
		r.out.Lock()
		started := r.ts != ""
		r.out.Unlock()
		if !started {
			r.mu.Lock()
			at = r.first.Add(r.b.cfg.QuickReply)
			r.mu.Unlock()
		}
		if !r.wait(at) {
			return
		}
		r.flush()
		last = r.b.now()
	}
}

// wait waits until at; false when the turn ended (or the door stops) first.
func (r *reply) wait(at time.Time) bool {
	d := at.Sub(r.b.now())
	if d <= 0 {
		return r.ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.stop:
		return false
	case <-r.ctx.Done():
		return false
	}
}

// Answered posts the whole answer now when none of it was streamed.
func (r *reply) Answered() {
	r.out.Lock()
	defer r.out.Unlock()
	r.postWholeLocked(r.ctx)
}

// postWholeLocked posts the pending text as one message when nothing of
// the reply was streamed yet; r.out is held.
func (r *reply) postWholeLocked(ctx context.Context) {
	if r.ts != "" || r.fallback {
		return
	}
	r.mu.Lock()
	text := r.pending.String()
	whole := text != "" && len(text) <= quickMax
	if whole {
		r.pending.Reset()
	}
	r.mu.Unlock()
	if !whole {
		return
	}
	_, err := r.b.post(ctx, r.api, r.channel, r.thread, slack.MsgOptionMarkdownText(text))
	r.postedLocked(err)
	if err != nil && !errors.Is(err, context.Canceled) {
		r.b.log.Error().Err(err).Str("channel", r.channel).Msg("slack: reply")
	}
}

// finish sends what is left, in one message when nothing was streamed,
// ends the stream, and clears a status no message followed.
func (r *reply) finish(ctx context.Context) {
	r.timer.Stop()
	close(r.stop)
	<-r.stopped
	r.out.Lock()
	defer r.out.Unlock()
	r.done = true
	r.postWholeLocked(ctx)
	r.flushLocked()
	if r.streaming && !r.streamEnded {
		r.streamEnded = true
		err := r.b.call(ctx, r.channel, false, func() error {
			_, _, err := r.api.StopStreamContext(ctx, r.channel, r.ts)
			return err
		})
		if err != nil {
			r.b.log.Warn().Err(err).Msg("slack: stop stream")
		}
	}
	if r.shown {
		r.setStatus("")
	}
}

// flush sends the pending text: the first piece starts a stream (or posts
// a message), later pieces append to it (or edit the message).
func (r *reply) flush() {
	r.out.Lock()
	defer r.out.Unlock()
	r.flushLocked()
}

func (r *reply) flushLocked() {
	r.mu.Lock()
	text := r.pending.String()
	r.pending.Reset()
	r.mu.Unlock()
	if text == "" {
		return
	}
	ctx, b := r.ctx, r.b
	var err error
	switch {
	case r.ts == "":
		err = r.start(ctx, text)
	case r.streaming:
		err = b.call(ctx, r.channel, false, func() error {
			_, _, err := r.api.AppendStreamContext(ctx, r.channel, r.ts, slack.MsgOptionMarkdownText(text))
			return err
		})
		if err != nil { // the stream broke: go on in a new, edited message
			b.log.Warn().Err(err).Msg("slack: append stream; falling back to a posted message")
			r.streaming, r.streamEnded, r.ts = false, true, ""
			err = r.postFallback(ctx, text)
		}
	default:
		r.sent += text
		err = b.call(ctx, r.channel, false, func() error {
			_, _, _, err := r.api.UpdateMessageContext(ctx, r.channel, r.ts, slack.MsgOptionText(r.sent, false))
			return err
		})
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		b.log.Error().Err(err).Str("channel", r.channel).Msg("slack: reply")
	}
}

func (r *reply) start(ctx context.Context, text string) error {
	err := r.b.call(ctx, r.channel, true, func() error {
		var err error
		_, r.ts, err = r.api.StartStreamContext(ctx, r.channel, slack.MsgOptionTS(r.thread), slack.MsgOptionMarkdownText(text),
			slack.MsgOptionRecipientTeamID(r.team), slack.MsgOptionRecipientUserID(r.user))
		return err
	})
	if err == nil {
		r.streaming = true
		r.postedLocked(nil)
		return nil
	}
	r.ts = ""
	r.b.log.Debug().Err(err).Msg("slack: streaming unavailable; posting and editing instead")
	return r.postFallback(ctx, text)
}

func (r *reply) postFallback(ctx context.Context, text string) error {
	r.fallback = true
	r.sent = text
	ts, err := r.b.post(ctx, r.api, r.channel, r.thread, slack.MsgOptionText(text, false))
	r.ts = ts
	r.postedLocked(err)
	return err
}
