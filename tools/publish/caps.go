package publish

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// quotaTTL is how long an Instagram quota_total read from the API is trusted.
const quotaTTL = time.Hour

// capReread bounds how long a count of an account's starts read from the
// store is reused; capMargin is how close to the cap the count must come
// for the store to be read again anyway.
const capReread = time.Second

func capMargin(limit int) int { return max(limit/10, 5) }

// capCount is an account's starts in the window as last read from the store.
type capCount struct {
	n        int
	earliest time.Time
	at       time.Time
}

// checkCap keeps an account under its platform's posting cap before
// sending: it counts the deliveries started in the cap's window, from the
// store (every replica's) and from this replica's own recent starts (which
// the store may not show yet in a burst), and asks to wait until the oldest
// leaves the window. When it lets d through, it counts d as started.
//
// The store is read at most once per capReread per account while the count
// is more than capMargin below the cap (in between, this replica adds its own
// starts to the count read), and on every delivery near the cap: a burst
// stays cheap, and the count is exact where it matters.
func (s *Service) checkCap(ctx context.Context, ad Adapter, tgt platform.Target, d Delivery, now time.Time) (*SnoozeError, error) {
	cp, ok := s.cfg.Caps[d.Platform]
	if !ok || cp.Posts <= 0 || cp.Window <= 0 {
		return nil, nil
	}
	limit := cp.Posts
	if lim, ok := ad.(publishingLimiter); ok {
		if total := s.quotaTotal(ctx, lim, tgt, d.AccountID, now); total > 0 {
			limit = total
		}
	}
	since := now.Add(-cp.Window)
	if s.capCached(d.AccountID, since, now, limit) {
		return nil, nil
	}
	// Deliveries to the account checking meanwhile share this read.
	c, err := s.started.do(d.WorkspaceID+"/"+d.AccountID, func() (capCount, error) {
		n, earliest, err := s.store.Started(ctx, d.WorkspaceID, d.AccountID, since)
		return capCount{n: n, earliest: earliest, at: now}, err
	})
	if err != nil {
		return nil, err
	}
	n, earliest := c.n, c.earliest
	s.capMu.Lock()
	defer s.capMu.Unlock()
	if cur, ok := s.capStore[d.AccountID]; !ok || cur.at.Before(c.at) {
		s.capStore[d.AccountID] = c
	}
	local := s.capLocal[d.AccountID]
	for len(local) > 0 && local[0].Before(since) {
		local = local[1:]
	}
	count := max(n, len(local))
	if count >= limit {
		first := earliest
		if len(local) > 0 && (first.IsZero() || local[0].Before(first)) {
			first = local[0]
		}
		until := first.Add(cp.Window).Add(time.Second)
		if !until.After(now) {
			until = now.Add(time.Second)
		}
		s.capLocal[d.AccountID] = local
		return &SnoozeError{Until: until, Reason: fmt.Sprintf("waiting for the %s posting limit (%d per %s) until %s",
			d.Platform.Label(), limit, window(cp.Window), until.Format("15:04 MST"))}, nil
	}
	s.capLocal[d.AccountID] = append(local, now)
	return nil, nil
}

// capCached lets a start through, and counts it, when the account's count
// read from the store less than capReread ago plus this replica's starts
// since is still more than capMargin below limit.
func (s *Service) capCached(accountID string, since, now time.Time, limit int) bool {
	s.capMu.Lock()
	defer s.capMu.Unlock()
	c, ok := s.capStore[accountID]
	if !ok || now.Sub(c.at) >= capReread || c.at.Before(since) {
		return false
	}
	local := s.capLocal[accountID]
	for len(local) > 0 && local[0].Before(since) {
		local = local[1:]
	}
	added := 0 // this replica's starts since the read: not in c.n
	for i := len(local) - 1; i >= 0 && !local[i].Before(c.at); i-- {
		added++
	}
	if max(c.n+added, len(local))+1 > limit-capMargin(limit) {
		return false
	}
	s.capLocal[accountID] = append(local, now)
	return true
}

// quotaTotal reads (and caches) the account's quota from the platform; 0
// when it cannot be read.
func (s *Service) quotaTotal(ctx context.Context, lim publishingLimiter, tgt platform.Target, accountID string, now time.Time) int {
	s.quotaMu.Lock()
	q, ok := s.quota[accountID]
	s.quotaMu.Unlock()
	if ok && now.Sub(q.at) < quotaTTL {
		return q.total
	}
	_, total, err := lim.PublishingLimit(ctx, tgt)
	if err != nil {
		s.log.Debug().Err(err).Str("account", accountID).Msg("publish: read publishing limit; using the default cap")
		total = 0
	}
	s.quotaMu.Lock()
	s.quota[accountID] = quotaEntry{total: total, at: now}
	s.quotaMu.Unlock()
	return total
}

func window(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%d h", int(d.Hours()))
	case d%time.Minute == 0:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return d.String()
}

// SetCaps replaces the per-account posting caps (nil: DefaultCaps; an
// empty map: none). A benchmark that lifts the sandbox's posting limit
// (sandbox.SetXPostLimit) lifts these to match. Call it before deliveries run.
func (s *Service) SetCaps(caps map[platform.Name]Cap) {
	if caps == nil {
		caps = DefaultCaps
	}
	s.cfg.Caps = caps
}
