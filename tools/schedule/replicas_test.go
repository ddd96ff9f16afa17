package schedule

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// Two schedulers on one store run every job exactly once. The MongoDB
// backend claims by inserting a claim document with a fixed _id, which is
// atomic on FerretDB too, so this runs on both (fewer jobs on FerretDB, which
// scans whole collections).
func TestTwoReplicasRunEachJobOnce(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		n, poll := 2000, 50*time.Millisecond
		if db.Backend == store.Mongo && !storetest.RealMongo() {
			n, poll = 24, 250*time.Millisecond // FerretDB under -race takes ~0.2 s a job
		}
		ctx := context.Background()
		var mu sync.Mutex
		runs := map[string]int{}
		var byA, byB atomic.Int32
		handler := func(counter *atomic.Int32) Handler {
			return func(_ context.Context, j *Job) error {
				counter.Add(1)
				mu.Lock()
				runs[j.ID]++
				mu.Unlock()
				return nil
			}
		}
		regA, regB := NewRegistry(), NewRegistry()
		_ = regA.Register("deliver", handler(&byA), KindOptions{})
		_ = regB.Register("deliver", handler(&byB), KindOptions{})
		due := time.Now().Add(300 * time.Millisecond)
		jobs := make([]NewJob, n)
		for i := range jobs {
			jobs[i] = NewJob{WorkspaceID: "W1", Kind: "deliver", RunAt: due}
		}
		a := start(t, db, regA, Options{Workers: 32, Poll: poll})
		_ = start(t, storetest.Reopen(t, db), regB, Options{Workers: 32, Poll: poll})
		if _, err := a.Enqueue(ctx, jobs...); err != nil {
			t.Fatal(err)
		}
		eventually(t, "every job completed", func() bool {
			st, err := a.Store().Stats(ctx, "W1")
			if err != nil {
				t.Fatal(err)
			}
			return st[StatusCompleted] == n
		})
		mu.Lock()
		defer mu.Unlock()
		if len(runs) != n {
			t.Fatalf("%d distinct jobs ran, want %d", len(runs), n)
		}
		for id, c := range runs {
			if c != 1 {
				t.Fatalf("job %s ran %d times", id, c)
			}
		}
		t.Logf("%s: replica A ran %d, B ran %d", db.Backend, byA.Load(), byB.Load())
	})
}

