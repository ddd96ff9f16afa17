package media

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

const columns = `workspace_id, id, sha256, blob_key, uploaded_by, name, content_type, alt, source, conversations,
	bytes, width, height, duration_ms, used_by, created_at, shared_at`

func scanRecord(sc interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var convs, used string
	var dur, created, shared int64
	if err := sc.Scan(&r.WorkspaceID, &r.ID, &r.SHA256, &r.BlobKey, &r.UploadedBy, &r.Name, &r.ContentType, &r.Alt, &r.Source, &convs,
		&r.Bytes, &r.Width, &r.Height, &dur, &used, &created, &shared); err != nil {
		return Record{}, err
	}
	if err := json.Unmarshal([]byte(convs), &r.Conversations); err != nil {
		return Record{}, fmt.Errorf("media %s: conversations: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(used), &r.UsedBy); err != nil {
		return Record{}, fmt.Errorf("media %s: used_by: %w", r.ID, err)
	}
	r.Duration, r.CreatedAt, r.SharedAt = time.Duration(dur)*time.Millisecond, store.FromMillis(created), store.FromMillis(shared)
	return filled(r), nil
}

// filled gives a record's lists as empty, never nil, on both backends.
func filled(r Record) Record {
	if r.Conversations == nil {
		r.Conversations = []string{}
	}
	if r.UsedBy == nil {
		r.UsedBy = []string{}
	}
	return r
}

func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

func (s sqliteStore) Insert(ctx context.Context, r Record) error {
	defer s.db.Observe("media.insert")()
	res, err := s.db.SQL.ExecContext(ctx, `INSERT INTO media (`+columns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, sha256) DO NOTHING`,
		r.WorkspaceID, r.ID, r.SHA256, r.BlobKey, r.UploadedBy, r.Name, r.ContentType, r.Alt, r.Source, jsonList(r.Conversations),
		r.Bytes, r.Width, r.Height, r.Duration.Milliseconds(), jsonList(r.UsedBy), store.Millis(r.CreatedAt), store.Millis(r.SharedAt))
	if err != nil {
		return fmt.Errorf("media: insert: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("media: insert %s: %w", r.SHA256, ErrDuplicate)
	}
	return nil
}

func (s sqliteStore) getWhere(ctx context.Context, where string, args ...any) (Record, error) {
	r, err := scanRecord(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+columns+` FROM media WHERE `+where, args...))
	if store.IsNoRows(err) {
		return Record{}, ErrNotFound
	}
	if err != nil {
		return Record{}, fmt.Errorf("media: get: %w", err)
	}
	return r, nil
}

func (s sqliteStore) Get(ctx context.Context, workspaceID, id string) (Record, error) {
	defer s.db.Observe("media.get")()
	return s.getWhere(ctx, `workspace_id = ? AND id = ?`, workspaceID, id)
}

func (s sqliteStore) BySHA(ctx context.Context, workspaceID, sha string) (Record, error) {
	defer s.db.Observe("media.by_sha")()
	return s.getWhere(ctx, `workspace_id = ? AND sha256 = ?`, workspaceID, sha)
}

// addTo adds v to the JSON list column col of the record, in one transaction.
func (s sqliteStore) addTo(ctx context.Context, col, workspaceID string, ids []string, v string) error {
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, id := range ids {
		var raw string
		err := tx.QueryRowContext(ctx, `SELECT `+col+` FROM media WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&raw)
		if store.IsNoRows(err) {
			continue
		}
		if err != nil {
			return err
		}
		var l []string
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			return err
		}
		if slices.Contains(l, v) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE media SET `+col+` = ? WHERE workspace_id = ? AND id = ?`,
			jsonList(append(l, v)), workspaceID, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s sqliteStore) Link(ctx context.Context, workspaceID, id, conversation string, at time.Time) error {
	defer s.db.Observe("media.link")()
	if _, err := s.db.SQL.ExecContext(ctx, `UPDATE media SET shared_at = ? WHERE workspace_id = ? AND id = ?`,
		store.Millis(at), workspaceID, id); err != nil {
		return fmt.Errorf("media: link %s: %w", id, err)
	}
	if conversation == "" {
		return nil
	}
	if err := s.addTo(ctx, "conversations", workspaceID, []string{id}, conversation); err != nil {
		return fmt.Errorf("media: link %s: %w", id, err)
	}
	return nil
}

func (s sqliteStore) Use(ctx context.Context, workspaceID string, ids []string, user string) error {
	defer s.db.Observe("media.use")()
	if err := s.addTo(ctx, "used_by", workspaceID, ids, user); err != nil {
		return fmt.Errorf("media: use by %s: %w", user, err)
	}
	return nil
}

func (s sqliteStore) Release(ctx context.Context, workspaceID, user string, keep []string) error {
	defer s.db.Observe("media.release")()
	_, err := s.db.SQL.ExecContext(ctx, `UPDATE media SET used_by = (SELECT json_group_array(value) FROM json_each(media.used_by) WHERE value != ?)
		WHERE workspace_id = ? AND EXISTS (SELECT 1 FROM json_each(media.used_by) WHERE value = ?)
		AND id NOT IN (SELECT value FROM json_each(?))`, user, workspaceID, user, jsonList(keep))
	if err != nil {
		return fmt.Errorf("media: release from %s: %w", user, err)
	}
	return nil
}

func (s sqliteStore) Update(ctx context.Context, workspaceID, id, name, alt string) error {
	defer s.db.Observe("media.update")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE media SET name = ?, alt = ? WHERE workspace_id = ? AND id = ?`, name, alt, workspaceID, id)
	if err != nil {
		return fmt.Errorf("media: update %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func (s sqliteStore) List(ctx context.Context, workspaceID string, q Query) ([]Record, error) {
	defer s.db.Observe("media.list")()
	where, args := sqliteWhere(workspaceID, q)
	order := "created_at"
	if q.Conversation != "" {
		order = "shared_at"
	}
	if q.After.ID != "" {
		at := store.Millis(q.After.CreatedAt)
		where = append(where, "("+order+" < ? OR ("+order+" = ? AND id < ?))")
		args = append(args, at, at, q.After.ID)
	}
	return s.query(ctx, `SELECT `+columns+` FROM media WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+` DESC, id DESC LIMIT ?`, append(args, q.Limit)...)
}

// sqliteWhere is q's selection of workspaceID's records, without its page.
func sqliteWhere(workspaceID string, q Query) ([]string, []any) {
	where, args := []string{"workspace_id = ?"}, []any{workspaceID}
	if q.Conversation != "" {
		where = append(where, "EXISTS (SELECT 1 FROM json_each(media.conversations) WHERE value = ?)")
		args = append(args, q.Conversation)
	}
	if q.Unused {
		where = append(where, "used_by = '[]'")
	}
	if q.Kind != "" {
		where = append(where, "substr(content_type, 1, ?) = ?")
		args = append(args, len(q.Kind)+1, q.Kind+"/")
	}
	if !q.CreatedBefore.IsZero() {
		where = append(where, "created_at < ?")
		args = append(args, store.Millis(q.CreatedBefore))
	}
	return where, args
}

func (s sqliteStore) Count(ctx context.Context, workspaceID string, q Query) (int, error) {
	defer s.db.Observe("media.count")()
	where, args := sqliteWhere(workspaceID, q)
	var n int
	if err := s.db.SQLRead.QueryRowContext(ctx, `SELECT COUNT(*) FROM media WHERE `+strings.Join(where, " AND "), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("media: count: %w", err)
	}
	return n, nil
}

func (s sqliteStore) query(ctx context.Context, q string, args ...any) ([]Record, error) {
	rows, err := s.db.SQLRead.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("media: list: %w", err)
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("media: list: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s sqliteStore) Delete(ctx context.Context, workspaceID, id string) (bool, error) {
	defer s.db.Observe("media.delete")()
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM media WHERE workspace_id = ? AND id = ?`, workspaceID, id)
	if err != nil {
		return false, fmt.Errorf("media: delete %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s sqliteStore) UnusedWorkspaces(ctx context.Context, cutoff time.Time) ([]string, error) {
	defer s.db.Observe("media.unused_workspaces")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT DISTINCT workspace_id FROM media WHERE used_by = '[]' AND created_at < ? ORDER BY workspace_id`,
		store.Millis(cutoff))
	if err != nil {
		return nil, fmt.Errorf("media: unused workspaces: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var ws string
		if err := rows.Scan(&ws); err != nil {
			return nil, fmt.Errorf("media: unused workspaces: %w", err)
		}
		out = append(out, ws)
	}
	return out, rows.Err()
}
