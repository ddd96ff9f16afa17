package publish

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	fk "github.com/marketingminds/marketingminds/tools/fault"
)

var newID = store.NewID

// SnoozeError asks for the delivery to run again at Until without using an
// attempt (a rate limit, a posting cap, a time not yet come).
type SnoozeError struct {
	Until  time.Time
	Reason string
}

func (e *SnoozeError) Error() string { return "publish: " + e.Reason }

// PermanentError says the delivery is settled as failed: do not retry.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// clockSkew widens the reconciliation window for clocks that disagree.
const clockSkew = 2 * time.Minute

// Deliver runs one delivery one step on: it sends a pending delivery, or
// finds out what became of one whose outcome is unknown. It is what the
// delivery job runs and what PublishNow, Retry and PublishAnyway run inline.
//
// nil: nothing more to do (published, failed, unconfirmed, cancelled).
// *SnoozeError: run again at Until; *PermanentError: failed for good; any
// other error: run again after a backoff. lastTry says the caller will not
// run it again, so an unknown outcome is settled as unconfirmed.
func (s *Service) Deliver(ctx context.Context, workspaceID, deliveryID string, lastTry bool) error {
	for range 3 {
		d, err := s.getDelivery(ctx, workspaceID, deliveryID)
		if errors.Is(err, ErrNotFound) {
			return &PermanentError{Err: err}
		}
		if err != nil {
			return err
		}
		err, again := s.step(ctx, d, lastTry)
		if !again {
			return err
		}
	}
	return fmt.Errorf("publish: delivery %s kept changing while being sent", deliveryID)
}

// step moves d once; again asks for a fresh read (d changed meanwhile).
func (s *Service) step(ctx context.Context, d Delivery, lastTry bool) (err error, again bool) {
	switch d.Status {
	case StatusPublished, StatusFailed, StatusCancelled, StatusUnconfirmed:
		return nil, false
	case StatusPublishing:
		// The attempt that marked it never recorded an answer: its replica
		// died or hung. Never send blindly: look for the post first.
		return s.reconcile(ctx, d, lastTry), false
	}
	now := s.now()
	if d.RunAt.After(now.Add(time.Second)) {
		return &SnoozeError{Until: d.RunAt, Reason: "scheduled for " + d.RunAt.Format(time.RFC3339)}, false
	}
	ad, tgt, err := s.target(ctx, d)
	if err != nil {
		return s.settleSetup(ctx, d, err), false
	}
	if !d.VerifySince.IsZero() {
		// An earlier attempt may have been accepted (5xx, no answer).
		found, err := s.find(ctx, ad, &tgt, d, d.VerifySince)
		if err != nil {
			return s.uncheckable(ctx, d, tgt, err, lastTry), false
		}
		if found != nil {
			return s.saveFound(ctx, d, *found), false
		}
	}
	if snooze, err := s.checkCap(ctx, ad, tgt, d, now); err != nil || snooze != nil {
		if snooze != nil {
			w := d
			w.WaitingUntil, w.LastError, w.UpdatedAt = snooze.Until, snooze.Reason, now
			_, _ = s.commit.Save(ctx, w)
			return snooze, false
		}
		return err, false
	}
	if early := d.RunAt.Sub(s.now()); early > 0 {
		// Handed over ahead of time (the scheduler's look-ahead) and
		// prepared: send on time, not before.
		t := time.NewTimer(early)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err(), false
		}
		now = s.now()
	}
	m := d
	m.Status, m.Attempts, m.StartedAt, m.WaitingUntil, m.UpdatedAt = StatusPublishing, d.Attempts+1, now, time.Time{}, now
	m.Checks = 0 // any check before this attempt is done
	ok, err := s.commit.Save(ctx, m)
	if err != nil {
		return err, false
	}
	if !ok {
		return nil, true
	}
	m.Rev++
	pub, perr := s.send(ctx, ad, &tgt, m)
	return s.settle(context.WithoutCancel(ctx), m, pub, perr), false
}

