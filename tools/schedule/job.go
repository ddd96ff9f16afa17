// Package schedule is the durable job scheduler: jobs live in the store
// (scheduled_jobs), typed by kind through a Registry; a dispatcher wakes at
// the next due time, claims due jobs in batches under a lease, runs them on a
// bounded worker pool and commits their outcomes in groups. Any number of
// replicas may share one store: a job runs on one replica at a time, and a job
// whose replica died (lease expired) is handed back to its handler flagged
// Recovered, never re-run as if new. Recurring jobs run on robfig/cron, once
// per tick across replicas.
//
// Handlers steer what happens next through the error they return: nil
// completes the job, Snooze waits without using an attempt, Cancel stops it,
// Permanent fails it at once, any other error is retried with backoff until
// MaxAttempts.
package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Status is where a job is in its life.
type Status string

// The statuses.
const (
	StatusPending    Status = "pending"
	StatusProcessing Status = "processing"
	StatusCompleted  Status = "completed"
	StatusFailed     Status = "failed"
	StatusCancelled  Status = "cancelled"
)

// Statuses lists every status, in the order status reports use.
var Statuses = []Status{StatusPending, StatusProcessing, StatusCompleted, StatusFailed, StatusCancelled}

// Finished reports whether s is terminal.
func (s Status) Finished() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCancelled
}

// Outcomes recorded in a job's History.
const (
	OutcomeCompleted    = "completed"
	OutcomeRetry        = "retry"
	OutcomeSnoozed      = "snoozed"
	OutcomeFailed       = "failed"
	OutcomeCancelled    = "cancelled"
	OutcomeLeaseExpired = "lease_expired"
)

// Job is one durable unit of work.
type Job struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspace_id"`
	Kind        string          `json:"kind"`
	Args        json.RawMessage `json:"args"`
	RunAt       time.Time       `json:"run_at"`
	Status      Status          `json:"status"`
	// Attempts counts the runs that used an attempt (a snooze gives its back).
	Attempts    int       `json:"attempts"`
	MaxAttempts int       `json:"max_attempts"`
	LeaseOwner  string    `json:"lease_owner,omitempty"`
	LeaseUntil  time.Time `json:"lease_until,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	History     []Attempt `json:"history"`
	UniqueKey   string    `json:"unique_key,omitempty"`
	CreatedBy   string    `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Recovered is set on the run that follows an attempt whose lease expired
	// (its replica died or hung mid-run): what that attempt did is unknown, so
	// the handler must find out (reconcile) before doing anything again.
	Recovered bool `json:"recovered,omitempty"`

	// seq versions every transition of the job (claims, finishes, cancels,
	// reschedules); a transition is only applied by whoever moved seq.
	seq int64
}

// Attempt is one run of a job, in its History.
type Attempt struct {
	Number    int       `json:"number"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
	Owner     string    `json:"owner"`
	Error     string    `json:"error,omitempty"`
	Outcome   string    `json:"outcome"`
}

// DecodeArgs unmarshals the job's args into v.
func (j *Job) DecodeArgs(v any) error {
	if err := json.Unmarshal(j.Args, v); err != nil {
		return fmt.Errorf("schedule: job %s (%s): decode args: %w", j.ID, j.Kind, err)
	}
	return nil
}

// Handler runs one job. Its error decides what happens next (see Snooze,
// Cancel, Permanent). ctx carries the kind's timeout and is cancelled when
// the scheduler stops.
type Handler func(ctx context.Context, job *Job) error

// KindOptions tune one kind of job; zero values take the defaults.
type KindOptions struct {
	// MaxAttempts bounds the runs (default DefaultMaxAttempts).
	MaxAttempts int
	// Timeout bounds one run (default DefaultTimeout).
	Timeout time.Duration
	// Backoff is the wait before retry number attempt+1 after attempt
	// failures (default DefaultBackoff).
	Backoff func(attempt int) time.Duration
	// OnCancel, when set, is called after a person cancelled a pending job
	// of this kind (Scheduler.Cancel, DELETE /api/jobs/{id}), so the owner
	// of the work can record it (publish marks the delivery cancelled).
	OnCancel func(ctx context.Context, job *Job) error
	// Ahead says the handler honours the job's RunAt itself: with
	// Options.Lookahead the scheduler hands it the job up to that much
	// early, so it can prepare (read, check) and act exactly on time. The
	// handlers of other kinds are called at RunAt, not before.
	Ahead bool
}

// Defaults of KindOptions.
const (
	DefaultMaxAttempts = 10
	DefaultTimeout     = 5 * time.Minute
	maxBackoff         = 24 * time.Hour
)

// DefaultBackoff waits attempt⁴ seconds plus up to 10% jitter, capped at a day:
// 1 s, 16 s, 81 s, 4 min, 10 min, …
func DefaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	secs := math.Pow(float64(attempt), 4)
	d := time.Duration(secs * float64(time.Second))
	if secs > maxBackoff.Seconds() || d > maxBackoff {
		d = maxBackoff
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// ErrDuplicateKind is returned when a kind is registered twice.
var ErrDuplicateKind = errors.New("schedule: kind already registered")

// ErrUnknownKind is returned when a job names a kind nobody registered.
var ErrUnknownKind = errors.New("schedule: unknown job kind")

// ErrNotFound is returned for a job that does not exist in the workspace.
var ErrNotFound = errors.New("schedule: job not found")

// ErrNotPending is returned when cancelling or moving a job that already
// started or finished.
var ErrNotPending = errors.New("schedule: job is no longer pending")

type kind struct {
	handler Handler
	opts    KindOptions
}

// Registry maps job kinds to their handlers. It rejects duplicate kinds.
type Registry struct {
	mu    sync.RWMutex
	kinds map[string]kind
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]kind{}} }

// Register adds kind with its handler and options.
func (r *Registry) Register(name string, h Handler, o KindOptions) error {
	if name == "" || h == nil {
		return fmt.Errorf("schedule: register %q: a kind needs a name and a handler", name)
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.kinds[name]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicateKind, name)
	}
	r.kinds[name] = kind{handler: h, opts: o}
	return nil
}

// Kinds lists the registered kinds.
func (r *Registry) Kinds() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.kinds))
	for k := range r.kinds {
		out = append(out, k)
	}
	return out
}

func (r *Registry) get(name string) (kind, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.kinds[name]
	return k, ok
}

// SnoozeError asks for the job to run again at Until without using an attempt.
type SnoozeError struct {
	Until  time.Time
	Reason string
}

func (e *SnoozeError) Error() string {
	return fmt.Sprintf("snoozed until %s: %s", e.Until.UTC().Format(time.RFC3339), e.Reason)
}

// Snooze returns the error that makes the job run again at until, without
// using an attempt: rate limits ("waiting for X rate limit until 14:05").
func Snooze(until time.Time, reason string) error { return &SnoozeError{Until: until, Reason: reason} }

// CancelError stops the job: it ends cancelled.
type CancelError struct{ Reason string }

func (e *CancelError) Error() string { return "cancelled: " + e.Reason }

// Cancel returns the error that stops the job: it ends cancelled with reason.
func Cancel(reason string) error { return &CancelError{Reason: reason} }

// PermanentError fails the job at once, without retry.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err so the job fails now, without retry.
func Permanent(err error) error {
	if err == nil {
		err = errors.New("permanent failure")
	}
	return &PermanentError{Err: err}
}
