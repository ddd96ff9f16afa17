package slack

import (
	"context"
	"sync"
)

// maxBatch bounds the items written in one commit.
const maxBatch = 512

// batch group-commits writes: the first caller to find no commit running
// commits every item waiting (its own included) in one transaction or bulk
// write, then the items that arrived meanwhile, until none wait; the others
// wait for their answer. With one waiting it commits at once: a lone write
// never waits for a batch to fill.
// Its zero value is ready; every caller passes the same commit.
type batch[T, R any] struct {
	mu      sync.Mutex
	pending []*batchItem[T, R]
	busy    bool
}

type batchItem[T, R any] struct {
	in   T
	out  R
	err  error
	done chan struct{}
}

// do writes in with the items waiting (commit writes a batch) and returns
// its answer.
func (b *batch[T, R]) do(ctx context.Context, in T, commit func(ctx context.Context, items []T) ([]R, error)) (R, error) {
	it := &batchItem[T, R]{in: in, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, it)
	if b.busy {
		b.mu.Unlock()
		select {
		case <-it.done:
			return it.out, it.err
		case <-ctx.Done():
			var zero R
			return zero, ctx.Err()
		}
	}
	b.busy = true
	for len(b.pending) > 0 {
		items := b.pending[:min(len(b.pending), maxBatch)]
		b.pending = b.pending[len(items):]
		b.mu.Unlock()
		b.run(ctx, items, commit)
		b.mu.Lock()
	}
	b.pending = nil
	b.busy = false
	b.mu.Unlock()
	return it.out, it.err
}

func (b *batch[T, R]) run(ctx context.Context, items []*batchItem[T, R], commit func(ctx context.Context, items []T) ([]R, error)) {
	in := make([]T, len(items))
	for i, it := range items {
		in[i] = it.in
	}
	out, err := commit(ctx, in)
	for i, it := range items {
		if err == nil {
			it.out = out[i]
		}
		it.err = err
		close(it.done)
	}
}

// rememberAll commits delivery keys to remember (Store.RememberAll).
func (b *Bot) rememberAll(ctx context.Context, keys []string) ([]bool, error) {
	now := b.now()
	return b.d.Store.RememberAll(ctx, keys, now, now.Add(b.cfg.SeenFor))
}

// queueAll commits outcomes to queue (Store.QueueOutcomes).
func (b *Bot) queueAll(ctx context.Context, refs []PostRef) ([]struct{}, error) {
	return make([]struct{}, len(refs)), b.d.Store.QueueOutcomes(ctx, refs, b.now())
}
