package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// Options configure a Scheduler; zero values take the defaults.
type Options struct {
	Log zerolog.Logger
	// Clock is the time source (default the real clock).
	Clock Clock
	// Owner identifies this process in leases (default host-pid-random).
	Owner string
	// Workers bounds the handlers running at once (default 512); it is also
	// the largest claim batch. Handlers mostly wait on platforms, whose calls
	// take hundreds of milliseconds, so the pool bounds calls in flight more
	// than CPU: at 200 ms a call, each worker completes five a second. Each
	// busy worker holds some 70 KB of stack at its deepest.
	Workers int
	// Lease is how long a claim holds before another replica may take the
	// job over (default 30 s); held leases are renewed every Lease/3.
	Lease time.Duration
	// Poll is the safety poll for work other replicas added and for expired
	// leases (default 1 s). Work enqueued through this Scheduler wakes it at
	// once; it never waits for the poll.
	Poll time.Duration
	// Location is the time zone of recurring specs (MM_CRON_TZ; default UTC).
	Location *time.Location
	// Retention is how long finished jobs are kept (default 30 days).
	Retention time.Duration
	// Lookahead claims jobs that far ahead of their RunAt (default 0), so
	// kinds registered with Ahead prepare before their time and act on
	// it; other kinds still start at RunAt.
	Lookahead time.Duration
}

// Locker takes named leases shared by every replica (*store.DB).
type Locker interface {
	Acquire(ctx context.Context, name, owner string, now time.Time, ttl time.Duration) (bool, error)
	PurgeLocks(ctx context.Context, now time.Time) (int64, error)
}

// Scheduler enqueues jobs and, once started, dispatches them.
type Scheduler struct {
	st    Store
	locks Locker
	reg   *Registry
	log   zerolog.Logger
	clock Clock
	owner string
	o     Options

	wakeC  chan struct{}
	armed  atomic.Int64 // unix ms the dispatcher's timer is set for; 0 = none
	paused atomic.Bool  // last seen shared flag
	loops  atomic.Int64 // dispatcher iterations (tests wait on it)

	mu        sync.Mutex
	running   bool
	stop      context.CancelFunc
	loopDone  chan struct{}
	runCtx    context.Context // handlers' base context, cancelled by Stop
	runCancel context.CancelFunc
	inflight  map[string]*running
	slots     chan struct{}
	freed     chan struct{} // a slot freed up
	work      chan Job      // hands a job to an idle worker
	renewDone chan struct{}
	handlers  sync.WaitGroup
	commit    *committer

	cron      *cron.Cron
	recurring []*recurring
}

// New builds a Scheduler over db (its store, and its locks for recurring jobs).
func New(db *store.DB, reg *Registry, o Options) (*Scheduler, error) {
	return NewWithStore(NewStore(db), db, reg, o)
}

// NewWithStore builds a Scheduler over any Store and Locker.
func NewWithStore(st Store, locks Locker, reg *Registry, o Options) (*Scheduler, error) {
	if st == nil || reg == nil {
		return nil, errors.New("schedule: a store and a registry are required")
	}
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Owner == "" {
		o.Owner = defaultOwner()
	}
	if o.Workers <= 0 {
		o.Workers = 512
	}
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Retention <= 0 {
		o.Retention = 30 * 24 * time.Hour
	}
	s := &Scheduler{
		st: st, locks: locks, reg: reg, log: o.Log, clock: o.Clock, owner: o.Owner, o: o,
		wakeC:    make(chan struct{}, 1),
		inflight: map[string]*running{},
	}
	s.cron = cron.New(cron.WithLocation(o.Location), cron.WithChain(cron.Recover(cronLogger{s.log})))
	return s, nil
}

func defaultOwner() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "host"
	}
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), store.NewID()[:6])
}

// Owner is this process's lease owner id.
func (s *Scheduler) Owner() string { return s.owner }

// Store is the scheduler's store.
func (s *Scheduler) Store() Store { return s.st }

