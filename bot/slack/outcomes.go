package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Posts reads a post whose outcome is to be told (*publish.Service).
type Posts interface {
	Get(ctx context.Context, c identity.Caller, id string) (publish.PostView, error)
}

// notifiedFor is how long a told outcome's record is kept: far longer than
// any replica takes to see the same settled delivery.
const notifiedFor = 24 * time.Hour

// outcomes tracks the Slack requests that may publish right now: a post
// settling while its request has not yet recorded where it was asked for
// waits for it (parked) instead of going to the notification channel. It
// also says whether this replica is sending the outbox.
type outcomes struct {
	asks     map[string]int
	parked   map[string]map[string]bool // workspace → post ids
	draining bool                       // a drain of the outbox runs
	again    bool                       // kicked while draining: drain once more
}

// Settled implements publish.Config.OnSettled: once every delivery of the
// post is final, its outcome is queued in the durable outbox and told from
// there, once across replicas, in the thread that asked for it or the
// notification channel. It waits only for that write, committed with the
// outcomes settling at the same time.
func (b *Bot) Settled(d publish.Delivery) {
	if b.d.Posts == nil || !d.Status.Settled() || d.Status == publish.StatusCancelled {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.base), 10*time.Second)
	defer cancel()
	if _, err := b.queued.do(ctx, PostRef{d.WorkspaceID, d.PostID}, b.queueAll); err != nil {
		b.log.Error().Err(err).Str("team", d.WorkspaceID).Str("post", d.PostID).Msg("slack: outcome not queued; it is not told")
		return
	}
	b.kick()
}

func systemCaller(ws string) identity.Caller {
	return identity.Caller{WorkspaceID: ws, UserID: "system", Role: identity.Viewer, Door: identity.DoorSystem}
}

// outcomeOf is the post's outcome per target (cancelled ones left out), the
// key of this final state (a retry that settles again is a new state) and
// whether every delivery is final.
func outcomeOf(p publish.PostView) (publish.Outcome, string, bool) {
	o := publish.Outcome{PostID: p.ID, Success: true, Text: p.Content.Text}
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
	parked := false
	if b.out.asks[a.ws] == 0 {
		delete(b.out.asks, a.ws)
		parked = len(b.out.parked[a.ws]) > 0
		delete(b.out.parked, a.ws)
	}
	b.mu.Unlock()
	if parked {
		b.kick()
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
		if err := b.d.Store.MarkTold(ctx, a.ws, postID, key, b.now()); err != nil {
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
