package schedule

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// running is a job this process holds a lease on.
type running struct{ seq int64 }

// Start begins dispatching (and the recurring jobs). It returns at once;
// Stop ends it. ctx's values reach the handlers; cancelling ctx stops
// claiming, like Stop without the drain.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return errors.New("schedule: already started")
	}
	if p, err := s.st.Paused(ctx); err != nil {
		return err
	} else {
		s.paused.Store(p)
	}
	loopCtx, stop := context.WithCancel(ctx)
	s.stop = stop
	s.runCtx, s.runCancel = context.WithCancel(context.WithoutCancel(ctx))
	s.slots = make(chan struct{}, s.o.Workers)
	s.freed = make(chan struct{}, 1)
	s.work = make(chan Job)
	s.commit = newCommitter(s)
	s.loopDone = make(chan struct{})
	s.renewDone = make(chan struct{})
	s.running = true
	go s.commit.run(s.runCtx)
	go s.loop(loopCtx)
	go s.renew(loopCtx)
	s.cron.Start()
	s.log.Info().Str("owner", s.owner).Int("workers", s.o.Workers).Msg("schedule: dispatcher started")
	return nil
}

// Stop stops claiming, waits for running handlers until ctx ends (then
// cancels them and waits for them to return), commits their outcomes and
// stops the recurring jobs.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	if !s.running {
		s.mu.Unlock()
		return nil
	}
	s.running = false
	s.mu.Unlock()
	s.stop()
	<-s.loopDone
	<-s.renewDone
	cronDone := s.cron.Stop()

	drained := make(chan struct{})
	go func() { s.handlers.Wait(); close(drained) }()
	var err error
	select {
	case <-drained:
	case <-ctx.Done():
		err = fmt.Errorf("schedule: stop: handlers still running, cancelled: %w", ctx.Err())
		s.runCancel()
		<-drained
	}
	s.commit.close()
	select {
	case <-cronDone.Done():
	case <-ctx.Done():
	}
	s.runCancel()
	s.log.Info().Str("owner", s.owner).Msg("schedule: dispatcher stopped")
	return err
}

// free is how many more handlers may start.
func (s *Scheduler) free() int { return cap(s.slots) - len(s.slots) }

// pauseReread bounds how long a replica draining a backlog goes on without
// reading the shared pause flag.
const pauseReread = 100 * time.Millisecond

func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.loopDone)
	var lastSweep, lastPauseRead time.Time
	backlog := false      // the last claim filled every free slot: more may be due
	dueUnclaimed := false // the last round saw a due job it did not claim
	for ctx.Err() == nil {
		s.loops.Add(1)
		paused := s.paused.Load()
		// Draining a backlog, the loop turns once per quarter of the pool:
		// there the shared flag is read at most every pauseReread.
		if !backlog || s.clock.Now().Sub(lastPauseRead) >= pauseReread {
			p, err := s.st.Paused(ctx)
			if err != nil {
				s.log.Error().Err(err).Msg("schedule: read pause flag")
			} else {
				paused, lastPauseRead = p, s.clock.Now()
			}
			s.paused.Store(paused)
		}
		wait := s.o.Poll
		now := s.clock.Now()
		if !paused {
			if now.Sub(lastSweep) >= s.o.Poll {
				lastSweep = now
				if free := s.free(); free > 0 {
					jobs, err := s.st.ExpiredLeases(ctx, store.Trunc(now), s.owner, s.o.Lease, free)
					if err != nil {
						s.log.Error().Err(err).Msg("schedule: take over expired leases")
					}
					for i := range jobs {
						s.log.Warn().Str("job", jobs[i].ID).Str("kind", jobs[i].Kind).Int("attempt", jobs[i].Attempts).
							Msg("schedule: lease expired; handing the job back to its handler to reconcile")
						s.run(jobs[i])
					}
				}
			}
			free := s.free()
			if backlog && free < max(1, s.o.Workers/4) {
				// Claim in batches: wait for a quarter of the pool to free up.
				s.waitFor(ctx, s.freed, wait)
				continue
			}
			var claimed int
			if free > 0 {
				jobs, err := s.st.ClaimDue(ctx, store.Trunc(now), store.Trunc(now.Add(s.o.Lookahead)), s.owner, s.o.Lease, free)
				if err != nil && ctx.Err() == nil {
					s.log.Error().Err(err).Msg("schedule: claim due jobs")
				}
				claimed = len(jobs)
				for i := range jobs {
					s.run(jobs[i])
				}
				backlog = claimed == free
				if backlog {
					continue
				}
			}
			next, ok, err := s.st.NextDue(ctx)
			switch {
			case err != nil:
				if ctx.Err() == nil {
					s.log.Error().Err(err).Msg("schedule: next due")
				}
				s.armed.Store(0)
			case !ok:
				s.armed.Store(0)
			default:
				s.armed.Store(store.Millis(next))
				d := next.Sub(s.clock.Now()) - s.o.Lookahead
				if d <= 0 {
					if claimed > 0 || free == 0 || !dueUnclaimed {
						// Claim again at once (the clock may have moved
						// past run_at since this round's claim).
						dueUnclaimed = claimed == 0 && free > 0
						continue
					}
					// Due yet unclaimed twice in a row: another replica is
					// claiming it; look again shortly.
					d = 10 * time.Millisecond
				}
				dueUnclaimed = false
				wait = min(wait, d)
			}
		}
		s.waitFor(ctx, s.wakeC, wait)
	}
}

