package groups

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

const columns = `workspace_id, name, account_ids, updated_by, updated_at`

func scan(sc interface{ Scan(...any) error }) (Group, error) {
	var g Group
	var ids string
	var at int64
	if err := sc.Scan(&g.WorkspaceID, &g.Name, &ids, &g.UpdatedBy, &at); err != nil {
		return Group{}, err
	}
	if err := json.Unmarshal([]byte(ids), &g.AccountIDs); err != nil {
		return Group{}, fmt.Errorf("groups: accounts of %q: %w", g.Name, err)
	}
	g.UpdatedAt = store.FromMillis(at)
	return g, nil
}

func (s sqliteStore) Save(ctx context.Context, key string, g Group) error {
	defer s.db.Observe("groups.save")()
	ids, err := json.Marshal(g.AccountIDs)
	if err != nil {
		return fmt.Errorf("groups: save %q: %w", g.Name, err)
	}
	_, err = s.db.SQL.ExecContext(ctx, `INSERT INTO account_groups (workspace_id, key, name, account_ids, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, key) DO UPDATE SET name = excluded.name, account_ids = excluded.account_ids,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		g.WorkspaceID, key, g.Name, string(ids), g.UpdatedBy, store.Millis(g.UpdatedAt))
	if err != nil {
		return fmt.Errorf("groups: save %q: %w", g.Name, err)
	}
	return nil
}

func (s sqliteStore) Insert(ctx context.Context, key string, g Group) error {
	defer s.db.Observe("groups.insert")()
	ids, err := json.Marshal(g.AccountIDs)
	if err != nil {
		return fmt.Errorf("groups: insert %q: %w", g.Name, err)
	}
	res, err := s.db.SQL.ExecContext(ctx, `INSERT INTO account_groups (workspace_id, key, name, account_ids, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, key) DO NOTHING`,
		g.WorkspaceID, key, g.Name, string(ids), g.UpdatedBy, store.Millis(g.UpdatedAt))
	if err != nil {
		return fmt.Errorf("groups: insert %q: %w", g.Name, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("groups: insert %q: %w", g.Name, ErrNameInUse)
	}
	return nil
}

func (s sqliteStore) Get(ctx context.Context, workspaceID, key string) (Group, error) {
	defer s.db.Observe("groups.get")()
	g, err := scan(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+columns+` FROM account_groups WHERE workspace_id = ? AND key = ?`, workspaceID, key))
	if store.IsNoRows(err) {
		return Group{}, ErrNotFound
	}
	if err != nil {
		return Group{}, fmt.Errorf("groups: get %q: %w", key, err)
	}
	return g, nil
}

func (s sqliteStore) List(ctx context.Context, workspaceID string) ([]Group, error) {
	defer s.db.Observe("groups.list")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+columns+` FROM account_groups WHERE workspace_id = ? ORDER BY key`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("groups: list: %w", err)
	}
	defer rows.Close()
	out := []Group{}
	for rows.Next() {
		g, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("groups: list: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s sqliteStore) Delete(ctx context.Context, workspaceID, key string) (bool, error) {
	defer s.db.Observe("groups.delete")()
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM account_groups WHERE workspace_id = ? AND key = ?`, workspaceID, key)
	if err != nil {
		return false, fmt.Errorf("groups: delete %q: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
