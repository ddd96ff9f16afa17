package publish

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// quotaTTL is how long an Instagram quota_total read from the API is trusted.
const quotaTTL = time.Hour

// checkCap keeps an account under its platform's posting cap before
// sending: it counts the deliveries started in the cap's window, from the
// store (every replica's) and from this replica's own recent starts (which
// the store may not show yet in a burst), and asks to wait until the oldest
// leaves the window. When it lets d through, it counts d as started.
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
	n, earliest, err := s.store.Started(ctx, d.WorkspaceID, d.AccountID, since)
	if err != nil {
		return nil, err
	}
	s.capMu.Lock()
	defer s.capMu.Unlock()
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
			platformLabel(d.Platform), limit, window(cp.Window), until.Format("15:04 MST"))}, nil
	}
	s.capLocal[d.AccountID] = append(local, now)
	return nil, nil
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
