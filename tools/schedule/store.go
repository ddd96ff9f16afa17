package schedule

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the scheduler's data: scheduled_jobs and scheduler_state (and,
// on MongoDB, scheduled_job_claims, the per-transition claim documents).
var Schema = store.Schema{
	Name:       "schedule",
	Migrations: mustSub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "scheduled_jobs", Keys: bson.D{{Key: "status", Value: 1}, {Key: "run_at", Value: 1}}},
		{Collection: "scheduled_jobs", Keys: bson.D{{Key: "status", Value: 1}, {Key: "lease_until", Value: 1}}},
		{Collection: "scheduled_jobs", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "status", Value: 1}}},
		{Collection: "scheduled_jobs", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "created_by", Value: 1}, {Key: "created_at", Value: -1}}},
		{Collection: "scheduled_job_claims", Keys: bson.D{{Key: "at", Value: 1}}},
	},
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// NewJob is what Enqueue takes.
type NewJob struct {
	WorkspaceID string
	Kind        string
	// Args is marshalled to JSON (a json.RawMessage is kept as is).
	Args any
	// RunAt zero means now.
	RunAt time.Time
	// UniqueKey, when set, makes the job unique per workspace and kind: a
	// second Enqueue with the same key returns the first job's id and adds
	// nothing.
	UniqueKey string
	// MaxAttempts zero takes the kind's.
	MaxAttempts int
	CreatedBy   string
}

// Filter narrows List. Limit defaults to 50 (at most 500); Cursor is the
// value List returned for the next page.
type Filter struct {
	Status    Status
	Kind      string
	CreatedBy string
	Limit     int
	Cursor    string
}

// Result is how one run of a job ended, as the store records it: the job
// moves to Status (pending again for a retry or snooze, at RunAt), Attempt is
// appended to its history, and Refund gives the attempt back (snooze).
type Result struct {
	ID     string
	Seq    int64 // the job's seq when claimed
	Owner  string
	Status Status
	RunAt  time.Time
	Error  string
	Refund bool
	// Attempt is appended to the job's history.
	Attempt Attempt
	// Now is when the result was decided.
	Now time.Time
}

// Lease names a job this process holds, for renewal.
type Lease struct {
	ID  string
	Seq int64
}

// Store is what the scheduler needs of the database, implemented on SQLite
// and MongoDB and proven by one conformance suite on both.
type Store interface {
	// Insert adds jobs (status pending) in one go. A job whose id exists
	// already (same unique key) is skipped, not an error.
	Insert(ctx context.Context, jobs []Job) error
	// ClaimDue takes up to limit pending jobs due at now, oldest first, for
	// owner until now+lease: each comes back processing with one more attempt.
	// A job is claimed by one caller only, across processes.
	ClaimDue(ctx context.Context, now, dueBy time.Time, owner string, lease time.Duration, limit int) ([]Job, error)
	// ExpiredLeases takes over up to limit processing jobs whose lease ended
	// before now: the dead attempt is recorded (outcome lease_expired), the
	// job stays processing for owner with one more attempt, and comes back
	// with Recovered set.
	ExpiredLeases(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Job, error)
	// Finish records many results at once (one transaction on SQLite, one
	// bulk write on MongoDB). It returns the ids whose result was not applied
	// because the job is no longer owner's (its lease was taken over).
	Finish(ctx context.Context, results []Result) (lost []string, err error)
	// Extend renews owner's leases until until.
	Extend(ctx context.Context, owner string, leases []Lease, until time.Time) error
	// NextDue is the earliest run_at of a pending job; ok is false when none.
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
	// Cancel cancels a pending job of the workspace (ErrNotFound, ErrNotPending).
	Cancel(ctx context.Context, workspaceID, id, reason string, now time.Time) error
	// Reschedule moves a pending job to runAt and, when args is not nil,
	// replaces its args (ErrNotFound, ErrNotPending).
	Reschedule(ctx context.Context, workspaceID, id string, runAt time.Time, args json.RawMessage, now time.Time) error
	// Get returns one job of the workspace (ErrNotFound).
	Get(ctx context.Context, workspaceID, id string) (*Job, error)
	// List returns the workspace's jobs, newest first, and the next cursor
	// ("" on the last page).
	List(ctx context.Context, workspaceID string, f Filter) ([]Job, string, error)
	// Stats counts the workspace's jobs by status ("" counts every workspace).
	Stats(ctx context.Context, workspaceID string) (map[Status]int, error)
	// Purge deletes finished jobs last updated before before.
	Purge(ctx context.Context, before time.Time) (int64, error)
	// Paused reads the pause flag shared by every replica.
	Paused(ctx context.Context) (bool, error)
	// SetPaused sets it.
	SetPaused(ctx context.Context, paused bool, by string, now time.Time) error
}

// NewStore returns the Store for db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return newSQLiteStore(db)
}

// uniqueID derives a job id from its unique key, so that the store's primary
// key enforces uniqueness on every backend.
func uniqueID(workspaceID, kind, key string) string {
	sum := sha256.Sum256([]byte(workspaceID + "\x00" + kind + "\x00" + key))
	return "u" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:15]))
}

// Cursors are "<created_at unix ms>:<id>".
func encodeCursor(j Job) string { return fmt.Sprintf("%d:%s", store.Millis(j.CreatedAt), j.ID) }

// ErrInvalidCursor is returned by List for a cursor it did not hand out.
var ErrInvalidCursor = errors.New("schedule: invalid cursor")

func decodeCursor(c string) (int64, string, error) {
	if c == "" {
		return 0, "", nil
	}
	ms, id, ok := strings.Cut(c, ":")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return 0, "", fmt.Errorf("%w: %q", ErrInvalidCursor, c)
	}
	return n, id, nil
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

// recovered says whether the run starting now follows a dead attempt.
func recovered(h []Attempt) bool {
	return len(h) > 0 && h[len(h)-1].Outcome == OutcomeLeaseExpired
}

const leaseExpiredMessage = "the replica running this job stopped answering (lease expired); its outcome is unknown"
