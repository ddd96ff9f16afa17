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

// FirstAnswer is how fast a platform's items received in a period got
// their first answer, over the whole period (a digest's week).
type FirstAnswer struct {
	Platform platform.Name `json:"platform"`
	Median   time.Duration `json:"median"`
	Count    int           `json:"count"` // the items answered
}

// FirstAnswers is the median time from arrival to first answer of the
// items received in [since, until), per platform, the busiest first; any role.
func (s *Service) FirstAnswers(ctx context.Context, c identity.Caller, since, until time.Time) ([]FirstAnswer, error) {
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
	waits := map[platform.Name][]time.Duration{}
	for _, it := range items {
		waits[it.Platform] = append(waits[it.Platform], max(it.AnsweredAt.Sub(it.ReceivedAt), 0))
	}
	out := make([]FirstAnswer, 0, len(waits))
	for p, ds := range waits {
		slices.Sort(ds)
		out = append(out, FirstAnswer{Platform: p, Median: rank(ds, 50), Count: len(ds)})
	}
	slices.SortFunc(out, func(a, b FirstAnswer) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Platform, b.Platform))
	})
	return out, nil
}
