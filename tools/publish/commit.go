package publish

import (
	"context"
	"sync"
	"time"
)

// committer group-commits delivery writes: a writer that finds nobody
// committing becomes the committer and writes everything queued, batch after
// batch, until the queue is empty; writers arriving meanwhile just wait for
// their batch. No timer: a lone write commits at once, a burst of thousands
// shares a few transactions (on SQLite, one transaction costs about as much as
// a hundred updates inside one).
type committer struct {
	save     func(ctx context.Context, ds []Delivery) ([]bool, error)
	maxBatch int
	timeout  time.Duration

	mu      sync.Mutex
	queue   []*write
	running bool
}

type write struct {
	d    Delivery
	ok   bool
	err  error
	done chan struct{}
}

func newCommitter(save func(ctx context.Context, ds []Delivery) ([]bool, error)) *committer {
	return &committer{save: save, maxBatch: 512, timeout: 30 * time.Second}
}

// Save writes d (over its Rev) and reports whether it applied. The write is
// made even if ctx is cancelled meanwhile: a mark or an outcome that reached
// the queue is recorded, so the store never lags behind the platform.
func (c *committer) Save(ctx context.Context, d Delivery) (bool, error) {
	w := &write{d: d, done: make(chan struct{})}
	c.mu.Lock()
	c.queue = append(c.queue, w)
	if c.running {
		c.mu.Unlock()
		<-w.done
		return w.ok, w.err
	}
	c.running = true
	c.mu.Unlock()
	c.drain(context.WithoutCancel(ctx))
	<-w.done
	return w.ok, w.err
}

func (c *committer) drain(ctx context.Context) {
	for {
		c.mu.Lock()
		n := min(len(c.queue), c.maxBatch)
		if n == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		batch := c.queue[:n:n]
		c.queue = c.queue[n:]
		c.mu.Unlock()

		ds := make([]Delivery, len(batch))
		for i, w := range batch {
			ds[i] = w.d
		}
		ok, err := c.saveBatch(ctx, ds)
		if err != nil && len(ds) > 1 {
			// One bad write must not fail its neighbours: write them one by one.
			for i, w := range batch {
				one, err := c.saveBatch(ctx, ds[i:i+1])
				if err == nil {
					w.ok = one[0]
				}
				w.err = err
				close(w.done)
			}
			continue
		}
		for i, w := range batch {
			if err != nil {
				w.err = err
			} else {
				w.ok = ok[i]
			}
			close(w.done)
		}
	}
}

func (c *committer) saveBatch(ctx context.Context, ds []Delivery) ([]bool, error) {
	tctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.save(tctx, ds)
}
