package schedule

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// start builds and starts a Scheduler over db; it is stopped when t ends.
func start(t *testing.T, db *store.DB, reg *Registry, o Options) *Scheduler {
	t.Helper()
	if o.Owner == "" {
		o.Owner = "test-" + store.NewID()[:6]
	}
	o.Log = zerolog.Nop()
	s, err := New(db, reg, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return s
}

func jobIs(t *testing.T, s *Scheduler, id string, want Status) func() bool {
	return func() bool {
		j, err := s.Get(context.Background(), "W1", id)
		if err != nil {
			t.Fatal(err)
		}
		return j.Status == want
	}
}

// waitLoops waits until the dispatcher went round its loop n more times, so
// that whatever it was going to do with the current state is done.
func waitLoops(t *testing.T, s *Scheduler, n int64) {
	t.Helper()
	from := s.loops.Load()
	eventually(t, "dispatcher iterations", func() bool { return s.loops.Load() >= from+n })
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	h := func(context.Context, *Job) error { return nil }
	if err := reg.Register("publish", h, KindOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register("publish", h, KindOptions{}); !errors.Is(err, ErrDuplicateKind) {
		t.Fatalf("duplicate kind: %v, want ErrDuplicateKind", err)
	}
	if err := reg.Register("", h, KindOptions{}); err == nil {
		t.Fatal("a kind without a name was accepted")
	}
	k, _ := reg.get("publish")
	if k.opts.MaxAttempts != DefaultMaxAttempts || k.opts.Timeout != DefaultTimeout || k.opts.Backoff == nil {
		t.Fatalf("defaults not applied: %+v", k.opts)
	}
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		attempt int
		min     time.Duration
	}{{1, time.Second}, {2, 16 * time.Second}, {3, 81 * time.Second}, {1000, maxBackoff}} {
		got := DefaultBackoff(c.attempt)
		if got < c.min || got > c.min+c.min/10 {
			t.Errorf("DefaultBackoff(%d) = %v, want %v plus at most 10%% jitter", c.attempt, got, c.min)
		}
	}
}

func TestEnqueue(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema)
	reg := NewRegistry()
	_ = reg.Register("k", func(context.Context, *Job) error { return nil }, KindOptions{MaxAttempts: 4})
	s, err := New(db, reg, Options{Clock: newManualClock(t0), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "nope"}); !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := s.Enqueue(ctx, NewJob{Kind: "k"}); err == nil {
		t.Fatal("a job without a workspace was accepted")
	}
	first, err := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "k", UniqueKey: "post-1:acct-1", Args: map[string]int{"a": 1}},
		NewJob{WorkspaceID: "W1", Kind: "k", RunAt: t0.Add(time.Hour)})
	if err != nil || len(first) != 2 {
		t.Fatal(first, err)
	}
	again, err := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "k", UniqueKey: "post-1:acct-1", Args: map[string]int{"a": 2}})
	if err != nil || again[0] != first[0] {
		t.Fatalf("unique key enqueued twice: %v vs %v (%v)", again, first, err)
	}
	j, err := s.Get(ctx, "W1", first[0])
	if err != nil || string(j.Args) != `{"a":1}` || j.MaxAttempts != 4 || !j.RunAt.Equal(t0) {
		t.Fatalf("job = %+v, %v", j, err)
	}
}

func TestDispatchWakesAtTheDueTime(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		clock := newManualClock(t0)
		var runs atomic.Int32
		reg := NewRegistry()
		_ = reg.Register("k", func(context.Context, *Job) error { runs.Add(1); return nil }, KindOptions{})
		s := start(t, db, reg, Options{Clock: clock, Poll: time.Hour})
		ctx := context.Background()
		due := t0.Add(10 * time.Second)
		ids, err := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "k", RunAt: due})
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, "a timer armed exactly at the due time", func() bool { return clock.hasTimerAt(due) })
		// An earlier job re-arms the timer.
		early := t0.Add(2 * time.Second)
		if _, err := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "k", RunAt: early}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the timer re-armed for the earlier job", func() bool { return clock.hasTimerAt(early) })
		clock.Advance(2 * time.Second)
		eventually(t, "the early job to run", func() bool { return runs.Load() == 1 })
		eventually(t, "the timer armed again for the later job", func() bool { return clock.hasTimerAt(due) })
		if runs.Load() != 1 {
			t.Fatalf("%d runs before the due time", runs.Load())
		}
		clock.Advance(8 * time.Second)
		eventually(t, "the job to complete", jobIs(t, s, ids[0], StatusCompleted))
	})
}

