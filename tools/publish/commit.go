package publish

import (
	"context"
	"time"
)

// committer group-commits delivery writes (a batcher of Store.SaveDeliveries):
// a burst of "publishing" marks and outcomes shares a few transactions, and a
// lone write commits at once.
type committer struct {
	b batcher[Delivery, bool]
}

func newCommitter(save func(ctx context.Context, ds []Delivery) ([]bool, error)) *committer {
	run := func(ctx context.Context, ds []Delivery) []result[bool] {
		ok, err := save(ctx, ds)
		if err == nil {
			out := make([]result[bool], len(ds))
			for i := range ok {
				out[i].val = ok[i]
			}
			return out
		}
		if len(ds) == 1 {
			return fill[bool](1, err)
		}
		// One bad write must not fail its neighbours: write them one by one.
		out := make([]result[bool], len(ds))
		for i := range ds {
			one, err := save(ctx, ds[i:i+1])
			if err == nil {
				out[i].val = one[0]
			}
			out[i].err = err
		}
		return out
	}
	return &committer{b: batcher[Delivery, bool]{run: run, maxBatch: 512, timeout: 30 * time.Second}}
}

// Save writes d (over its Rev) and reports whether it applied. The write is
// made even if ctx is cancelled meanwhile: a mark or an outcome that reached
// the queue is recorded, so the store never lags behind the platform.
func (c *committer) Save(ctx context.Context, d Delivery) (bool, error) { return c.b.do(ctx, d) }
