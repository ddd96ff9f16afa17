package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

const (
	// outboxLease is how long a claimed outcome is this replica's to tell:
	// past it (a crash) another replica tells it.
	outboxLease = 2 * time.Minute
	// outboxBatch is how many outcomes one claim takes.
	outboxBatch = 100
	// outboxSenders bounds the outcomes of a batch told at once.
	outboxSenders = 16
	// maxOutcomeAttempts bounds the tries of an outcome Slack keeps failing.
	maxOutcomeAttempts = 6
	// outboxSweep is how often RunOutbox looks for outcomes left behind (a
	// crashed replica's, a restart's, a retry's).
	outboxSweep = 30 * time.Second
)

func newOwner() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "slack-" + hex.EncodeToString(b[:])
}

// RunOutbox tells the outcomes waiting in the outbox now and every 30 s
// until ctx ends: those a crashed replica leased, those left by a restart
// and retries whose time came.
func (b *Bot) RunOutbox(ctx context.Context) {
	t := time.NewTicker(outboxSweep)
	defer t.Stop()
	for {
		b.kick()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// kick starts a drain of the outbox after the caller's work; one drain at a
// time per replica: a kick during one makes it run once more.
func (b *Bot) kick() {
	if b.base.Err() != nil {
		return
	}
	b.mu.Lock()
	if b.out.draining {
		b.out.again = true
		b.mu.Unlock()
		return
	}
	b.out.draining = true
	b.mu.Unlock()
	if !b.later(b.drain) {
		b.mu.Lock()
		b.out.draining = false
		b.mu.Unlock()
		b.log.Warn().Msg("slack: too much work queued; the outbox is sent at its next sweep")
	}
}

func (b *Bot) drain(ctx context.Context) {
	for {
		b.sendDue(ctx)
		b.mu.Lock()
		if !b.out.again || ctx.Err() != nil {
			b.out.draining, b.out.again = false, false
			b.mu.Unlock()
			return
		}
		b.out.again = false
		b.mu.Unlock()
	}
}

// sendDue claims the due outcomes, a batch at a time, and tells them.
func (b *Bot) sendDue(ctx context.Context) {
	for ctx.Err() == nil {
		batch, err := b.d.Store.ClaimOutcomes(ctx, b.owner, b.now(), outboxLease, outboxBatch)
		if err != nil {
			b.log.Error().Err(err).Msg("slack: claim outcomes; tried again at the next sweep")
			return
		}
		sem := make(chan struct{}, outboxSenders)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var done []Finished
		for _, o := range batch {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				if key, ok := b.sendOutcome(ctx, o); ok {
					mu.Lock()
					done = append(done, Finished{Outgoing: o, ToldKey: key})
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if err := b.d.Store.FinishOutcomes(ctx, done, b.now()); err != nil { // their leases lapse: told again
			b.log.Error().Err(err).Int("outcomes", len(done)).Msg("slack: finish outcomes")
		}
		if len(batch) < outboxBatch {
			return
		}
	}
}

// sendOutcome tells one claimed outcome. ok: its record is to be finished
// (told, with the key of the state told, or given up with the reason
// logged); else it was parked or retried later.
func (b *Bot) sendOutcome(ctx context.Context, o Outgoing) (key string, ok bool) {
	log := b.log.With().Str("team", o.WorkspaceID).Str("post", o.PostID).Int("attempt", o.Attempts+1).Logger()
	if b.park(o.WorkspaceID, o.PostID) { // told when the request asking for it ends
		if err := b.d.Store.RetryOutcome(ctx, o, b.now(), 0); err != nil {
			log.Error().Err(err).Msg("slack: park an outcome")
		}
		return "", false
	}
	key, err := b.tellOutcome(ctx, o)
	var rl *slack.RateLimitedError
	switch {
	case err == nil:
		return key, true
	case errors.Is(err, ErrNowhere):
		log.Debug().Msg("slack: an outcome with no thread and no notification channel is not told")
	case permanent(err):
		log.Error().Err(err).Msg("slack: outcome not told; Slack refuses it")
	case o.Attempts+1 >= maxOutcomeAttempts:
		log.Error().Err(err).Msg("slack: outcome not told; giving up after repeated failures")
	case errors.As(err, &rl):
		b.retryAt(ctx, o, b.now().Add(rl.RetryAfter), err)
		return "", false
	default:
		n := time.Duration(o.Attempts + 1)
		b.retryAt(ctx, o, b.now().Add(n*n*time.Second), err)
		return "", false
	}
	return "", true
}

// retryAt makes o due again at at and kicks the outbox then.
func (b *Bot) retryAt(ctx context.Context, o Outgoing, at time.Time, cause error) {
	b.log.Warn().Err(cause).Str("team", o.WorkspaceID).Str("post", o.PostID).Time("retry_at", at).Msg("slack: outcome not told yet; retrying")
	if err := b.d.Store.RetryOutcome(ctx, o, at, 1); err != nil {
		b.log.Error().Err(err).Str("post", o.PostID).Msg("slack: retry an outcome")
		return
	}
	time.AfterFunc(at.Sub(b.now()), b.kick)
}

// tellOutcome posts the outcome of a post whose deliveries are all final,
// unless told already; it returns the key of the final state told.
func (b *Bot) tellOutcome(ctx context.Context, o Outgoing) (string, error) {
	p, err := b.d.Posts.Get(ctx, systemCaller(o.WorkspaceID), o.PostID)
	if err != nil {
		return "", fmt.Errorf("slack: outcome of post %s: %w", o.PostID, err)
	}
	out, key, final := outcomeOf(p)
	if !final || key == o.ToldKey {
		return "", nil // the last delivery to settle queues it again; told already
	}
	told, err := b.d.Store.ToldKey(ctx, o.WorkspaceID, o.PostID) // a button may have shown it since the claim
	if err != nil || told == key {
		return "", err
	}
	th, err := b.d.Store.Thread(ctx, o.WorkspaceID, o.PostID, b.now())
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	err = b.NotifyOutcome(ctx, o.WorkspaceID, th.Channel, th.ThreadTS, out)
	if th.Channel != "" && goneChannel(err) {
		fallback := b.notifyChannel(ctx, o.WorkspaceID)
		if fallback == "" || fallback == th.Channel {
			return "", err
		}
		b.log.Warn().Err(err).Str("post", o.PostID).Str("channel", th.Channel).Msg("slack: the outcome's thread is out of reach; told in the notification channel")
		err = b.NotifyOutcome(ctx, o.WorkspaceID, fallback, "", out)
	}
	return key, err
}

// goneChannel reports Slack's refusals of a channel the bot cannot post to.
func goneChannel(err error) bool {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return false
	}
	switch se.Err {
	case "channel_not_found", "not_in_channel", "is_archived", "thread_not_found":
		return true
	}
	return false
}

// permanent reports a refusal that trying again does not change: any error
// Slack answered with but its own failures.
func permanent(err error) bool {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return false
	}
	switch se.Err {
	case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited":
		return false
	}
	return true
}