// script is a handler returning its errors in turn, then nil.
type script struct {
	mu   sync.Mutex
	errs []error
	seen []*Job
}

func (sc *script) handle(_ context.Context, j *Job) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	cp := *j
	sc.seen = append(sc.seen, &cp)
	if len(sc.seen) <= len(sc.errs) {
		if err := sc.errs[len(sc.seen)-1]; err != nil {
			if err.Error() == "panic" {
				panic("handler bug")
			}
			return err
		}
	}
	return nil
}

func TestDispatchOutcomes(t *testing.T) {
	t.Parallel()
	transient := errors.New("HTTP 500")
	cases := []struct {
		name        string
		errs        []error
		maxAttempts int
		steps       []time.Duration // clock advances between runs
		status      Status
		attempts    int
		outcomes    []string
		lastError   string
	}{
		{"transient twice then success", []error{transient, transient}, 5, []time.Duration{time.Second, 2 * time.Second},
			StatusCompleted, 3, []string{OutcomeRetry, OutcomeRetry, OutcomeCompleted}, ""},
		{"retries exhausted", []error{transient, transient, transient}, 2, []time.Duration{time.Second},
			StatusFailed, 2, []string{OutcomeRetry, OutcomeFailed}, "HTTP 500"},
		{"permanent fails at once", []error{Permanent(errors.New("duplicate content (187)"))}, 5, nil,
			StatusFailed, 1, []string{OutcomeFailed}, "duplicate content (187)"},
		{"cancel from the handler", []error{Cancel("account disconnected")}, 5, nil,
			StatusCancelled, 1, []string{OutcomeCancelled}, "account disconnected"},
		{"snooze uses no attempt", []error{Snooze(t0.Add(5*time.Minute), "waiting for X rate limit until 14:05")}, 5, []time.Duration{5 * time.Minute},
			StatusCompleted, 1, []string{OutcomeSnoozed, OutcomeCompleted}, ""},
		{"panic is retried", []error{errors.New("panic")}, 5, []time.Duration{time.Second},
			StatusCompleted, 2, []string{OutcomeRetry, OutcomeCompleted}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, store.SQLite, Schema)
			clock := newManualClock(t0)
			sc := &script{errs: c.errs}
			reg := NewRegistry()
			_ = reg.Register("k", sc.handle, KindOptions{Backoff: func(a int) time.Duration { return time.Duration(a) * time.Second }})
			s := start(t, db, reg, Options{Clock: clock, Poll: time.Hour})
			ids, err := s.Enqueue(context.Background(), NewJob{WorkspaceID: "W1", Kind: "k", MaxAttempts: c.maxAttempts})
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range c.steps {
				eventually(t, fmt.Sprintf("run %d recorded", i+1), func() bool {
					j, _ := s.Get(context.Background(), "W1", ids[0])
					// ... and the dispatcher's timer armed at its run_at.
					return j.Status == StatusPending && len(j.History) == i+1 && clock.hasTimerAt(j.RunAt)
				})
				if i == 0 && c.errs[0] != nil {
					if _, ok := c.errs[0].(*SnoozeError); ok {
						j, _ := s.Get(context.Background(), "W1", ids[0])
						if j.Attempts != 0 || j.LastError != "waiting for X rate limit until 14:05" || !j.RunAt.Equal(t0.Add(5*time.Minute)) {
							t.Fatalf("snoozed job = %+v", j)
						}
					}
				}
				clock.Advance(d)
			}
			eventually(t, "the final state", jobIs(t, s, ids[0], c.status))
			j, _ := s.Get(context.Background(), "W1", ids[0])
			var outcomes []string
			for _, a := range j.History {
				outcomes = append(outcomes, a.Outcome)
			}
			if j.Attempts != c.attempts || fmt.Sprint(outcomes) != fmt.Sprint(c.outcomes) || j.LastError != c.lastError {
				t.Fatalf("job: attempts %d outcomes %v last error %q; want %d %v %q", j.Attempts, outcomes, j.LastError, c.attempts, c.outcomes, c.lastError)
			}
			if len(c.steps) > 0 && c.status == StatusCompleted && c.outcomes[0] == OutcomeRetry {
				// Backoff: the retry ran only after the clock passed attempt × 1 s.
				if got := j.History[1].StartedAt.Sub(j.History[0].EndedAt); got != time.Second {
					t.Fatalf("retry started %v after the failure, want 1s", got)
				}
			}
		})
	}
}