// target resolves the delivery's adapter, account and token.
func (s *Service) target(ctx context.Context, d Delivery) (Adapter, platform.Target, error) {
	ad := s.cfg.Adapters[d.Platform]
	if ad == nil {
		return nil, platform.Target{}, &PermanentError{Err: fmt.Errorf("publishing to %s is not available here", d.Platform.Label())}
	}
	acct, err := s.account(ctx, d.WorkspaceID, d.AccountID)
	switch {
	case errors.Is(err, ErrUnknownAccount):
		return nil, platform.Target{}, &PermanentError{Err: fmt.Errorf("the %s account was removed from this workspace", d.Platform.Label())}
	case err != nil:
		return nil, platform.Target{}, err
	case !acct.Connected:
		why := acct.Problem
		if why == "" {
			why = "it was disconnected"
		}
		return nil, platform.Target{}, &PermanentError{Err: &kindError{kind: fk.Token, err: fmt.Errorf("the %s account %s needs to be reconnected: %s", d.Platform.Label(), accountLabel(acct), why)}}
	}
	tok, err := s.tokens.do(d.WorkspaceID+"/"+d.AccountID, func() (string, error) {
		return s.cfg.Accounts.Token(ctx, d.WorkspaceID, d.AccountID)
	})
	if err != nil {
		if platform.KindOf(err) == platform.KindAuth {
			return nil, platform.Target{}, &PermanentError{Err: &kindError{kind: fk.Token, err: fmt.Errorf("the %s account's access has ended; reconnect the account (%s)", d.Platform.Label(), platform.Message(err))}}
		}
		return nil, platform.Target{}, err
	}
	return ad, platform.Target{ExternalID: acct.ExternalID, AccessToken: tok}, nil
}

// accountTTL bounds how long deliveries reuse a connected account read
// through Accounts (measured on the monotonic clock): a burst of deliveries
// to a few accounts reads each once, and a disconnect is seen within it
// (the token, which Accounts forgets at once, stops working sooner).
const accountTTL = time.Second

type accountEntry struct {
	acct Account
	read time.Time
}

// account returns the delivery's account: a connected one read less than
// accountTTL ago, or a fresh read shared with the deliveries asking for the
// same account meanwhile.
func (s *Service) account(ctx context.Context, workspaceID, accountID string) (Account, error) {
	key := workspaceID + "/" + accountID
	s.acctMu.Lock()
	e, ok := s.acctCache[key]
	s.acctMu.Unlock()
	if ok && time.Since(e.read) < accountTTL {
		return e.acct, nil
	}
	return s.accounts.do(key, func() (Account, error) {
		read := time.Now()
		a, err := s.cfg.Accounts.Account(ctx, workspaceID, accountID)
		s.acctMu.Lock()
		if err == nil && a.Connected {
			s.acctCache[key] = accountEntry{acct: a, read: read}
		} else {
			delete(s.acctCache, key)
		}
		s.acctMu.Unlock()
		return a, err
	})
}

// settleSetup records a failure found before sending: permanent ones fail
// the delivery; others are retried.
func (s *Service) settleSetup(ctx context.Context, d Delivery, err error) error {
	var perm *PermanentError
	if !errors.As(err, &perm) {
		return err
	}
	f := d
	f.Status, f.LastError, f.UpdatedAt = StatusFailed, perm.Err.Error(), s.now()
	fl := fk.Of(perm.Err, f.UpdatedAt)
	if fl.Kind == fk.Token {
		fl.Platform = d.Platform // the platform refused the account's access
	}
	f.Failure = &fl
	if serr := s.saveOutcome(ctx, f); serr != nil {
		return serr
	}
	return err
}