func TestLastTick(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	at := func(loc *time.Location, s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct {
		spec string
		now  time.Time
		want time.Time
	}{
		{"0 */6 * * *", at(time.UTC, "2026-11-25 12:00:00.004"), at(time.UTC, "2026-11-25 12:00:00.000")},
		{"0 */6 * * *", at(time.UTC, "2026-11-25 17:59:59.000"), at(time.UTC, "2026-11-25 12:00:00.000")}, // a very late timer
		{"0 2 * * *", at(ny, "2026-11-25 02:00:00.300"), at(ny, "2026-11-25 02:00:00.000")},
		{"0 3 * * 0", at(time.UTC, "2026-11-29 03:00:01.000"), at(time.UTC, "2026-11-29 03:00:00.000")},
		{"@every 1s", at(time.UTC, "2026-11-25 12:00:07.020"), at(time.UTC, "2026-11-25 12:00:07.000")},
	} {
		sched, err := cron.ParseStandard(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := lastTick(sched, c.now); !got.Equal(c.want) {
			t.Errorf("lastTick(%q, %v) = %v, want %v", c.spec, c.now, got, c.want)
		}
	}
}

// Both replicas fire every tick; only one runs it.
func TestRecurringTickRunsOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var ran []string
		fn := func(who string) func(context.Context) error {
			return func(context.Context) error {
				mu.Lock()
				ran = append(ran, who)
				mu.Unlock()
				return nil
			}
		}
		a, err := New(db, NewRegistry(), Options{Owner: "A"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(storetest.Reopen(t, db), NewRegistry(), Options{Owner: "B"})
		if err := a.RegisterRecurring("token_refresh", "0 */6 * * *", fn("A")); err != nil {
			t.Fatal(err)
		}
		if err := a.RegisterRecurring("token_refresh", "0 */6 * * *", fn("A")); err == nil {
			t.Fatal("a recurring job registered twice")
		}
		if err := a.RegisterRecurring("bad", "not a spec", fn("A")); err == nil {
			t.Fatal("a bad spec was accepted")
		}
		_ = b.RegisterRecurring("token_refresh", "0 */6 * * *", fn("B"))
		ra, rb := a.recurring[0], b.recurring[0]
		for _, tick := range []time.Time{t0, t0.Add(6 * time.Hour)} {
			var wg sync.WaitGroup
			for _, p := range []struct {
				s *Scheduler
				r *recurring
			}{{a, ra}, {b, rb}, {a, ra}, {b, rb}} {
				wg.Add(1)
				go func() { defer wg.Done(); _, _ = p.s.runTick(ctx, p.r, tick) }()
			}
			wg.Wait()
		}
		mu.Lock()
		defer mu.Unlock()
		if len(ran) != 2 {
			t.Fatalf("ran %v: want exactly one run per tick for 2 ticks", ran)
		}
		ov, err := a.Overview(ctx, "W1")
		if err != nil || len(ov.Recurring) != 1 || ov.Recurring[0].Name != "token_refresh" || ov.Recurring[0].NextRunTime.IsZero() {
			t.Fatalf("overview = %+v, %v", ov, err)
		}
	})
}

// The real cron timer, on two started schedulers: every second's tick runs once.
func TestRecurringWithCron(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite, Schema)
	var mu sync.Mutex
	ticks := map[int64]int{}
	fn := func(context.Context) error {
		mu.Lock()
		ticks[time.Now().Round(time.Second).Unix()]++
		mu.Unlock()
		return nil
	}
	a, _ := New(db, NewRegistry(), Options{Owner: "A"})
	b, _ := New(storetest.Reopen(t, db), NewRegistry(), Options{Owner: "B"})
	for _, s := range []*Scheduler{a, b} {
		if err := s.RegisterRecurring("every_second", "@every 1s", fn); err != nil {
			t.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "two ticks", func() bool { mu.Lock(); defer mu.Unlock(); return len(ticks) >= 2 })
	for _, s := range []*Scheduler{a, b} {
		_ = s.Stop(context.Background())
	}
	mu.Lock()
	defer mu.Unlock()
	var secs []int64
	for sec, n := range ticks {
		if n != 1 {
			t.Errorf("tick %d ran %d times", sec, n)
		}
		secs = append(secs, sec)
	}
	sort.Slice(secs, func(i, j int) bool { return secs[i] < secs[j] })
	t.Logf("ticks %v", secs)
}

// 100 jobs due at the same instant start within 50 ms of it (p99); allowed
// more under the race detector.
func TestLateness(t *testing.T) {
	db := storetest.Open(t, store.SQLite, Schema)
	n := 100
	var mu sync.Mutex
	late := make([]time.Duration, 0, n)
	reg := NewRegistry()
	_ = reg.Register("k", func(_ context.Context, j *Job) error {
		d := time.Since(j.RunAt)
		mu.Lock()
		late = append(late, d)
		mu.Unlock()
		return nil
	}, KindOptions{})
	s := start(t, db, reg, Options{})
	due := time.Now().Add(200 * time.Millisecond)
	jobs := make([]NewJob, n)
	for i := range jobs {
		jobs[i] = NewJob{WorkspaceID: "W1", Kind: "k", RunAt: due}
	}
	if _, err := s.Enqueue(context.Background(), jobs...); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every job ran", func() bool { mu.Lock(); defer mu.Unlock(); return len(late) == n })
	sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
	p99 := late[n*99/100-1]
	t.Logf("lateness of %d jobs due at once: p50 %v p99 %v max %v", n, late[n/2], p99, late[n-1])
	limit := 50 * time.Millisecond
	if raceEnabled {
		limit = 250 * time.Millisecond
	}
	if p99 > limit {
		t.Fatalf("p99 lateness %v > %v", p99, limit)
	}
}
