package slack

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// pendingFor keeps an untold outcome's record from the cleanup job.
const pendingFor = 30 * 24 * time.Hour

func (s *sqliteStore) QueueOutcomes(ctx context.Context, posts []PostRef, now time.Time) error {
	defer s.db.Observe("slack.queue_outcomes")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("slack: queue %d outcomes: %w", len(posts), err)
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO slack_outbox (workspace_id, post_id, pending, seq, next_at, expires_at) VALUES (?, ?, 1, 1, ?, ?)
		ON CONFLICT (workspace_id, post_id) DO UPDATE SET seq = seq + 1, expires_at = excluded.expires_at,
		next_at = CASE WHEN pending = 1 THEN next_at ELSE excluded.next_at END,
		attempts = CASE WHEN pending = 1 THEN attempts ELSE 0 END, pending = 1`)
	if err != nil {
		return fmt.Errorf("slack: queue %d outcomes: %w", len(posts), err)
	}
	defer stmt.Close()
	for _, p := range posts {
		if _, err := stmt.ExecContext(ctx, p.WorkspaceID, p.PostID, store.Millis(now), store.Millis(now.Add(pendingFor))); err != nil {
			return fmt.Errorf("slack: queue outcome of post %s: %w", p.PostID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("slack: queue %d outcomes: %w", len(posts), err)
	}
	return nil
}

func (s *sqliteStore) ClaimOutcomes(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error) {
	defer s.db.Observe("slack.claim_outcomes")()
	rows, err := s.db.SQL.QueryContext(ctx, `UPDATE slack_outbox SET owner = ?, lease_until = ?
		WHERE rowid IN (SELECT rowid FROM slack_outbox WHERE pending = 1 AND next_at <= ? AND lease_until <= ? ORDER BY next_at LIMIT ?)
		RETURNING workspace_id, post_id, seq, told_key, attempts`,
		owner, store.Millis(now.Add(lease)), store.Millis(now), store.Millis(now), limit)
	if err != nil {
		return nil, fmt.Errorf("slack: claim outcomes: %w", err)
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		if err := rows.Scan(&o.WorkspaceID, &o.PostID, &o.Seq, &o.ToldKey, &o.Attempts); err != nil {
			return nil, fmt.Errorf("slack: claim outcomes: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("slack: claim outcomes: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) FinishOutcomes(ctx context.Context, done []Finished, now time.Time) error {
	defer s.db.Observe("slack.finish_outcomes")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("slack: finish %d outcomes: %w", len(done), err)
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, `UPDATE slack_outbox SET lease_until = 0, owner = '', attempts = 0,
		told_key = CASE WHEN ? = '' THEN told_key ELSE ? END,
		pending = CASE WHEN seq = ? THEN 0 ELSE 1 END,
		expires_at = CASE WHEN seq = ? THEN ? ELSE expires_at END
		WHERE workspace_id = ? AND post_id = ?`)
	if err != nil {
		return fmt.Errorf("slack: finish %d outcomes: %w", len(done), err)
	}
	defer stmt.Close()
	for _, f := range done {
		_, err := stmt.ExecContext(ctx, f.ToldKey, f.ToldKey, f.Seq, f.Seq, store.Millis(now.Add(notifiedFor)), f.WorkspaceID, f.PostID)
		if err != nil {
			return fmt.Errorf("slack: finish outcome of post %s: %w", f.PostID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("slack: finish %d outcomes: %w", len(done), err)
	}
	return nil
}

func (s *sqliteStore) RetryOutcome(ctx context.Context, o Outgoing, at time.Time, count int) error {
	defer s.db.Observe("slack.retry_outcome")()
	_, err := s.db.SQL.ExecContext(ctx, `UPDATE slack_outbox SET lease_until = 0, owner = '', next_at = ?, attempts = attempts + ?
		WHERE workspace_id = ? AND post_id = ?`, store.Millis(at), count, o.WorkspaceID, o.PostID)
	if err != nil {
		return fmt.Errorf("slack: retry outcome of post %s: %w", o.PostID, err)
	}
	return nil
}

func (s *sqliteStore) MarkTold(ctx context.Context, workspaceID, postID, key string, now time.Time) error {
	defer s.db.Observe("slack.mark_told")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO slack_outbox (workspace_id, post_id, pending, told_key, next_at, expires_at) VALUES (?, ?, 0, ?, ?, ?)
		ON CONFLICT (workspace_id, post_id) DO UPDATE SET told_key = excluded.told_key`,
		workspaceID, postID, key, store.Millis(now), store.Millis(now.Add(notifiedFor)))
	if err != nil {
		return fmt.Errorf("slack: mark the outcome of post %s told: %w", postID, err)
	}
	return nil
}

func (s *sqliteStore) ToldKey(ctx context.Context, workspaceID, postID string) (string, error) {
	defer s.db.Observe("slack.told_key")()
	var key string
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT told_key FROM slack_outbox WHERE workspace_id = ? AND post_id = ?`, workspaceID, postID).Scan(&key)
	if err != nil && !store.IsNoRows(err) {
		return "", fmt.Errorf("slack: told outcome of post %s: %w", postID, err)
	}
	return key, nil
}
