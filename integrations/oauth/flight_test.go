package oauth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// A shared "record": the version the refresh bumps, read by fresh.
type record struct{ version atomic.Int64 }

// Goroutines of two replicas all want the same grant refreshed at once:
// the refresh runs once, and every caller returns after it.
func TestFlightOneRefreshAcrossReplicas(t *testing.T) {
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		replicas := []*Flight{NewFlight(db, nil), NewFlight(storetest.Reopen(t, db), nil)}
		for _, f := range replicas {
			f.Poll = 5 * time.Millisecond
		}
		var rec record
		var refreshes atomic.Int32
		release := make(chan struct{})
		fresh := func(context.Context) (bool, error) { return rec.version.Load() > 0, nil }
		refresh := func(context.Context) error {
			refreshes.Add(1)
			<-release // hold the lease while every other caller arrives
			rec.version.Add(1)
			return nil
		}
		var wg sync.WaitGroup
		var started atomic.Int32
		for i := range 8 {
			f := replicas[i%2]
			wg.Go(func() {
				started.Add(1)
				if err := f.Do(ctx, "acct1", fresh, refresh); err != nil {
					t.Errorf("Do: %v", err)
				}
			})
		}
		deadline := time.Now().Add(10 * time.Second)
		for refreshes.Load() == 0 || started.Load() < 8 {
			if time.Now().After(deadline) {
				t.Fatal("no refresh started")
			}
			time.Sleep(time.Millisecond)
		}
		close(release)
		wg.Wait()
		if n := refreshes.Load(); n != 1 {
			t.Fatalf("refreshes = %d, want 1", n)
		}
	})
}

// The winner's error reaches the callers of its process; a cancelled first
// caller does not cancel the refresh the others wait on.
func TestFlightErrorsAndCancellation(t *testing.T) {
	db := storetest.Open(t, store.SQLite, Schema)
	f := NewFlight(db, nil)
	boom := errors.New("boom")
	err := f.Do(context.Background(), "k", func(context.Context) (bool, error) { return false, nil },
		func(context.Context) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	// The lease was released: the next Do runs at once.
	ctx, cancel := context.WithCancel(context.Background())
	started, finish := make(chan struct{}), make(chan struct{})
	var refreshCancelled atomic.Bool
	go func() {
		_ = f.Do(ctx, "k", func(context.Context) (bool, error) { return false, nil }, func(rctx context.Context) error {
			close(started)
			<-finish
			refreshCancelled.Store(rctx.Err() != nil)
			return nil
		})
	}()
	<-started
	cancel()
	waiter := make(chan error, 1)
	go func() {
		waiter <- f.Do(context.Background(), "k", func(context.Context) (bool, error) { return true, nil },
			func(context.Context) error { t.Error("second refresh ran"); return nil })
	}()
	close(finish)
	if err := <-waiter; err != nil {
		t.Fatalf("waiter: %v", err)
	}
	if refreshCancelled.Load() {
		t.Fatal("the refresh context was cancelled with its first caller")
	}
}

// A loser gives up after Wait when the winner never finishes (a stuck replica
// holding the lease).
func TestFlightWaitBound(t *testing.T) {
	db := storetest.Open(t, store.SQLite, Schema)
	clk := newClock()
	other := NewFlight(storetest.Reopen(t, db), clk.Now)
	if ok, err := db.Acquire(context.Background(), "refresh:k", other.owner, clk.Now(), time.Hour); err != nil || !ok {
		t.Fatalf("acquire: %v %v", ok, err)
	}
	f := NewFlight(db, clk.Now)
	f.Poll, f.Wait = time.Millisecond, 30*time.Millisecond
	err := f.Do(context.Background(), "k", func(context.Context) (bool, error) { return false, nil },
		func(context.Context) error { t.Error("refreshed without the lease"); return nil })
	if !errors.Is(err, ErrRefreshBusy) {
		t.Fatalf("err = %v, want ErrRefreshBusy", err)
	}
	// When the holder's lease expires, the next caller takes over.
	clk.Add(2 * time.Hour)
	ran := false
	if err := f.Do(context.Background(), "k", func(context.Context) (bool, error) { return false, nil },
		func(context.Context) error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("after expiry: ran=%v err=%v", ran, err)
	}
}
