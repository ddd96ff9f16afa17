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

// reply streams a turn's answer into its thread: chat.startStream /
// appendStream / stopStream, and where streaming is unavailable a posted
// message edited with chat.update. Text is flushed at most once per
// UpdateGap, by one goroutine, in order.
type reply struct {
	b                                *Bot
	api                              *slack.Client
	ctx                              context.Context
	team, user, channel, thread      string
	caller                           identity.Caller
	env                              present.Env
	kick, stop, stopped              chan struct{}
	flushMu                          sync.Mutex // one flush at a time
	mu                               sync.Mutex
	pending                          strings.Builder
	any                              bool
	ts, sent                         string
	streaming, fallback, streamEnded bool
}

func newReply(b *Bot, api *slack.Client, c identity.Caller, channel, thread string) *reply {
	r := &reply{b: b, api: api, ctx: b.base, team: c.WorkspaceID, user: c.UserID, caller: c, channel: channel, thread: thread,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
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
	r.any = true
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Progress shows a tool starting or failing in the reply and in the
// assistant status.
func (r *reply) Progress(p Progress) {
	if p.Text == "" {
		return
	}
	switch p.Status {
	case "started":
		r.b.status(r.ctx, r.api, r.channel, r.thread, p.Text)
		r.Delta("\n_" + p.Text + "_\n")
	case "failed":
		r.Delta("\n_" + p.Text + " (failed)_\n")
	}
}

// Approval shows a pending approval below what was written so far; one
// given without its targets is read through the gate for its preview.
func (r *reply) Approval(a Approval) {
	r.flush()
	if len(a.Targets) == 0 && r.b.d.Approvals != nil {
		if full, err := r.b.d.Approvals.Get(r.ctx, r.caller, a.ID); err == nil {
			a = full
		}
	}
	if err := r.b.postApproval(r.ctx, r.api, r.channel, r.thread, a); err != nil {
		r.b.log.Error().Err(err).Str("approval", a.ID).Msg("slack: post approval")
	}
}

// Card posts a result below what was written so far.
func (r *reply) Card(v any) {
	r.flush()
	if err := r.b.postCard(r.ctx, r.api, r.channel, r.thread, r.env, v); err != nil {
		r.b.log.Error().Err(err).Msg("slack: post a result")
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

func (r *reply) loop() {
	defer close(r.stopped)
	var last time.Time
	for {
		select {
		case <-r.kick:
		case <-r.stop:
			return
		}
		if err := sleepUntil(r.ctx, r.b.now, last.Add(r.b.cfg.UpdateGap)); err != nil {
			return
		}
		r.flush()
		last = r.b.now()
	}
}

// finish sends what is left and ends the stream.
func (r *reply) finish(ctx context.Context) {
	close(r.stop)
	<-r.stopped
	r.flush()
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
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
}

// flush sends the pending text: the first piece starts a stream (or posts
// a message), later pieces append to it (or edit the message).
func (r *reply) flush() {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
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
	return err
}