// send publishes, refreshing the token once if the platform refused it.
func (s *Service) send(ctx context.Context, ad Adapter, tgt *platform.Target, d Delivery) (platform.Published, error) {
	d.Body = s.withURLs(d.WorkspaceID, d.Body)
	pub, err := ad.Publish(ctx, *tgt, d.Body)
	if err == nil || !errors.Is(err, platform.ErrTokenExpired) || pub.ID != "" {
		return pub, err
	}
	tok, rerr := s.cfg.Accounts.RefreshToken(ctx, d.WorkspaceID, d.AccountID, tgt.AccessToken)
	if rerr != nil {
		return pub, fmt.Errorf("%w (refreshing the token failed too: %s)", err, platform.Message(rerr))
	}
	tgt.AccessToken = tok
	return ad.Publish(ctx, *tgt, d.Body)
}

// settle records what the platform answered and says what happens next.
func (s *Service) settle(ctx context.Context, m Delivery, pub platform.Published, perr error) error {
	now := s.now()
	c := m
	c.UpdatedAt = now
	label := m.Platform.Label()
	switch kind := platform.KindOf(perr); {
	case perr == nil || pub.ID != "":
		c.Status, c.PlatformPostID, c.URL, c.PublishedAt, c.VerifySince, c.LastError, c.Failure = StatusPublished, pub.ID, pub.URL, now, time.Time{}, "", nil
		if perr != nil {
			// A thread whose later part failed: the post exists; sending
			// again would duplicate it.
			c.LastError = fmt.Sprintf("published, but %s refused part of the thread: %s", label, platform.Message(perr))
		}
		return s.saveOutcome(ctx, c)
	case kind == platform.KindRateLimit:
		wait, _ := platform.RetryAfter(perr)
		if wait <= 0 {
			wait = time.Minute
		}
		until := now.Add(wait)
		c.Status, c.Attempts, c.WaitingUntil = StatusPending, max(m.Attempts-1, 0), until
		c.LastError = fmt.Sprintf("waiting for %s rate limit until %s", label, until.Format("15:04 MST"))
		c.Failure = &fk.Failure{Kind: fk.RateLimit, Platform: m.Platform, RetryAt: &until}
		if err := s.saveOutcome(ctx, c); err != nil {
			return err
		}
		return &SnoozeError{Until: until, Reason: c.LastError}
	case kind == platform.KindAuth:
		c.Status = StatusFailed
		c.LastError = fmt.Sprintf("%s refused the account's access even after a refresh; reconnect the account (%s said: %s)", label, label, platform.Message(perr))
		c.Failure = &fk.Failure{Kind: fk.Token, Platform: m.Platform, Message: platform.Message(perr)}
		if err := s.saveOutcome(ctx, c); err != nil {
			return err
		}
		return &PermanentError{Err: perr}
	case kind == platform.KindPermanent:
		c.Status = StatusFailed
		c.LastError = fmt.Sprintf("%s rejected the post: %s", label, platform.Message(perr))
		fl := fk.Of(perr, now)
		c.Failure = &fl
		if err := s.saveOutcome(ctx, c); err != nil {
			return err
		}
		return &PermanentError{Err: perr}
	default:
		// Transient: a 5xx, a timeout, a dropped connection. The platform
		// may have accepted it, so the next attempt looks before it sends.
		c.Status = StatusPending
		if c.VerifySince.IsZero() || m.StartedAt.Before(c.VerifySince) {
			c.VerifySince = m.StartedAt
		}
		c.LastError = fmt.Sprintf("%s had a temporary problem (%s); trying again", label, platform.Message(perr))
		c.Failure = &fk.Failure{Kind: fk.Temporary, Platform: m.Platform}
		if m.Attempts >= s.cfg.MaxAttempts {
			c.Status = StatusFailed
			c.LastError = fmt.Sprintf("%s kept failing after %d attempts: %s", label, m.Attempts, platform.Message(perr))
			c.VerifySince = time.Time{}
			if err := s.saveOutcome(ctx, c); err != nil {
				return err
			}
			return &PermanentError{Err: perr}
		}
		if err := s.saveOutcome(ctx, c); err != nil {
			return err
		}
		return fmt.Errorf("publish: delivery %s: %w", m.ID, perr)
	}
}

