package slack

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// batchStore records the batches RememberAll was given; its first call
// waits for release.
type batchStore struct {
	Store
	entered, release chan struct{}
	once             sync.Once

	mu      sync.Mutex
	batches [][]string
	seen    map[string]bool
}

func (s *batchStore) RememberAll(_ context.Context, keys []string, _, _ time.Time) ([]bool, error) {
	s.once.Do(func() { close(s.entered); <-s.release })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, keys)
	first := make([]bool, len(keys))
	for i, k := range keys {
		first[i] = !s.seen[k]
		s.seen[k] = true
	}
	return first, nil
}

// TestSeenGroupCommit: a lone delivery is committed at once; the 99 that
// arrive while it commits are committed together in one batch, each with
// its own answer.
func TestSeenGroupCommit(t *testing.T) {
	t.Parallel()
	st := &batchStore{entered: make(chan struct{}), release: make(chan struct{}), seen: map[string]bool{"event:E7": true}}
	bot := &Bot{d: Deps{Store: st}, now: time.Now, cfg: Config{SeenFor: time.Hour}}
	s := &bot.seen
	ctx := context.Background()
	got := make([]bool, 100)
	var wg sync.WaitGroup
	wg.Go(func() { got[0], _ = s.do(ctx, "event:E0", bot.rememberAll) })
	<-st.entered
	for i := 1; i < 100; i++ {
		wg.Go(func() { got[i], _ = s.do(ctx, fmt.Sprintf("event:E%d", i), bot.rememberAll) })
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		n := len(s.pending)
		s.mu.Unlock()
		if n == 99 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d keys waiting, want 99", n)
		}
		time.Sleep(time.Millisecond)
	}
	close(st.release)
	wg.Wait()
	if len(st.batches) != 2 || len(st.batches[0]) != 1 || len(st.batches[1]) != 99 {
		sizes := []int{}
		for _, b := range st.batches {
			sizes = append(sizes, len(b))
		}
		t.Fatalf("batches of %v, want [1 99]", sizes)
	}
	for i, first := range got {
		if first != (i != 7) {
			t.Fatalf("key %d: first = %v", i, first)
		}
	}
}
