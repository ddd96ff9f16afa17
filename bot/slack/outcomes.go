package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Posts reads a post whose outcome is to be told (*publish.Service).
type Posts interface {
	Get(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
}

// notifiedFor is how long the claim of a told outcome is kept: far longer
// than any replica takes to see the same settled delivery.
const notifiedFor = 24 * time.Hour

// outcomes tracks the Slack requests that may publish right now: a post
// settling while its request has not yet recorded where it was asked for
// waits for it (parked) instead of going to the notification channel.
type outcomes struct {
	slots  chan struct{} // bounds the outcomes being told at once
	asks   map[string]int
	parked map[string]map[string]bool // workspace → post ids
}

// Settled implements publish.Config.OnSettled: once every delivery of the
// post is final, its outcome is told, once, in the thread that asked for it
// or the notification channel. It never blocks: when too many outcomes are
// being told already, this one is dropped (and logged).
func (b *Bot) Settled(d publish.Delivery) {
	if b.d.Posts == nil || !d.Status.Settled() || d.Status == publish.StatusCancelled {
		return
	}
	b.tell(d.WorkspaceID, d.PostID)
}

// tell checks post postID of workspace ws after the caller's work.
func (b *Bot) tell(ws, postID string) {
	select {
	case b.out.slots <- struct{}{}:
	default:
		b.log.Warn().Str("team", ws).Str("post", postID).Msg("slack: too many outcomes in flight; this one is not told")
		return
	}
	b.later(func(ctx context.Context) {
		defer func() { <-b.out.slots }()
		if err := b.tellOutcome(ctx, ws, postID); err != nil && !errors.Is(err, ErrNowhere) {
			b.log.Error().Err(err).Str("team", ws).Str("post", postID).Msg("slack: tell outcome")
		}
	})
}

func systemCaller(ws string) identity.Caller {
	return identity.Caller{WorkspaceID: ws, UserID: "system", Role: identity.Viewer, Door: identity.DoorSystem}
}

// tellOutcome posts the outcome of a post whose deliveries are all final.
func (b *Bot) tellOutcome(ctx context.Context, ws, postID string) error {
	if b.park(ws, postID) {
		return nil
	}
	p, err := b.d.Posts.Get(ctx, systemCaller(ws), postID)
	if err != nil {
		return fmt.Errorf("slack: outcome of post %s: %w", postID, err)
	}
	o, key, final := outcomeOf(p)
	if !final {
		return nil // the last delivery to settle tells it
	}
	now := b.now()
	th, err := b.d.Store.Thread(ctx, ws, postID, now)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	channel, thread, err := b.where(ctx, ws, th.Channel, th.ThreadTS)
	if err != nil {
		return err
	}
	first, err := b.claim(ctx, postID, key)
	if err != nil || !first {
		return err
	}
	return b.NotifyOutcome(ctx, ws, channel, thread, o)
}

// claim takes the telling of the post's final state key, once across
// replicas: true for the one who tells it.
func (b *Bot) claim(ctx context.Context, postID, key string) (bool, error) {
	now := b.now()
	return b.d.Store.Remember(ctx, "notified:"+postID+":"+key, now, now.Add(notifiedFor))
}

// outcomeOf is the post's outcome per target (cancelled ones left out), the
// key of this final state (a retry that settles again is a new state) and
// whether every delivery is final.
func outcomeOf(p publish.PostView) (publish.Outcome, string, bool) {
	o := publish.Outcome{PostID: p.ID, Success: true}
	h := sha256.New()
	for _, t := range p.Targets {
		if !t.Status.Settled() {
			return publish.Outcome{}, "", false
		}
		fmt.Fprintf(h, "%s:%s:%d;", t.AccountID, t.Status, t.Attempts)
		if t.Status == publish.StatusCancelled {
			continue
		}
		o.Success = o.Success && t.Status == publish.StatusPublished
		o.Results = append(o.Results, publish.Result{AccountID: t.AccountID, Platform: t.Platform, Status: t.Status,
			PlatformPostID: t.PlatformPostID, URL: t.URL, Error: t.Error, Failure: t.Failure})
	}
	return o, hex.EncodeToString(h.Sum(nil))[:16], len(o.Results) > 0
}

// park holds back the outcome of a post of ws while a Slack request there
// may still record where that post was asked for; the request tells it
// when it ends.
func (b *Bot) park(ws, postID string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.out.asks[ws] == 0 {
		return false
	}
	if b.out.parked[ws] == nil {
		b.out.parked[ws] = map[string]bool{}
	}
	b.out.parked[ws][postID] = true
	return true
}

// ask is a Slack request that may publish: record says where its post was
// asked for, end lets the outcomes parked meanwhile be told.
type ask struct {
	b  *Bot
	ws string
}

func (b *Bot) startAsk(ws string) ask {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.out.asks[ws]++
	return ask{b: b, ws: ws}
}

func (a ask) end() {
	b := a.b
	b.mu.Lock()
	b.out.asks[a.ws]--
	var parked map[string]bool
	if b.out.asks[a.ws] == 0 {
		delete(b.out.asks, a.ws)
		parked = b.out.parked[a.ws]
		delete(b.out.parked, a.ws)
	}
	b.mu.Unlock()
	for id := range parked {
		b.tell(a.ws, id)
	}
}

// told marks the post's present outcome as told when it is final: a button
// that retried it has shown that outcome in its own message already.
func (a ask) told(ctx context.Context, postID string) {
	b := a.b
	if b.d.Posts == nil {
		return
	}
	p, err := b.d.Posts.Get(ctx, systemCaller(a.ws), postID)
	if err != nil {
		b.log.Error().Err(err).Str("post", postID).Msg("slack: read a retried post")
		return
	}
	if _, key, final := outcomeOf(p); final {
		if _, err := b.claim(ctx, postID, key); err != nil {
			b.log.Error().Err(err).Str("post", postID).Msg("slack: mark a retried outcome told")
		}
	}
}

// record remembers that post postID was asked for in channel (and thread)
// until ThreadFor after it is due.
func (a ask) record(ctx context.Context, postID, channel, thread string) {
	b := a.b
	if b.d.Posts == nil || postID == "" || channel == "" {
		return
	}
	due := b.now()
	if p, err := b.d.Posts.Get(ctx, systemCaller(a.ws), postID); err == nil && p.ScheduledAt != nil && p.ScheduledAt.After(due) {
		due = *p.ScheduledAt
	}
	t := Thread{WorkspaceID: a.ws, PostID: postID, Channel: channel, ThreadTS: thread, ExpiresAt: due.Add(b.cfg.ThreadFor)}
	if err := b.d.Store.SaveThread(ctx, t); err != nil {
		b.log.Error().Err(err).Str("post", postID).Msg("slack: remember where a post was asked for")
	}
}
