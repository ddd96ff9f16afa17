package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)

func newJob(ws, kind string, runAt time.Time) Job {
	return Job{ID: store.NewID(), WorkspaceID: ws, Kind: kind, Args: json.RawMessage(`{"n":1}`), RunAt: runAt,
		Status: StatusPending, MaxAttempts: 3, CreatedBy: "U1", CreatedAt: t0, UpdatedAt: t0, History: []Attempt{}}
}

func mustInsert(t *testing.T, st Store, jobs ...Job) {
	t.Helper()
	if err := st.Insert(context.Background(), jobs); err != nil {
		t.Fatal(err)
	}
}

func ids(jobs []Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.ID
	}
	return out
}

// TestStore is the conformance suite: every case on SQLite and MongoDB.
func TestStore(t *testing.T) {
	cases := []struct {
		name string
		fn   func(t *testing.T, db *store.DB, st Store)
	}{
		{"insert get list", testInsertGetList},
		{"unique id inserted once", testInsertDuplicate},
		{"claim due oldest first within limit", testClaimDue},
		{"claim is exclusive across replicas", testClaimExclusive},
		{"finish outcomes and history", testFinish},
		{"finish after take-over is lost", testFinishLost},
		{"expired leases are handed back recovered", testExpiredLeases},
		{"extend keeps a lease alive", testExtend},
		{"cancel and reschedule only pending", testCancelReschedule},
		{"next due", testNextDue},
		{"stats and purge", testStatsPurge},
		{"pause flag shared by replicas", testPaused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, []store.Schema{Schema}, func(t *testing.T, db *store.DB) {
				c.fn(t, db, NewStore(db))
			})
		})
	}
}