// saveOutcome writes c; if someone moved the delivery meanwhile (a
// reconciliation after a lease expired), a publication still wins: it is
// what the platform holds.
func (s *Service) saveOutcome(ctx context.Context, c Delivery) error {
	for range 3 {
		ok, err := s.commit.Save(ctx, c)
		if ok && c.Status.Settled() && s.cfg.OnSettled != nil {
			s.cfg.OnSettled(c)
		}
		if err != nil || ok {
			return err
		}
		cur, err := s.store.GetDelivery(ctx, c.WorkspaceID, c.ID)
		if err != nil {
			return err
		}
		if c.Status != StatusPublished || cur.Status == StatusPublished {
			return nil
		}
		c.Rev = cur.Rev
	}
	return fmt.Errorf("publish: delivery %s kept changing while its outcome was saved", c.ID)
}

// reconcile settles a delivery left publishing by an attempt that never
// answered: found on the account → published; not found → unconfirmed; the
// account cannot be read → see uncheckable.
func (s *Service) reconcile(ctx context.Context, d Delivery, lastTry bool) error {
	ad, tgt, err := s.target(ctx, d)
	var perm *PermanentError
	if err != nil && !errors.As(err, &perm) {
		return err
	}
	if err != nil {
		c := d
		c.Status, c.UpdatedAt = StatusUnconfirmed, s.now()
		c.LastError = fmt.Sprintf("sending stopped midway and %s could not be checked (%v); look at the account, then publish anyway or cancel", d.Platform.Label(), errMessage(err))
		return s.saveOutcome(context.WithoutCancel(ctx), c)
	}
	since := d.StartedAt
	if !d.VerifySince.IsZero() && d.VerifySince.Before(since) {
		since = d.VerifySince
	}
	found, err := s.find(ctx, ad, &tgt, d, since)
	if err != nil {
		return s.uncheckable(ctx, d, tgt, err, lastTry)
	}
	if found != nil {
		return s.saveFound(context.WithoutCancel(ctx), d, *found)
	}
	c := d
	c.Status, c.UpdatedAt = StatusUnconfirmed, s.now()
	c.LastError = fmt.Sprintf("sending stopped midway and the post is not on %s; look at the account, then publish anyway or cancel", d.Platform.Label())
	return s.saveOutcome(context.WithoutCancel(ctx), c)
}

// uncheckable handles a failed read of the account while d's outcome is
// unknown. A refusal (no permission to read, no way to read that kind of
// account, access revoked) will not pass: d is unconfirmed at once, saying
// so. Anything else (5xx, timeout, rate limit) is counted on d and retried,
// until ReconcileTries reads failed or the caller will not run it again.
func (s *Service) uncheckable(ctx context.Context, d Delivery, tgt platform.Target, readErr error, lastTry bool) error {
	ctx = context.WithoutCancel(ctx)
	c := d
	c.UpdatedAt = s.now()
	label := d.Platform.Label()
	switch kind := platform.KindOf(readErr); {
	case kind == platform.KindPermanent || kind == platform.KindAuth:
		c.Status, c.VerifySince, c.LastError = StatusUnconfirmed, time.Time{}, refusedToCheck(d.Platform, tgt, kind, readErr)
		return s.saveOutcome(ctx, c)
	case lastTry || d.Checks+1 >= s.cfg.ReconcileTries:
		c.Status, c.VerifySince, c.Checks = StatusUnconfirmed, time.Time{}, d.Checks+1
		c.LastError = fmt.Sprintf("sending stopped midway and %s could not be checked after %d tries (%s); look at the account, then publish anyway or cancel",
			label, c.Checks, platform.Message(readErr))
		return s.saveOutcome(ctx, c)
	}
	c.Checks = d.Checks + 1
	c.LastError = fmt.Sprintf("checking whether %s has the post; it had a temporary problem (%s), trying again", label, platform.Message(readErr))
	if _, err := s.commit.Save(ctx, c); err != nil {
		return err
	}
	if wait, ok := platform.RetryAfter(readErr); ok && wait > 0 {
		return &SnoozeError{Until: c.UpdatedAt.Add(wait), Reason: c.LastError}
	}
	return fmt.Errorf("publish: delivery %s: check the account: %w", d.ID, readErr)
}

