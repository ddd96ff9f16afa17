package inbox

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// ResponseTimes is the time from arrival to first answer of the items
// received in [since, until), per platform and week; any role.
func (s *Service) ResponseTimes(ctx context.Context, c identity.Caller, since, until time.Time) ([]ResponseTime, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	if !until.After(since) {
		return nil, fmt.Errorf("%w: the period ends before it starts", ErrInvalid)
	}
	items, err := s.cfg.Store.Answered(ctx, c.WorkspaceID, since, until)
	if err != nil {
		return nil, err
	}
	type key struct {
		p    platform.Name
		week time.Time
	}
	waits := map[key][]time.Duration{}
	for _, it := range items {
		k := key{it.Platform, weekOf(it.ReceivedAt)}
		waits[k] = append(waits[k], max(it.AnsweredAt.Sub(it.ReceivedAt), 0))
	}
	out := make([]ResponseTime, 0, len(waits))
	for k, ds := range waits {
		slices.Sort(ds)
		out = append(out, ResponseTime{Platform: k.p, Week: k.week, Median: rank(ds, 50), P90: rank(ds, 90), Count: len(ds)})
	}
	slices.SortFunc(out, func(a, b ResponseTime) int {
		return cmp.Or(a.Week.Compare(b.Week), cmp.Compare(a.Platform, b.Platform))
	})
	return out, nil
}

// weekOf is the Monday 00:00 UTC starting t's week.
func weekOf(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// rank is the nearest-rank percentile pct of sorted ds.
func rank(ds []time.Duration, pct int) time.Duration {
	i := (pct*len(ds) + 99) / 100
	return ds[max(i-1, 0)]
}
