package slack

import (
	"context"
	"sync"
	"time"
)

// maxSeenBatch bounds the keys remembered in one commit.
const maxSeenBatch = 512

// seenBatch group-commits the deliveries to remember: the first caller to
// find no commit running commits every key waiting (its own included) in
// one transaction or bulk write, then the keys that arrived meanwhile, until
// none wait; the others wait for their answer. With one waiting it commits
// at once: a lone delivery never waits for a batch to fill.
type seenBatch struct {
	st Store

	mu      sync.Mutex
	pending []*seenKey
	busy    bool
}

type seenKey struct {
	key   string
	first bool
	err   error
	done  chan struct{}
}

// remember reports whether key is new, as Store.Remember does, expiring
// for after the commit.
func (s *seenBatch) remember(ctx context.Context, key string, now func() time.Time, expiresIn time.Duration) (bool, error) {
	k := &seenKey{key: key, done: make(chan struct{})}
	s.mu.Lock()
	s.pending = append(s.pending, k)
	if s.busy {
		s.mu.Unlock()
		select {
		case <-k.done:
			return k.first, k.err
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	s.busy = true
	for len(s.pending) > 0 {
		batch := s.pending[:min(len(s.pending), maxSeenBatch)]
		s.pending = s.pending[len(batch):]
		s.mu.Unlock()
		s.commit(ctx, batch, now(), expiresIn)
		s.mu.Lock()
	}
	s.pending = nil
	s.busy = false
	s.mu.Unlock()
	return k.first, k.err
}

func (s *seenBatch) commit(ctx context.Context, batch []*seenKey, now time.Time, expiresIn time.Duration) {
	keys := make([]string, len(batch))
	for i, k := range batch {
		keys[i] = k.key
	}
	firsts, err := s.st.RememberAll(ctx, keys, now, now.Add(expiresIn))
	for i, k := range batch {
		if err == nil {
			k.first = firsts[i]
		}
		k.err = err
		close(k.done)
	}
}
