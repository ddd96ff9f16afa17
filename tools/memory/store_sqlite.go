package memory

import (
	"context"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

func (s sqliteStore) Put(ctx context.Context, it Item) error {
	defer s.db.Observe("memory.put")()
	var err error
	if it.UserID == "" {
		_, err = s.db.SQL.ExecContext(ctx, `INSERT INTO global_memory (workspace_id, key, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			it.WorkspaceID, it.Key, it.Value, it.UpdatedBy, store.Millis(it.UpdatedAt))
	} else {
		_, err = s.db.SQL.ExecContext(ctx, `INSERT INTO user_memory (workspace_id, user_id, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id, user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			it.WorkspaceID, it.UserID, it.Key, it.Value, store.Millis(it.UpdatedAt))
	}
	if err != nil {
		return fmt.Errorf("memory: put %s: %w", it.Key, err)
	}
	return nil
}

func (s sqliteStore) List(ctx context.Context, workspaceID, userID string) ([]Item, error) {
	defer s.db.Observe("memory.list")()
	q, args := `SELECT key, value, updated_by, updated_at, '' FROM global_memory WHERE workspace_id = ?`, []any{workspaceID}
	scope := Workspace
	if userID != "" {
		q, args = `SELECT key, value, user_id, updated_at, user_id FROM user_memory WHERE workspace_id = ? AND user_id = ?`, []any{workspaceID, userID}
		scope = User
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("memory: list: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it := Item{Scope: scope, WorkspaceID: workspaceID}
		if err := rows.Scan(&it.Key, &it.Value, &it.UpdatedBy, store.ScanTime(&it.UpdatedAt), &it.UserID); err != nil {
			return nil, fmt.Errorf("memory: list: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("memory: list: %w", err)
	}
	return out, nil
}