func TestLeaseExpiryHandsTheJobBack(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := newManualClock(t0)
		sc := &script{}
		reg := NewRegistry()
		_ = reg.Register("k", sc.handle, KindOptions{})
		// A replica claims the job and dies.
		st := NewStore(db)
		mustInsert(t, st, newJob("W1", "k", t0))
		dead, err := st.ClaimDue(ctx, t0, t0, "dead-replica", 30*time.Second, 10)
		if err != nil || len(dead) != 1 {
			t.Fatal(dead, err)
		}
		s := start(t, db, reg, Options{Clock: clock, Poll: time.Second, Lease: 30 * time.Second})
		eventually(t, "the safety poll armed", func() bool { return clock.hasTimerAt(t0.Add(time.Second)) })
		clock.Advance(31 * time.Second)
		eventually(t, "the job handed back and completed", jobIs(t, s, dead[0].ID, StatusCompleted))
		sc.mu.Lock()
		defer sc.mu.Unlock()
		if len(sc.seen) != 1 || !sc.seen[0].Recovered || sc.seen[0].Attempts != 2 {
			t.Fatalf("handler saw %+v; want one Recovered run with attempt 2", sc.seen)
		}
		h := sc.seen[0].History
		if len(h) != 1 || h[0].Outcome != OutcomeLeaseExpired || h[0].Owner != "dead-replica" {
			t.Fatalf("history = %+v", h)
		}
	})
}

func TestLeaseRenewedWhileRunning(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema)
	ctx := context.Background()
	clock := newManualClock(t0)
	release := make(chan struct{})
	started := make(chan struct{})
	reg := NewRegistry()
	_ = reg.Register("k", func(ctx context.Context, _ *Job) error {
		close(started)
		<-release
		return nil
	}, KindOptions{})
	s := start(t, db, reg, Options{Clock: clock, Poll: time.Hour, Lease: 30 * time.Second})
	ids, _ := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "k"})
	<-started
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unblock)        // a failure below must not leave Stop waiting on the handler
	for i := 1; i <= 6; i++ { // a minute, in steps of Lease/3
		// Advance only once the renewer has armed its next timer, or the
		// step would pass before the timer exists.
		eventually(t, "the renew timer armed", func() bool { return clock.hasTimerAt(clock.Now().Add(10 * time.Second)) })
		clock.Advance(10 * time.Second)
		want := t0.Add(time.Duration(i)*10*time.Second + 30*time.Second)
		eventually(t, "the lease renewed", func() bool {
			j, _ := s.Get(ctx, "W1", ids[0])
			return j.LeaseUntil.Equal(want)
		})
	}
	if got, _ := NewStore(db).ExpiredLeases(ctx, clock.Now(), "other", time.Minute, 10); len(got) != 0 {
		t.Fatalf("a renewed lease was taken over: %v", ids)
	}
	unblock()
	eventually(t, "completion", jobIs(t, s, ids[0], StatusCompleted))
}

