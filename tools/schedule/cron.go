package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// tickLockTTL keeps a tick's lock long after every replica's timer for that
// tick has fired; the weekly cleanup purges expired locks.
const tickLockTTL = 24 * time.Hour

type recurring struct {
	name, spec string
	sched      cron.Schedule
	fn         func(ctx context.Context) error
	id         cron.EntryID
}

// RegisterRecurring runs fn on the cron spec (5 fields or a descriptor such
// as "@every 1h"; read in Options.Location), once per tick across every
// replica: the replica that inserts the tick's lock runs it.
func (s *Scheduler) RegisterRecurring(name, spec string, fn func(ctx context.Context) error) error {
	if name == "" || fn == nil {
		return fmt.Errorf("schedule: recurring %q: a name and a function are required", name)
	}
	if s.locks == nil {
		return fmt.Errorf("schedule: recurring %q: no locker to run it once across replicas", name)
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("schedule: recurring %q: spec %q: %w", name, spec, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.recurring {
		if r.name == name {
			return fmt.Errorf("schedule: recurring %q registered twice", name)
		}
	}
	r := &recurring{name: name, spec: spec, sched: sched, fn: fn}
	r.id = s.cron.Schedule(sched, cron.FuncJob(func() {
		_, _ = s.runTick(s.tickContext(), r, lastTick(sched, s.clock.Now().In(s.o.Location)))
	}))
	s.recurring = append(s.recurring, r)
	return nil
}

func (s *Scheduler) tickContext() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runCtx != nil {
		return s.runCtx
	}
	return context.Background()
}

// runTick runs r for tick unless another replica (or this one) already took
// the tick. It reports whether it ran.
func (s *Scheduler) runTick(ctx context.Context, r *recurring, tick time.Time) (bool, error) {
	lock := fmt.Sprintf("cron:%s:%d", r.name, tick.Unix())
	// A fresh owner per attempt: Acquire lets an owner re-take its own lock,
	// and a tick must not run twice even within one process.
	owner := s.owner + "/" + store.NewID()[:8]
	ok, err := s.locks.Acquire(ctx, lock, owner, s.clock.Now(), tickLockTTL)
	if err != nil {
		s.log.Error().Err(err).Str("job", r.name).Msg("schedule: recurring: take tick lock")
		return false, err
	}
	if !ok {
		s.log.Debug().Str("job", r.name).Time("tick", tick).Msg("schedule: recurring: tick taken by another replica")
		return false, nil
	}
	start := time.Now()
	if err := r.fn(ctx); err != nil {
		s.log.Error().Err(err).Str("job", r.name).Time("tick", tick).Msg("schedule: recurring job failed")
		return true, err
	}
	s.log.Info().Str("job", r.name).Time("tick", tick).Dur("took", time.Since(start)).Msg("schedule: recurring job done")
	return true, nil
}

// lastTick is the latest time of sched at or before now: the tick being run
// when its timer fires, even late. Look-backs grow so that the walk forward
// stays short for any interval.
func lastTick(sched cron.Schedule, now time.Time) time.Time {
	for _, back := range []time.Duration{time.Second, 10 * time.Second, time.Minute, 10 * time.Minute, time.Hour,
		6 * time.Hour, 25 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour} {
		t := sched.Next(now.Add(-back))
		if t.IsZero() || t.After(now) {
			continue
		}
		for {
			n := sched.Next(t)
			if n.IsZero() || n.After(now) {
				return t
			}
			t = n
		}
	}
	return now.Truncate(time.Second)
}

func (s *Scheduler) recurringInfo() []RecurringInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now().In(s.o.Location)
	out := make([]RecurringInfo, 0, len(s.recurring))
	for _, r := range s.recurring {
		next := s.cron.Entry(r.id).Next
		if next.IsZero() {
			next = r.sched.Next(now)
		}
		out = append(out, RecurringInfo{ID: r.name, Name: r.name, Spec: r.spec, NextRunTime: next})
	}
	return out
}