// refusedToCheck says, in a marketer's words, that the platform does not
// let us read the account back and what to do about it.
func refusedToCheck(p platform.Name, tgt platform.Target, kind platform.Kind, err error) string {
	const then = "look at %s, then publish anyway or cancel"
	switch {
	case kind == platform.KindAuth:
		return fmt.Sprintf("%s no longer accepts this account's access, so we could not check whether the post went out; reconnect the account and "+then,
			p.Label(), "the account")
	case p == platform.LinkedIn && strings.HasPrefix(tgt.ExternalID, "urn:li:person:"):
		return "LinkedIn does not let us read your profile's posts to check; " + fmt.Sprintf(then, "your feed")
	}
	return fmt.Sprintf("%s does not let us read this account's posts to check (%s); "+then, p.Label(), platform.Message(err), "the account")
}

func (s *Service) saveFound(ctx context.Context, d Delivery, p platform.RecentPost) error {
	c := d
	now := s.now()
	c.Status, c.PlatformPostID, c.URL, c.VerifySince, c.WaitingUntil, c.LastError, c.Failure, c.UpdatedAt = StatusPublished, p.ID, p.URL, time.Time{}, time.Time{}, "", nil, now
	c.PublishedAt = p.CreatedAt
	if c.PublishedAt.IsZero() {
		c.PublishedAt = now
	}
	return s.saveOutcome(ctx, c)
}

func errMessage(err error) string {
	var perm *PermanentError
	if errors.As(err, &perm) {
		return perm.Err.Error()
	}
	return platform.Message(err)
}

// find looks for d's post among the account's posts since since: same text
// (URLs aside, as platforms shorten them), not already claimed by another
// delivery.
func (s *Service) find(ctx context.Context, ad Adapter, tgt *platform.Target, d Delivery, since time.Time) (*platform.RecentPost, error) {
	from := since.Add(-clockSkew)
	posts, err := ad.RecentPosts(ctx, *tgt, from)
	if errors.Is(err, platform.ErrTokenExpired) {
		tok, rerr := s.cfg.Accounts.RefreshToken(ctx, d.WorkspaceID, d.AccountID, tgt.AccessToken)
		if rerr != nil {
			return nil, fmt.Errorf("publish: read recent posts: %w", err)
		}
		tgt.AccessToken = tok
		posts, err = ad.RecentPosts(ctx, *tgt, from)
	}
	if err != nil {
		return nil, fmt.Errorf("publish: read recent posts of %s: %w", d.AccountID, err)
	}
	claimed, err := s.store.PublishedIDs(ctx, d.WorkspaceID, d.AccountID, from.Add(-DuplicateWindow))
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, id := range claimed {
		taken[id] = true
	}
	want := normText(sentTexts(d.Platform, d.Body)[0])
	for i, p := range posts {
		if taken[p.ID] || (!p.CreatedAt.IsZero() && p.CreatedAt.Before(from)) {
			continue
		}
		if got := normText(p.Text); got == want || (want != "" && strings.Contains(got, want)) {
			return &posts[i], nil
		}
	}
	return nil, nil
}

var urlPattern = regexp.MustCompile(`(?i)\bhttps?://\S+`)

// normText makes texts comparable across what platforms do to them: URLs
// removed (X shortens them), whitespace collapsed, NFC.
func normText(s string) string {
	s = urlPattern.ReplaceAllString(norm.NFC.String(s), " ")
	return strings.Join(strings.Fields(s), " ")
}