// Enqueue adds jobs in one write and returns their ids, in order. A job with
// a UniqueKey already enqueued returns the existing id. The dispatcher is
// woken when a job is due before its timer.
func (s *Scheduler) Enqueue(ctx context.Context, jobs ...NewJob) ([]string, error) {
	now := store.Trunc(s.clock.Now())
	rows := make([]Job, 0, len(jobs))
	ids := make([]string, 0, len(jobs))
	var earliest time.Time
	for i, nj := range jobs {
		k, ok := s.reg.get(nj.Kind)
		if !ok {
			return nil, fmt.Errorf("%w: %q (job %d)", ErrUnknownKind, nj.Kind, i)
		}
		if nj.WorkspaceID == "" {
			return nil, fmt.Errorf("schedule: enqueue %s: job %d has no workspace", nj.Kind, i)
		}
		args, err := marshalArgs(nj.Args)
		if err != nil {
			return nil, fmt.Errorf("schedule: enqueue %s: job %d: %w", nj.Kind, i, err)
		}
		runAt := store.Trunc(nj.RunAt)
		if runAt.IsZero() {
			runAt = now
		}
		maxAttempts := nj.MaxAttempts
		if maxAttempts <= 0 {
			maxAttempts = k.opts.MaxAttempts
		}
		id := store.NewID()
		if nj.UniqueKey != "" {
			id = uniqueID(nj.WorkspaceID, nj.Kind, nj.UniqueKey)
		}
		rows = append(rows, Job{
			ID: id, WorkspaceID: nj.WorkspaceID, Kind: nj.Kind, Args: args, RunAt: runAt,
			Status: StatusPending, MaxAttempts: maxAttempts, UniqueKey: nj.UniqueKey,
			CreatedBy: nj.CreatedBy, CreatedAt: now, UpdatedAt: now, History: []Attempt{},
		})
		ids = append(ids, id)
		if earliest.IsZero() || runAt.Before(earliest) {
			earliest = runAt
		}
	}
	if len(rows) == 0 {
		return ids, nil
	}
	if err := s.st.Insert(ctx, rows); err != nil {
		return nil, err
	}
	s.wakeFor(earliest)
	return ids, nil
}

func marshalArgs(a any) (json.RawMessage, error) {
	switch v := a.(type) {
	case nil:
		return json.RawMessage("{}"), nil
	case json.RawMessage:
		if !json.Valid(v) {
			return nil, errors.New("args are not valid JSON")
		}
		return v, nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("marshal args: %w", err)
	}
	return b, nil
}

// Cancel cancels a pending job of the workspace (ErrNotFound, ErrNotPending).
// The kind's OnCancel hook runs after the job is cancelled.
func (s *Scheduler) Cancel(ctx context.Context, workspaceID, id string) error {
	if err := s.st.Cancel(ctx, workspaceID, id, "cancelled before it ran", store.Trunc(s.clock.Now())); err != nil {
		return err
	}
	j, err := s.st.Get(ctx, workspaceID, id)
	if err != nil {
		return err
	}
	if k, ok := s.reg.get(j.Kind); ok && k.opts.OnCancel != nil {
		if err := k.opts.OnCancel(ctx, j); err != nil {
			return fmt.Errorf("schedule: job %s cancelled, but its %s hook failed: %w", id, j.Kind, err)
		}
	}
	return nil
}

// Reschedule moves a pending job to runAt and, when args is not nil, replaces
// its args (ErrNotFound, ErrNotPending).
func (s *Scheduler) Reschedule(ctx context.Context, workspaceID, id string, runAt time.Time, args any) error {
	var raw json.RawMessage
	if args != nil {
		var err error
		if raw, err = marshalArgs(args); err != nil {
			return fmt.Errorf("schedule: reschedule %s: %w", id, err)
		}
	}
	runAt = store.Trunc(runAt)
	if runAt.IsZero() {
		runAt = store.Trunc(s.clock.Now())
	}
	if err := s.st.Reschedule(ctx, workspaceID, id, runAt, raw, store.Trunc(s.clock.Now())); err != nil {
		return err
	}
	s.wakeFor(runAt)
	return nil
}

