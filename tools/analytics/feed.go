package analytics

import (
	"context"
	"sync"
	"time"

	"github.com/marketingminds/marketingminds/tools/publish"
)

// Feed counts publications in the rollups off the publishing path:
// tools/publish tells it which workspace published when (Published never
// blocks), and Run records what was published since, in batches, every
// interval. A publication a crash kept from the feed is counted by the
// next sync, which rebuilds the same rows.
type Feed struct {
	svc      *Service
	interval time.Duration
	mu       sync.Mutex
	since    map[string]time.Time // workspace → earliest publication not yet recorded
}

// NewFeed returns a feed that records every interval (default 1 s).
func (s *Service) NewFeed(interval time.Duration) *Feed {
	if interval <= 0 {
		interval = time.Second
	}
	return &Feed{svc: s, interval: interval, since: map[string]time.Time{}}
}

// Settled is tools/publish's OnSettled: a published delivery is noted.
func (f *Feed) Settled(d publish.Delivery) {
	if d.Status == publish.StatusPublished {
		f.Published(d.WorkspaceID, d.PublishedAt)
	}
}

// Published notes that workspaceID published a delivery at at.
func (f *Feed) Published(workspaceID string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if cur, ok := f.since[workspaceID]; !ok || at.Before(cur) {
		f.since[workspaceID] = at
	}
}

// Run records what was published until ctx ends, then once more.
func (f *Feed) Run(ctx context.Context) {
	t := time.NewTicker(f.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			f.Flush(context.WithoutCancel(ctx))
			return
		case <-t.C:
			f.Flush(ctx)
		}
	}
}

// Flush records every publication noted so far; a workspace whose record
// failed is kept for the next flush.
func (f *Feed) Flush(ctx context.Context) {
	f.mu.Lock()
	pending := f.since
	f.since = map[string]time.Time{}
	f.mu.Unlock()
	for ws, since := range pending {
		ds, err := f.svc.cfg.Deliveries.PublishedSince(ctx, ws, since)
		if err == nil {
			err = f.svc.RecordPublished(ctx, ds...)
		}
		if err != nil {
			f.svc.log.Warn().Err(err).Str("workspace_id", ws).Msg("analytics: publications not counted yet; retrying")
			f.Published(ws, since)
		}
	}
}