func testInsertGetList(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	a, b, c := newJob("W1", "k", t0), newJob("W1", "k", t0), newJob("W2", "k", t0)
	b.CreatedAt, b.CreatedBy, b.Kind = t0.Add(time.Second), "U2", "other"
	mustInsert(t, st, a, b, c)
	got, err := st.Get(ctx, "W1", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusPending || !got.RunAt.Equal(t0) || string(got.Args) != `{"n":1}` || got.MaxAttempts != 3 ||
		got.CreatedBy != "U1" || len(got.History) != 0 || got.Attempts != 0 || !got.LeaseUntil.IsZero() {
		t.Fatalf("get = %+v", got)
	}
	if _, err := st.Get(ctx, "W2", a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get from another workspace: %v, want ErrNotFound", err)
	}
	all, next, err := st.List(ctx, "W1", Filter{})
	if err != nil || next != "" || len(all) != 2 || all[0].ID != b.ID {
		t.Fatalf("list = %v %q %v, want [b a] newest first", ids(all), next, err)
	}
	mine, _, _ := st.List(ctx, "W1", Filter{CreatedBy: "U1"})
	kind, _, _ := st.List(ctx, "W1", Filter{Kind: "other"})
	done, _, _ := st.List(ctx, "W1", Filter{Status: StatusCompleted})
	if len(mine) != 1 || mine[0].ID != a.ID || len(kind) != 1 || kind[0].ID != b.ID || len(done) != 0 {
		t.Fatalf("filters: mine %v kind %v done %v", ids(mine), ids(kind), ids(done))
	}
	// Paging walks every job once.
	var many []Job
	for i := 0; i < 5; i++ {
		j := newJob("W3", "k", t0)
		j.CreatedAt = t0.Add(time.Duration(i%2) * time.Second)
		many = append(many, j)
	}
	mustInsert(t, st, many...)
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 5; page++ {
		got, next, err := st.List(ctx, "W3", Filter{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range got {
			if seen[j.ID] {
				t.Fatalf("job %s on two pages", j.ID)
			}
			seen[j.ID] = true
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paging saw %d jobs, want 5", len(seen))
	}
	if _, _, err := st.List(ctx, "W3", Filter{Cursor: "garbage"}); err == nil {
		t.Fatal("a malformed cursor was accepted")
	}
}

func testInsertDuplicate(t *testing.T, db *store.DB, st Store) {
	a := newJob("W1", "k", t0)
	a.ID = uniqueID("W1", "k", "post-1")
	mustInsert(t, st, a)
	b := a
	b.Args = json.RawMessage(`{"n":2}`)
	mustInsert(t, st, b, newJob("W1", "k", t0)) // the duplicate is skipped, the other inserted
	got, err := st.Get(context.Background(), "W1", a.ID)
	if err != nil || string(got.Args) != `{"n":1}` {
		t.Fatalf("get = %+v, %v: the first enqueue must win", got, err)
	}
	if stats, _ := st.Stats(context.Background(), "W1"); stats[StatusPending] != 2 {
		t.Fatalf("stats = %v, want 2 pending", stats)
	}
}

func testClaimDue(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	late, early, future := newJob("W1", "k", t0.Add(-time.Second)), newJob("W1", "k", t0.Add(-time.Minute)), newJob("W1", "k", t0.Add(time.Second))
	mustInsert(t, st, late, future, early)
	got, err := st.ClaimDue(ctx, t0, t0, "A", 30*time.Second, 1)
	if err != nil || len(got) != 1 || got[0].ID != early.ID {
		t.Fatalf("claim = %v, %v; want the oldest due job", ids(got), err)
	}
	j := got[0]
	if j.Status != StatusProcessing || j.Attempts != 1 || j.LeaseOwner != "A" || !j.LeaseUntil.Equal(t0.Add(30*time.Second)) || j.Recovered {
		t.Fatalf("claimed job = %+v", j)
	}
	got, _ = st.ClaimDue(ctx, t0, t0, "A", 30*time.Second, 10)
	if len(got) != 1 || got[0].ID != late.ID {
		t.Fatalf("second claim = %v, want only the other due job", ids(got))
	}
	if got, _ := st.ClaimDue(ctx, t0, t0, "A", 30*time.Second, 10); len(got) != 0 {
		t.Fatalf("third claim = %v, want nothing due", ids(got))
	}
	// Claimed ahead: due within the look-ahead, stamped with the real now.
	got, _ = st.ClaimDue(ctx, t0, t0.Add(time.Second), "A", 30*time.Second, 10)
	if len(got) != 1 || got[0].ID != future.ID || !got[0].LeaseUntil.Equal(t0.Add(30*time.Second)) || !got[0].RunAt.Equal(future.RunAt) {
		t.Fatalf("claim ahead = %+v, want the job due at t0+1s with a lease from t0", got)
	}
}

func testClaimExclusive(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	other := NewStore(storetest.Reopen(t, db))
	n := 60
	var jobs []Job
	for i := 0; i < n; i++ {
		jobs = append(jobs, newJob("W1", "k", t0))
	}
	mustInsert(t, st, jobs...)
	var mu sync.Mutex
	claimed := map[string]int{}
	var wg sync.WaitGroup
	for w, s := range []Store{st, other, st, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := s.ClaimDue(ctx, t0, t0, fmt.Sprint("owner", w), time.Minute, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, j := range got {
					claimed[j.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(claimed) != n {
		t.Fatalf("claimed %d distinct jobs, want %d", len(claimed), n)
	}
	for id, c := range claimed {
		if c != 1 {
			t.Fatalf("job %s claimed %d times", id, c)
		}
	}
}

// claimOne inserts a job due at t0 and claims it for owner A.
func claimOne(t *testing.T, st Store, maxAttempts int) Job {
	t.Helper()
	j := newJob("W1", "k", t0)
	j.MaxAttempts = maxAttempts
	mustInsert(t, st, j)
	got, err := st.ClaimDue(context.Background(), t0, t0, "A", 30*time.Second, 100)
	if err != nil || len(got) != 1 {
		t.Fatalf("claim = %v, %v", ids(got), err)
	}
	return got[0]
}

func testFinish(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	done, retry, snooze := claimOne(t, st, 3), claimOne(t, st, 3), claimOne(t, st, 3)
	later := t0.Add(time.Minute)
	at := func(j Job, outcome, msg string) Attempt {
		return Attempt{Number: j.Attempts, StartedAt: t0, EndedAt: t0.Add(time.Second), Owner: "A", Error: msg, Outcome: outcome}
	}
	lost, err := st.Finish(ctx, []Result{
		{ID: done.ID, Seq: done.seq, Owner: "A", Status: StatusCompleted, RunAt: done.RunAt, Attempt: at(done, OutcomeCompleted, ""), Now: t0.Add(time.Second)},
		{ID: retry.ID, Seq: retry.seq, Owner: "A", Status: StatusPending, RunAt: later, Error: "HTTP 500", Attempt: at(retry, OutcomeRetry, "HTTP 500"), Now: t0.Add(time.Second)},
		{ID: snooze.ID, Seq: snooze.seq, Owner: "A", Status: StatusPending, RunAt: later, Refund: true, Error: "waiting for X rate limit until 14:01", Attempt: at(snooze, OutcomeSnoozed, "rate limit"), Now: t0.Add(time.Second)},
	})
	if err != nil || len(lost) != 0 {
		t.Fatalf("finish: lost %v, %v", lost, err)
	}
	d, _ := st.Get(ctx, "W1", done.ID)
	if d.Status != StatusCompleted || d.Attempts != 1 || d.LeaseOwner != "" || !d.LeaseUntil.IsZero() || len(d.History) != 1 {
		t.Fatalf("completed job = %+v", d)
	}
	if h := d.History[0]; h.Number != 1 || h.Outcome != OutcomeCompleted || h.Owner != "A" || !h.StartedAt.Equal(t0) || !h.EndedAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("history = %+v", h)
	}
	r, _ := st.Get(ctx, "W1", retry.ID)
	if r.Status != StatusPending || !r.RunAt.Equal(later) || r.Attempts != 1 || r.LastError != "HTTP 500" || r.History[0].Error != "HTTP 500" {
		t.Fatalf("retried job = %+v", r)
	}
	s, _ := st.Get(ctx, "W1", snooze.ID)
	if s.Status != StatusPending || s.Attempts != 0 || s.History[0].Outcome != OutcomeSnoozed || s.LastError == "" {
		t.Fatalf("snoozed job = %+v: a snooze gives its attempt back", s)
	}
	// Due again later, the retried job is claimed with its second attempt.
	got, _ := st.ClaimDue(ctx, later, later, "B", time.Minute, 10)
	sort.Slice(got, func(i, j int) bool { return got[i].ID == retry.ID })
	if len(got) != 2 || got[0].ID != retry.ID || got[0].Attempts != 2 || got[1].Attempts != 1 {
		t.Fatalf("reclaim = %+v", got)
	}
}

func testFinishLost(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	j := claimOne(t, st, 3)
	// The lease runs out and replica B takes the job over.
	taken, err := st.ExpiredLeases(ctx, t0.Add(time.Minute), "B", time.Minute, 10)
	if err != nil || len(taken) != 1 {
		t.Fatalf("take over = %v, %v", ids(taken), err)
	}
	lost, err := st.Finish(ctx, []Result{{ID: j.ID, Seq: j.seq, Owner: "A", Status: StatusCompleted, RunAt: j.RunAt,
		Attempt: Attempt{Number: 1, Outcome: OutcomeCompleted, Owner: "A"}, Now: t0.Add(time.Minute)}})
	if err != nil || len(lost) != 1 || lost[0] != j.ID {
		t.Fatalf("late finish by A: lost %v, %v; want the job reported lost", lost, err)
	}
	got, _ := st.Get(ctx, "W1", j.ID)
	if got.Status != StatusProcessing || got.LeaseOwner != "B" {
		t.Fatalf("job = %+v, want still B's", got)
	}
}

func testExpiredLeases(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	j := claimOne(t, st, 3)
	if got, _ := st.ExpiredLeases(ctx, t0.Add(29*time.Second), "B", time.Minute, 10); len(got) != 0 {
		t.Fatalf("a live lease was taken over: %v", ids(got))
	}
	at := t0.Add(31 * time.Second)
	got, err := st.ExpiredLeases(ctx, at, "B", time.Minute, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("take over = %v, %v", ids(got), err)
	}
	r := got[0]
	if !r.Recovered || r.Status != StatusProcessing || r.LeaseOwner != "B" || r.Attempts != 2 || !r.LeaseUntil.Equal(at.Add(time.Minute)) {
		t.Fatalf("taken over job = %+v", r)
	}
	if len(r.History) != 1 || r.History[0].Outcome != OutcomeLeaseExpired || r.History[0].Owner != "A" ||
		r.History[0].Number != 1 || !r.History[0].StartedAt.Equal(t0) || !r.History[0].EndedAt.Equal(at) {
		t.Fatalf("history = %+v, want the dead attempt of A", r.History)
	}
	if again, _ := st.ExpiredLeases(ctx, at, "C", time.Minute, 10); len(again) != 0 || j.ID != r.ID {
		t.Fatalf("taken over twice: %v", ids(again))
	}
}

func testExtend(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	j := claimOne(t, st, 3)
	if err := st.Extend(ctx, "A", []Lease{{ID: j.ID, Seq: j.seq}}, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := st.Extend(ctx, "Z", []Lease{{ID: j.ID, Seq: j.seq}}, t0.Add(time.Hour)); err != nil { // not Z's
		t.Fatal(err)
	}
	if got, _ := st.ExpiredLeases(ctx, t0.Add(time.Minute), "B", time.Minute, 10); len(got) != 0 {
		t.Fatalf("a renewed lease was taken over: %v", ids(got))
	}
	got, _ := st.Get(ctx, "W1", j.ID)
	if !got.LeaseUntil.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("lease until %v, want %v", got.LeaseUntil, t0.Add(2*time.Minute))
	}
}

func testCancelReschedule(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	p := newJob("W1", "k", t0.Add(time.Hour))
	mustInsert(t, st, p)
	running := claimOne(t, st, 3)
	if err := st.Reschedule(ctx, "W1", p.ID, t0.Add(2*time.Hour), json.RawMessage(`{"n":9}`), t0); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Get(ctx, "W1", p.ID)
	if !got.RunAt.Equal(t0.Add(2*time.Hour)) || string(got.Args) != `{"n":9}` {
		t.Fatalf("rescheduled = %+v", got)
	}
	if err := st.Reschedule(ctx, "W1", p.ID, t0.Add(3*time.Hour), nil, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Get(ctx, "W1", p.ID); string(got.Args) != `{"n":9}` {
		t.Fatalf("nil args replaced the args: %s", got.Args)
	}
	for _, c := range []struct {
		ws, id string
		want   error
	}{{"W2", p.ID, ErrNotFound}, {"W1", "nope", ErrNotFound}, {"W1", running.ID, ErrNotPending}} {
		if err := st.Cancel(ctx, c.ws, c.id, "x", t0); !errors.Is(err, c.want) {
			t.Errorf("cancel %s/%s: %v, want %v", c.ws, c.id, err, c.want)
		}
		if err := st.Reschedule(ctx, c.ws, c.id, t0, nil, t0); !errors.Is(err, c.want) {
			t.Errorf("reschedule %s/%s: %v, want %v", c.ws, c.id, err, c.want)
		}
	}
	if err := st.Cancel(ctx, "W1", p.ID, "cancelled by U1", t0); err != nil {
		t.Fatal(err)
	}
	if err := st.Cancel(ctx, "W1", p.ID, "again", t0); !errors.Is(err, ErrNotPending) {
		t.Fatalf("second cancel: %v, want ErrNotPending", err)
	}
	got, _ = st.Get(ctx, "W1", p.ID)
	if got.Status != StatusCancelled || got.LastError != "cancelled by U1" {
		t.Fatalf("cancelled = %+v", got)
	}
	if c, _ := st.ClaimDue(ctx, t0.Add(5*time.Hour), t0.Add(5*time.Hour), "A", time.Minute, 10); len(c) != 0 {
		t.Fatalf("a cancelled job was claimed: %v", ids(c))
	}
}

func testNextDue(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	if _, ok, err := st.NextDue(ctx); ok || err != nil {
		t.Fatalf("empty store: ok %v, %v", ok, err)
	}
	mustInsert(t, st, newJob("W1", "k", t0.Add(time.Hour)), newJob("W2", "k", t0.Add(time.Minute)))
	at, ok, err := st.NextDue(ctx)
	if err != nil || !ok || !at.Equal(t0.Add(time.Minute)) {
		t.Fatalf("next due = %v %v %v", at, ok, err)
	}
}

func testStatsPurge(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	j := claimOne(t, st, 3)
	mustInsert(t, st, newJob("W1", "k", t0.Add(time.Hour)), newJob("W2", "k", t0.Add(time.Hour)))
	if _, err := st.Finish(ctx, []Result{{ID: j.ID, Seq: j.seq, Owner: "A", Status: StatusCompleted, RunAt: j.RunAt,
		Attempt: Attempt{Number: 1, Outcome: OutcomeCompleted}, Now: t0}}); err != nil {
		t.Fatal(err)
	}
	stats, err := st.Stats(ctx, "W1")
	if err != nil || stats[StatusCompleted] != 1 || stats[StatusPending] != 1 || len(stats) != 2 {
		t.Fatalf("stats W1 = %v, %v", stats, err)
	}
	if all, _ := st.Stats(ctx, ""); all[StatusPending] != 2 {
		t.Fatalf("stats of all = %v", all)
	}
	if n, err := st.Purge(ctx, t0); err != nil || n != 0 {
		t.Fatalf("purge before it finished: %d, %v", n, err)
	}
	if n, err := st.Purge(ctx, t0.Add(time.Millisecond)); err != nil || n != 1 {
		t.Fatalf("purge = %d, %v; want the one finished job", n, err)
	}
	if _, err := st.Get(ctx, "W1", j.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("purged job still there: %v", err)
	}
}

func testPaused(t *testing.T, db *store.DB, st Store) {
	ctx := context.Background()
	other := NewStore(storetest.Reopen(t, db))
	if p, err := other.Paused(ctx); p || err != nil {
		t.Fatalf("fresh store paused = %v, %v", p, err)
	}
	if err := st.SetPaused(ctx, true, "U1", t0); err != nil {
		t.Fatal(err)
	}
	if p, _ := other.Paused(ctx); !p {
		t.Fatal("the other replica does not see the pause")
	}
	if err := other.SetPaused(ctx, false, "U2", t0); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Paused(ctx); p {
		t.Fatal("resume not seen")
	}
}
