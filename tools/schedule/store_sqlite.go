package schedule

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct {
	db *store.DB
	// The dispatcher's statements run per batch, all the time: parsed once.
	claim, finish, nextDue, paused *store.Stmt
}

func newSQLiteStore(db *store.DB) *sqliteStore {
	return &sqliteStore{db: db,
		claim: store.Prepared(db.SQL, `UPDATE scheduled_jobs
			SET status = 'processing', lease_owner = ?, lease_until = ?, attempted_at = ?, updated_at = ?,
			    attempts = attempts + 1, seq = seq + 1
			WHERE id IN (SELECT id FROM scheduled_jobs WHERE status = 'pending' AND run_at <= ? ORDER BY run_at LIMIT ?)
			RETURNING `+jobCols),
		finish: store.Prepared(db.SQL, `UPDATE scheduled_jobs
			SET status = ?, run_at = ?, attempts = attempts - ?, last_error = ?, lease_owner = '', lease_until = 0,
			    updated_at = ?, seq = seq + 1, history = json_insert(history, '$[#]', json(?))
			WHERE id = ? AND seq = ? AND lease_owner = ? AND status = 'processing'`),
		nextDue: store.Prepared(db.SQLRead, `SELECT MIN(run_at) FROM scheduled_jobs WHERE status = 'pending'`),
		paused:  store.Prepared(db.SQLRead, `SELECT paused FROM scheduler_state WHERE id = ?`),
	}
}

const jobCols = `id, workspace_id, kind, args, run_at, status, attempts, max_attempts, lease_owner, lease_until,
	last_error, history, unique_key, created_by, created_at, updated_at, seq`

// attemptRow is an Attempt in the history JSON column (times in unix ms).
type attemptRow struct {
	Number    int    `json:"number"`
	StartedAt int64  `json:"started_at"`
	EndedAt   int64  `json:"ended_at"`
	Owner     string `json:"owner"`
	Error     string `json:"error,omitempty"`
	Outcome   string `json:"outcome"`
}

func attemptJSON(a Attempt) string {
	b, _ := json.Marshal(attemptRow{a.Number, store.Millis(a.StartedAt), store.Millis(a.EndedAt), a.Owner, a.Error, a.Outcome})
	return string(b)
}

type scanner interface{ Scan(dest ...any) error }

func scanJob(sc scanner) (Job, error) {
	var j Job
	var args, history, status string
	var runAt, leaseUntil, created, updated int64
	if err := sc.Scan(&j.ID, &j.WorkspaceID, &j.Kind, &args, &runAt, &status, &j.Attempts, &j.MaxAttempts,
		&j.LeaseOwner, &leaseUntil, &j.LastError, &history, &j.UniqueKey, &j.CreatedBy, &created, &updated, &j.seq); err != nil {
		return j, err
	}
	j.Args = json.RawMessage(args)
	j.Status = Status(status)
	j.RunAt, j.LeaseUntil = store.FromMillis(runAt), store.FromMillis(leaseUntil)
	j.CreatedAt, j.UpdatedAt = store.FromMillis(created), store.FromMillis(updated)
	var rows []attemptRow
	if err := json.Unmarshal([]byte(history), &rows); err != nil {
		return j, fmt.Errorf("history of job %s: %w", j.ID, err)
	}
	j.History = make([]Attempt, len(rows))
	for i, r := range rows {
		j.History[i] = Attempt{r.Number, store.FromMillis(r.StartedAt), store.FromMillis(r.EndedAt), r.Owner, r.Error, r.Outcome}
	}
	j.Recovered = j.Status == StatusProcessing && recovered(j.History)
	return j, nil
}

