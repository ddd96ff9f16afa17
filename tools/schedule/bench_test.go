package schedule

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
)

// BenchmarkDispatch drains b.N jobs, all due, through a no-op handler on the
// embedded SQLite store: claim in batches, run, group-commit the outcomes.
// It reports jobs/s from start-up until every outcome is committed.
func BenchmarkDispatch(b *testing.B) {
	db := storetest.Open(b, store.SQLite, Schema)
	ctx := context.Background()
	var ran atomic.Int64
	reg := NewRegistry()
	_ = reg.Register("noop", func(context.Context, *Job) error { ran.Add(1); return nil }, KindOptions{})
	s, err := New(db, reg, Options{Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	jobs := make([]NewJob, b.N)
	for i := range jobs {
		jobs[i] = NewJob{WorkspaceID: "W1", Kind: "noop", RunAt: now}
	}
	if _, err := s.Enqueue(ctx, jobs...); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if err := s.Start(ctx); err != nil {
		b.Fatal(err)
	}
	for ran.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	if err := s.Stop(ctx); err != nil { // commits the last outcomes
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	st, err := s.Store().Stats(ctx, "W1")
	if err != nil || st[StatusCompleted] != b.N {
		b.Fatalf("completed %d of %d (%v)", st[StatusCompleted], b.N, err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "jobs/s")
}
