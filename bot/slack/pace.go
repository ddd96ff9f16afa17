package slack

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// pacer keeps Slack's per-channel limit: at most one new message per gap
// in a channel, and a 429's Retry-After pushes the channel's next slot.
// The gap counts from when Slack answered the previous message, so a
// message slowed on its way cannot arrive right before the next one.
type pacer struct {
	gap time.Duration
	now func() time.Time

	mu   sync.Mutex
	next map[string]time.Time
	busy map[string]chan struct{} // a channel's message in flight
}

func newPacer(gap time.Duration, now func() time.Time) *pacer {
	return &pacer{gap: gap, now: now, next: map[string]time.Time{}, busy: map[string]chan struct{}{}}
}

// take waits until no other message of the channel is in flight and marks
// one; the returned func marks it answered and starts the next gap.
func (p *pacer) take(ctx context.Context, channel string) (func(), error) {
	for {
		p.mu.Lock()
		wait, held := p.busy[channel]
		if !held {
			done := make(chan struct{})
			p.busy[channel] = done
			p.mu.Unlock()
			return func() {
				p.mu.Lock()
				delete(p.busy, channel)
				if n := p.now().Add(p.gap); p.next[channel].Before(n) {
					p.next[channel] = n
				}
				p.mu.Unlock()
				close(done)
			}, nil
		}
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// slot reserves the channel's next slot and returns when it is.
func (p *pacer) slot(channel string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.now()
	if n := p.next[channel]; n.After(at) {
		at = n
	}
	p.next[channel] = at.Add(p.gap)
	if len(p.next) > 10000 { // forget channels whose slot has passed
		for ch, n := range p.next {
			if n.Before(at.Add(-p.gap)) {
				delete(p.next, ch)
			}
		}
	}
	return at
}

// hold pushes the channel's next slot to at least until.
func (p *pacer) hold(channel string, until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next[channel].Before(until) {
		p.next[channel] = until
	}
}

// sleepUntil waits until at or ctx ends.
func sleepUntil(ctx context.Context, now func() time.Time, at time.Time) error {
	d := at.Sub(now())
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxRateLimited bounds how often one call is retried after a 429.
const maxRateLimited = 3

// call runs fn for channel honouring Slack's limits: when paced (a new
// message), it waits for the channel's slot; a 429 waits its Retry-After
// (the channel's later messages too) and tries again.
func (b *Bot) call(ctx context.Context, channel string, paced bool, fn func() error) error {
	for attempt := 0; ; attempt++ {
		var answered func()
		if paced {
			var err error
			if answered, err = b.pace.take(ctx, channel); err != nil {
				return err
			}
			if err := sleepUntil(ctx, b.now, b.pace.slot(channel)); err != nil {
				answered()
				return err
			}
		}
		err := fn()
		if answered != nil {
			answered()
		}
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || attempt >= maxRateLimited {
			return err
		}
		until := b.now().Add(rl.RetryAfter)
		b.pace.hold(channel, until)
		b.log.Warn().Str("channel", channel).Dur("retry_after", rl.RetryAfter).Msg("slack: rate limited")
		if err := sleepUntil(ctx, b.now, until); err != nil {
			return err
		}
	}
}

// post sends a new message to channel (in thread when set), paced.
func (b *Bot) post(ctx context.Context, api *slack.Client, channel, thread string, opts ...slack.MsgOption) (string, error) {
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	var ts string
	err := b.call(ctx, channel, true, func() error {
		var err error
		_, ts, err = api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ts, err
}