func collect(rows *sql.Rows) ([]Job, error) {
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func (s *sqliteStore) Insert(ctx context.Context, jobs []Job) error {
	defer s.db.Observe("schedule.insert")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schedule: insert: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO scheduled_jobs
		(id, workspace_id, kind, args, run_at, status, attempts, max_attempts, unique_key, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("schedule: insert: %w", err)
	}
	defer stmt.Close()
	for _, j := range jobs {
		if _, err := stmt.ExecContext(ctx, j.ID, j.WorkspaceID, j.Kind, string(j.Args), store.Millis(j.RunAt), j.MaxAttempts,
			j.UniqueKey, j.CreatedBy, store.Millis(j.CreatedAt), store.Millis(j.UpdatedAt)); err != nil {
			return fmt.Errorf("schedule: insert %s: %w", j.Kind, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("schedule: insert: %w", err)
	}
	return nil
}

func (s *sqliteStore) ClaimDue(ctx context.Context, now, dueBy time.Time, owner string, lease time.Duration, limit int) ([]Job, error) {
	defer s.db.Observe("schedule.claim_due")()
	rows, err := s.claim.Query(ctx, owner, store.Millis(now.Add(lease)), store.Millis(now), store.Millis(now), store.Millis(dueBy), limit)
	if err != nil {
		return nil, fmt.Errorf("schedule: claim due jobs: %w", err)
	}
	jobs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("schedule: claim due jobs: %w", err)
	}
	return jobs, nil
}

func (s *sqliteStore) ExpiredLeases(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Job, error) {
	defer s.db.Observe("schedule.expired_leases")()
	rows, err := s.db.SQL.QueryContext(ctx, `UPDATE scheduled_jobs
		SET history = json_insert(history, '$[#]', json_object('number', attempts, 'started_at', attempted_at,
		        'ended_at', ?, 'owner', lease_owner, 'error', ?, 'outcome', ?)),
		    lease_owner = ?, lease_until = ?, attempted_at = ?, updated_at = ?, attempts = attempts + 1, seq = seq + 1,
		    last_error = ?
		WHERE id IN (SELECT id FROM scheduled_jobs WHERE status = 'processing' AND lease_until < ? ORDER BY lease_until LIMIT ?)
		RETURNING `+jobCols,
		store.Millis(now), leaseExpiredMessage, OutcomeLeaseExpired,
		owner, store.Millis(now.Add(lease)), store.Millis(now), store.Millis(now), leaseExpiredMessage,
		store.Millis(now), limit)
	if err != nil {
		return nil, fmt.Errorf("schedule: take over expired leases: %w", err)
	}
	jobs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("schedule: take over expired leases: %w", err)
	}
	return jobs, nil
}

// Finish applies the results in one transaction, one prepared statement
// run per result.
func (s *sqliteStore) Finish(ctx context.Context, results []Result) ([]string, error) {
	defer s.db.Observe("schedule.finish")()
	tx, stmt, err := s.finish.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("schedule: finish: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	defer stmt.Close()
	var lost []string
	rowCtx := store.RowContext(ctx)
	for _, r := range results {
		refund := 0
		if r.Refund {
			refund = 1
		}
		res, err := stmt.ExecContext(rowCtx, string(r.Status), store.Millis(r.RunAt), refund, r.Error, store.Millis(r.Now),
			attemptJSON(r.Attempt), r.ID, r.Seq, r.Owner)
		if err != nil {
			return nil, fmt.Errorf("schedule: finish %s: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("schedule: finish %s: %w", r.ID, err)
		} else if n == 0 {
			lost = append(lost, r.ID)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("schedule: finish: %w", err)
	}
	return lost, nil
}

func (s *sqliteStore) Extend(ctx context.Context, owner string, leases []Lease, until time.Time) error {
	defer s.db.Observe("schedule.extend")()
	if len(leases) == 0 {
		return nil
	}
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schedule: extend leases: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, `UPDATE scheduled_jobs SET lease_until = ?
		WHERE id = ? AND seq = ? AND lease_owner = ? AND status = 'processing'`)
	if err != nil {
		return fmt.Errorf("schedule: extend leases: %w", err)
	}
	defer stmt.Close()
	for _, l := range leases {
		if _, err := stmt.ExecContext(ctx, store.Millis(until), l.ID, l.Seq, owner); err != nil {
			return fmt.Errorf("schedule: extend lease of %s: %w", l.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("schedule: extend leases: %w", err)
	}
	return nil
}

func (s *sqliteStore) NextDue(ctx context.Context) (time.Time, bool, error) {
	defer s.db.Observe("schedule.next_due")()
	var at sql.NullInt64
	if err := s.nextDue.QueryRow(ctx).Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("schedule: next due: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return store.FromMillis(at.Int64), true, nil
}

// notPending tells ErrNotFound from ErrNotPending after an update matched nothing.
func (s *sqliteStore) notPending(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, workspaceID, id string) error {
	var status string
	err := q.QueryRowContext(ctx, `SELECT status FROM scheduled_jobs WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&status)
	if store.IsNoRows(err) {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return fmt.Errorf("schedule: job %s: %w", id, err)
	}
	return fmt.Errorf("%w: job %s is %s", ErrNotPending, id, status)
}

func (s *sqliteStore) Cancel(ctx context.Context, workspaceID, id, reason string, now time.Time) error {
	defer s.db.Observe("schedule.cancel")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE scheduled_jobs
		SET status = 'cancelled', last_error = ?, updated_at = ?, seq = seq + 1
		WHERE workspace_id = ? AND id = ? AND status = 'pending'`, reason, store.Millis(now), workspaceID, id)
	if err != nil {
		return fmt.Errorf("schedule: cancel %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	return s.notPending(ctx, s.db.SQL, workspaceID, id)
}

func (s *sqliteStore) Reschedule(ctx context.Context, workspaceID, id string, runAt time.Time, args json.RawMessage, now time.Time) error {
	defer s.db.Observe("schedule.reschedule")()
	var a any
	if args != nil {
		a = string(args)
	}
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE scheduled_jobs
		SET run_at = ?, args = COALESCE(?, args), updated_at = ?, seq = seq + 1
		WHERE workspace_id = ? AND id = ? AND status = 'pending'`, store.Millis(runAt), a, store.Millis(now), workspaceID, id)
	if err != nil {
		return fmt.Errorf("schedule: reschedule %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	return s.notPending(ctx, s.db.SQL, workspaceID, id)
}

func (s *sqliteStore) Get(ctx context.Context, workspaceID, id string) (*Job, error) {
	defer s.db.Observe("schedule.get")()
	j, err := scanJob(s.db.SQLRead.QueryRowContext(ctx,
		`SELECT `+jobCols+` FROM scheduled_jobs WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if store.IsNoRows(err) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("schedule: get %s: %w", id, err)
	}
	return &j, nil
}

func (s *sqliteStore) List(ctx context.Context, workspaceID string, f Filter) ([]Job, string, error) {
	defer s.db.Observe("schedule.list")()
	limit := clampLimit(f.Limit)
	cms, cid, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	where := []string{"workspace_id = ?"}
	args := []any{workspaceID}
	if f.CreatedBy != "" {
		where, args = append(where, "created_by = ?"), append(args, f.CreatedBy)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if cid != "" {
		where, args = append(where, "(created_at < ? OR (created_at = ? AND id < ?))"), append(args, cms, cms, cid)
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+jobCols+` FROM scheduled_jobs WHERE `+
		strings.Join(where, " AND ")+` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("schedule: list: %w", err)
	}
	jobs, err := collect(rows)
	if err != nil {
		return nil, "", fmt.Errorf("schedule: list: %w", err)
	}
	next := ""
	if len(jobs) > limit {
		jobs = jobs[:limit]
		next = encodeCursor(jobs[limit-1])
	}
	return jobs, next, nil
}

func (s *sqliteStore) Stats(ctx context.Context, workspaceID string) (map[Status]int, error) {
	defer s.db.Observe("schedule.stats")()
	q, args := `SELECT status, COUNT(*) FROM scheduled_jobs GROUP BY status`, []any{}
	if workspaceID != "" {
		q, args = `SELECT status, COUNT(*) FROM scheduled_jobs WHERE workspace_id = ? GROUP BY status`, []any{workspaceID}
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("schedule: stats: %w", err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("schedule: stats: %w", err)
		}
		out[Status(st)] = n
	}
	return out, rows.Err()
}

func (s *sqliteStore) Purge(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("schedule.purge")()
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM scheduled_jobs
		WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < ?`, store.Millis(before))
	if err != nil {
		return 0, fmt.Errorf("schedule: purge: %w", err)
	}
	return res.RowsAffected()
}

const stateID = "scheduler"

func (s *sqliteStore) Paused(ctx context.Context) (bool, error) {
	defer s.db.Observe("schedule.paused")()
	var p bool
	err := s.paused.QueryRow(ctx, stateID).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("schedule: read pause flag: %w", err)
	}
	return p, nil
}

func (s *sqliteStore) SetPaused(ctx context.Context, paused bool, by string, now time.Time) error {
	defer s.db.Observe("schedule.set_paused")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO scheduler_state (id, paused, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET paused = excluded.paused, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		stateID, paused, by, store.Millis(now))
	if err != nil {
		return fmt.Errorf("schedule: set pause flag: %w", err)
	}
	return nil
}