// Get returns one job of the workspace (ErrNotFound).
func (s *Scheduler) Get(ctx context.Context, workspaceID, id string) (*Job, error) {
	return s.st.Get(ctx, workspaceID, id)
}

// List returns the workspace's jobs, newest first, and the next page's cursor.
func (s *Scheduler) List(ctx context.Context, workspaceID string, f Filter) ([]Job, string, error) {
	return s.st.List(ctx, workspaceID, f)
}

// Pause stops every replica from claiming jobs; pending jobs wait. Each
// replica sees it at its next dispatcher iteration (within the safety poll,
// or 100 ms while it drains a backlog); jobs already claimed finish.
func (s *Scheduler) Pause(ctx context.Context, by string) error {
	if err := s.st.SetPaused(ctx, true, by, store.Trunc(s.clock.Now())); err != nil {
		return err
	}
	s.paused.Store(true)
	return nil
}

// Resume lets every replica claim jobs again.
func (s *Scheduler) Resume(ctx context.Context, by string) error {
	if err := s.st.SetPaused(ctx, false, by, store.Trunc(s.clock.Now())); err != nil {
		return err
	}
	s.paused.Store(false)
	s.wake()
	return nil
}

// Paused reads the shared pause flag.
func (s *Scheduler) Paused(ctx context.Context) (bool, error) { return s.st.Paused(ctx) }

// RecurringInfo is one recurring job in Overview.
type RecurringInfo struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Spec        string    `json:"spec"`
	NextRunTime time.Time `json:"next_run_time"`
}

// Overview is the scheduler's status report.
type Overview struct {
	// IsRunning: this process dispatches and the shared flag is not paused.
	IsRunning  bool
	Paused     bool
	Recurring  []RecurringInfo
	Statistics map[Status]int
}

// Overview reports whether dispatch runs, the recurring jobs with their
// next run time, and the workspace's job counts by status.
func (s *Scheduler) Overview(ctx context.Context, workspaceID string) (Overview, error) {
	paused, err := s.st.Paused(ctx)
	if err != nil {
		return Overview{}, err
	}
	stats, err := s.st.Stats(ctx, workspaceID)
	if err != nil {
		return Overview{}, err
	}
	for _, st := range Statuses {
		stats[st] += 0
	}
	s.mu.Lock()
	running := s.running
	s.mu.Unlock()
	return Overview{IsRunning: running && !paused, Paused: paused, Recurring: s.recurringInfo(), Statistics: stats}, nil
}

// Cleanup deletes finished jobs older than the retention (30 days) and
// expired locks; the weekly cleanup job calls it.
func (s *Scheduler) Cleanup(ctx context.Context) error {
	now := s.clock.Now()
	n, err := s.st.Purge(ctx, now.Add(-s.o.Retention))
	if err != nil {
		return err
	}
	var locks int64
	if s.locks != nil {
		if locks, err = s.locks.PurgeLocks(ctx, now); err != nil {
			return err
		}
	}
	s.log.Info().Int64("jobs", n).Int64("locks", locks).Msg("schedule: cleanup done")
	return nil
}

// wakeFor wakes the dispatcher when at is before the time its timer is set for.
func (s *Scheduler) wakeFor(at time.Time) {
	armed := s.armed.Load()
	if armed == 0 || store.Millis(at) < armed {
		s.wake()
	}
}

func (s *Scheduler) wake() {
	select {
	case s.wakeC <- struct{}{}:
	default:
	}
}

// cronLogger adapts zerolog to cron's logger (panics recovered in jobs).
type cronLogger struct{ log zerolog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	l.log.Debug().Fields(kv).Msg("cron: " + msg)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error().Err(err).Fields(kv).Msg("cron: " + strings.TrimSpace(msg))
}