// waitUntil blocks until d passes on the clock or ctx ends.
func (s *Scheduler) waitUntil(ctx context.Context, d time.Duration) {
	t := s.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
	case <-ctx.Done():
	}
}

// waitFor blocks until c fires, d passes on the clock, or ctx ends.
func (s *Scheduler) waitFor(ctx context.Context, c <-chan struct{}, d time.Duration) {
	t := s.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-c:
	case <-s.wakeC:
	case <-t.C():
	case <-ctx.Done():
	}
}

// run starts a claimed job's handler on a free slot: an idle worker takes
// it, or a new one starts.
func (s *Scheduler) run(j Job) {
	s.slots <- struct{}{}
	s.mu.Lock()
	s.inflight[j.ID] = &running{seq: j.seq}
	s.mu.Unlock()
	s.handlers.Add(1)
	select {
	case s.work <- j:
	default:
		go s.worker(s.runCtx, s.work, j)
	}
}

// workerIdle is how long a worker with nothing to do waits for another job
// before it ends.
const workerIdle = time.Second

// worker runs j, then every job handed to it until it has been idle for
// workerIdle or ctx ends. Workers outlive their jobs so that a burst does
// not pay, for every job, a new goroutine and the growth of its stack to
// the depth of a handler (a delivery's HTTP call: 5 % of its CPU in bench
// scheduler).
func (s *Scheduler) worker(ctx context.Context, work <-chan Job, j Job) {
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		s.handle(&j)
		idle.Reset(workerIdle)
		select {
		case j = <-work:
		case <-idle.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// handle runs a job's handler, queues its outcome and frees its slot.
func (s *Scheduler) handle(j *Job) {
	defer s.handlers.Done()
	started := s.clock.Now()
	err := s.call(j)
	res := s.result(j, err, started)
	s.commit.add(res)
	s.mu.Lock()
	delete(s.inflight, j.ID)
	s.mu.Unlock()
	<-s.slots
	select {
	case s.freed <- struct{}{}:
	default:
	}
}

// call runs the job's handler under its kind's timeout, turning a panic
// into an error.
func (s *Scheduler) call(j *Job) (err error) {
	k, ok := s.reg.get(j.Kind)
	if !ok {
		return fmt.Errorf("%w: %q has no handler on replica %s", ErrUnknownKind, j.Kind, s.owner)
	}
	if !k.opts.Ahead {
		// Claimed within the look-ahead: wait for the job's time.
		if d := j.RunAt.Sub(s.clock.Now()); d > 0 {
			s.waitUntil(s.runCtx, d)
		}
	}
	ctx, cancel := context.WithTimeout(s.runCtx, k.opts.Timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error().Str("job", j.ID).Str("kind", j.Kind).Str("stack", string(debug.Stack())).Msg("schedule: handler panicked")
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return k.handler(ctx, j)
}

// result turns a handler's error into the job's next state.
func (s *Scheduler) result(j *Job, err error, started time.Time) Result {
	now := store.Trunc(s.clock.Now())
	r := Result{ID: j.ID, Seq: j.seq, Owner: s.owner, Now: now, RunAt: j.RunAt}
	a := Attempt{Number: j.Attempts, StartedAt: started, EndedAt: now, Owner: s.owner}
	var snooze *SnoozeError
	var cancel *CancelError
	var perm *PermanentError
	switch {
	case err == nil:
		r.Status, a.Outcome = StatusCompleted, OutcomeCompleted
	case errors.As(err, &snooze):
		r.Status, a.Outcome, r.Refund = StatusPending, OutcomeSnoozed, true
		r.RunAt = store.Trunc(snooze.Until)
		if r.RunAt.Before(now) {
			r.RunAt = now
		}
		r.Error, a.Error = snooze.Reason, snooze.Reason
	case errors.As(err, &cancel):
		r.Status, a.Outcome, r.Error, a.Error = StatusCancelled, OutcomeCancelled, cancel.Reason, cancel.Reason
	case errors.As(err, &perm):
		r.Status, a.Outcome, r.Error, a.Error = StatusFailed, OutcomeFailed, err.Error(), err.Error()
	default:
		r.Error, a.Error = err.Error(), err.Error()
		if j.Attempts >= j.MaxAttempts {
			r.Status, a.Outcome = StatusFailed, OutcomeFailed
			break
		}
		backoff := DefaultBackoff
		if k, ok := s.reg.get(j.Kind); ok {
			backoff = k.opts.Backoff
		}
		r.Status, a.Outcome = StatusPending, OutcomeRetry
		r.RunAt = store.Trunc(now.Add(backoff(j.Attempts)))
	}
	a.StartedAt = store.Trunc(a.StartedAt)
	r.Attempt = a
	return r
}

// renew extends the leases of running jobs every Lease/3.
func (s *Scheduler) renew(ctx context.Context) {
	defer close(s.renewDone)
	for {
		t := s.clock.NewTimer(s.o.Lease / 3)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
		s.mu.Lock()
		leases := make([]Lease, 0, len(s.inflight))
		for id, r := range s.inflight {
			leases = append(leases, Lease{ID: id, Seq: r.seq})
		}
		s.mu.Unlock()
		if err := s.st.Extend(ctx, s.owner, leases, store.Trunc(s.clock.Now().Add(s.o.Lease))); err != nil && ctx.Err() == nil {
			s.log.Error().Err(err).Int("jobs", len(leases)).Msg("schedule: renew leases")
		}
	}
}

// committer records results in groups: it takes every result queued while
// the previous group was being written and commits them in one go, at once
// when the queue is empty (never waiting for more than one yield of the
// processor, which lets handlers finishing together join the group).
type committer struct {
	s    *Scheduler
	in   chan Result
	done chan struct{}
}

func newCommitter(s *Scheduler) *committer {
	return &committer{s: s, in: make(chan Result, 4*s.o.Workers), done: make(chan struct{})}
}

func (c *committer) add(r Result) { c.in <- r }

func (c *committer) close() {
	close(c.in)
	<-c.done
}

const maxGroup = 512

func (c *committer) run(ctx context.Context) {
	defer close(c.done)
	ctx = context.WithoutCancel(ctx) // outcomes are written even while stopping
	batch := make([]Result, 0, maxGroup)
	for r := range c.in {
		runtime.Gosched()
		batch = append(batch[:0], r)
	drain:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-c.in:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		c.flush(ctx, batch)
	}
}

func (c *committer) flush(ctx context.Context, batch []Result) {
	for try := 1; ; try++ {
		lost, err := c.s.st.Finish(ctx, batch)
		if err == nil {
			for _, id := range lost {
				c.s.log.Warn().Str("job", id).Msg("schedule: outcome not recorded: the job's lease was taken over by another replica")
			}
			// Retries and snoozes are pending again: wake the dispatcher if
			// one is due before its timer.
			for _, r := range batch {
				if r.Status == StatusPending {
					c.s.wakeFor(r.RunAt)
				}
			}
			return
		}
		if try == 3 {
			// The leases will expire and the jobs come back Recovered.
			c.s.log.Error().Err(err).Int("jobs", len(batch)).Msg("schedule: record outcomes")
			return
		}
		time.Sleep(time.Duration(try) * 50 * time.Millisecond)
	}
}
