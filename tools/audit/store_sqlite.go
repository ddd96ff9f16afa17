package audit

import (
	"context"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

type sqliteStore struct{ db *store.DB }

func (s sqliteStore) Insert(ctx context.Context, e Entry) error {
	defer s.db.Observe("audit.insert")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO audit_log (id, workspace_id, user_id, door, action, target, detail, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.WorkspaceID, e.UserID, string(e.Door), e.Action, e.Target, e.Detail, store.Millis(e.At))
	return err
}

func (s sqliteStore) List(ctx context.Context, workspaceID string, f Filter) ([]Entry, error) {
	defer s.db.Observe("audit.list")()
	where := []string{"workspace_id = ?"}
	args := []any{workspaceID}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if !f.Before.IsZero() {
		where, args = append(where, "at < ?"), append(args, store.Millis(f.Before))
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT id, workspace_id, user_id, door, action, target, detail, at
		FROM audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var door string
		var at int64
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.UserID, &door, &e.Action, &e.Target, &e.Detail, &at); err != nil {
			return nil, err
		}
		e.Door, e.At = identity.Door(door), store.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