func TestStopDrainsRunningJobs(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema)
	ctx := context.Background()
	release, started := make(chan struct{}), make(chan struct{})
	reg := NewRegistry()
	_ = reg.Register("k", func(context.Context, *Job) error { close(started); <-release; return nil }, KindOptions{})
	s, _ := New(db, reg, Options{Log: zerolog.Nop()})
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "k"})
	<-started
	stopped := make(chan error)
	go func() { stopped <- s.Stop(ctx) }()
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if j, _ := s.Get(ctx, "W1", ids[0]); j.Status != StatusCompleted {
		t.Fatalf("after stop the job is %s, want completed", j.Status)
	}
}

func TestPauseAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var runs atomic.Int32
		handler := func(context.Context, *Job) error { runs.Add(1); return nil }
		regA, regB := NewRegistry(), NewRegistry()
		_ = regA.Register("k", handler, KindOptions{})
		_ = regB.Register("k", handler, KindOptions{})
		a := start(t, db, regA, Options{Poll: 20 * time.Millisecond})
		b := start(t, storetest.Reopen(t, db), regB, Options{Poll: 20 * time.Millisecond})
		if err := a.Pause(ctx, "U1"); err != nil {
			t.Fatal(err)
		}
		// A pause takes effect from each dispatcher's next iteration: one
		// already under way may still claim what it finds.
		waitLoops(t, a, 2)
		waitLoops(t, b, 2)
		ids, err := b.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "k"})
		if err != nil {
			t.Fatal(err)
		}
		waitLoops(t, a, 3)
		waitLoops(t, b, 3)
		if runs.Load() != 0 {
			t.Fatalf("%d runs while paused", runs.Load())
		}
		ov, err := b.Overview(ctx, "W1")
		if err != nil || ov.IsRunning || !ov.Paused || ov.Statistics[StatusPending] != 1 {
			t.Fatalf("overview while paused = %+v, %v", ov, err)
		}
		if err := b.Resume(ctx, "U1"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the job to run after resume", jobIs(t, a, ids[0], StatusCompleted))
		if runs.Load() != 1 {
			t.Fatalf("%d runs, want 1", runs.Load())
		}
	})
}

// TestLookahead: with a look-ahead, a kind registered Ahead is handed its
// job that much early (to prepare, then act on time); other kinds still
// start at their RunAt.
func TestLookahead(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema)
	ctx := context.Background()
	clock := newManualClock(t0)
	called := make(chan string, 2)
	reg := NewRegistry()
	record := func(ctx context.Context, j *Job) error {
		called <- j.Kind + "@" + clock.Now().Sub(t0).String()
		return nil
	}
	_ = reg.Register("ahead", record, KindOptions{Ahead: true})
	_ = reg.Register("plain", record, KindOptions{})
	s := start(t, db, reg, Options{Clock: clock, Poll: time.Hour, Lookahead: 200 * time.Millisecond})
	due := t0.Add(time.Second)
	if _, err := s.Enqueue(ctx, NewJob{WorkspaceID: "W1", Kind: "ahead", RunAt: due}, NewJob{WorkspaceID: "W1", Kind: "plain", RunAt: due}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the dispatcher armed for due minus the look-ahead", func() bool { return clock.hasTimerAt(t0.Add(800 * time.Millisecond)) })
	clock.Advance(800 * time.Millisecond)
	if got := <-called; got != "ahead@800ms" {
		t.Fatalf("first call %q, want the Ahead kind at 800ms", got)
	}
	eventually(t, "the plain kind waiting for its time", func() bool { return clock.hasTimerAt(due) })
	select {
	case got := <-called:
		t.Fatalf("%q called before its RunAt", got)
	default:
	}
	clock.Advance(200 * time.Millisecond)
	if got := <-called; got != "plain@1s" {
		t.Fatalf("second call %q, want the plain kind at 1s", got)
	}
}
