package oauth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// ErrRefreshBusy is returned when another replica held a grant's refresh
// lease for longer than the wait bound and the grant never became fresh.
var ErrRefreshBusy = errors.New("oauth: another replica is refreshing this token; try again shortly")

// Flight runs a grant's refresh at most once at a time across goroutines
// (a map of calls in flight) and across replicas (the store lease
// "refresh:<key>"). Rotating refresh tokens (X) are single-use: two
// refreshes with the same one lock the account out, so the losers never
// refresh: they wait for the winner's result by re-reading the record.
type Flight struct {
	db    *store.DB
	owner string
	now   func() time.Time

	// Lease bounds how long a crashed winner blocks the others (default 1 min).
	Lease time.Duration
	// Poll is the pause between two reads of a loser (default 100 ms).
	Poll time.Duration
	// Wait bounds how long a loser waits (default 45 s).
	Wait time.Duration
	// Timeout bounds one refresh, which runs detached from the caller's
	// cancellation: a refresh cut off after the platform rotated the token
	// would lose the grant (default 30 s).
	Timeout time.Duration

	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done chan struct{}
	err  error
}

// NewFlight returns a Flight whose leases are held in db under a fresh
// owner id (one per Flight: two Flights are two replicas).
func NewFlight(db *store.DB, now func() time.Time) *Flight {
	if now == nil {
		now = time.Now
	}
	return &Flight{db: db, owner: "flight:" + store.NewID(), now: now,
		Lease: time.Minute, Poll: 100 * time.Millisecond, Wait: 45 * time.Second, Timeout: 30 * time.Second,
		calls: map[string]*flightCall{}}
}

// Do makes key fresh. fresh reads the store and reports whether the work is
// already done (another replica refreshed); refresh does it and writes the
// result to the store. Callers in this process share one run; across
// replicas exactly one holds the lease, and the others poll fresh until it
// reports true or the lease comes free (then they take it and re-check).
func (f *Flight) Do(ctx context.Context, key string, fresh func(context.Context) (bool, error), refresh func(context.Context) error) error {
	f.mu.Lock()
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c := &flightCall{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	// The run outlives a cancelled first caller; the others wait on it.
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.Wait+f.Timeout)
	go func() {
		defer cancel()
		c.err = f.run(runCtx, key, fresh, refresh)
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *Flight) run(ctx context.Context, key string, fresh func(context.Context) (bool, error), refresh func(context.Context) error) error {
	lease := "refresh:" + key
	deadline := time.Now().Add(f.Wait)
	for {
		won, err := f.db.Acquire(ctx, lease, f.owner, f.now(), f.Lease)
		if err != nil {
			return fmt.Errorf("oauth: refresh lease %s: %w", key, err)
		}
		if won {
			return f.win(ctx, lease, fresh, refresh)
		}
		done, err := fresh(ctx)
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return ErrRefreshBusy
		}
		timer := time.NewTimer(f.Poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

func (f *Flight) win(ctx context.Context, lease string, fresh func(context.Context) (bool, error), refresh func(context.Context) error) error {
	defer func() {
		// Released even when ctx ended: a held lease would stall the others.
		_ = f.db.Release(context.WithoutCancel(ctx), lease, f.owner)
	}()
	// Another replica may have refreshed between our read and the lease.
	done, err := fresh(ctx)
	if err != nil || done {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	return refresh(rctx)
}
