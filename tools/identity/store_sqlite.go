package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct {
	db          *store.DB
	tokenByHash *store.Stmt // on every authenticated request
	touch       *store.Stmt
}

func newSQLiteStore(db *store.DB) *sqliteStore {
	return &sqliteStore{
		db:          db,
		tokenByHash: store.Prepared(db.SQLRead, `SELECT `+tokenColumns+` FROM api_tokens WHERE hash = ?`),
		touch:       store.Prepared(db.SQL, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`),
	}
}

func (s *sqliteStore) EnsureWorkspace(ctx context.Context, w Workspace) (Workspace, error) {
	defer s.db.Observe("identity.ensure_workspace")()
	err := s.db.SQL.QueryRowContext(ctx, `INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = CASE WHEN tenants.name = '' THEN excluded.name ELSE tenants.name END
		RETURNING id, name, created_at`, w.ID, w.Name, store.Millis(w.CreatedAt)).Scan(&w.ID, &w.Name, store.ScanTime(&w.CreatedAt))
	if err != nil {
		return Workspace{}, fmt.Errorf("identity: ensure workspace %s: %w", w.ID, err)
	}
	return w, nil
}

func (s *sqliteStore) EnsureUser(ctx context.Context, u User) (User, error) {
	defer s.db.Observe("identity.ensure_user")()
	err := s.db.SQL.QueryRowContext(ctx, `INSERT INTO users (workspace_id, id, display_name, time_zone, role, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, id) DO UPDATE SET
			display_name = CASE WHEN users.display_name = '' THEN excluded.display_name ELSE users.display_name END,
			time_zone = CASE WHEN users.time_zone = '' THEN excluded.time_zone ELSE users.time_zone END
		RETURNING workspace_id, id, display_name, time_zone, role, created_at`,
		u.WorkspaceID, u.ID, u.DisplayName, u.TimeZone, string(u.Role), store.Millis(u.CreatedAt)).
		Scan(&u.WorkspaceID, &u.ID, &u.DisplayName, &u.TimeZone, &u.Role, store.ScanTime(&u.CreatedAt))
	if err != nil {
		return User{}, fmt.Errorf("identity: ensure user %s/%s: %w", u.WorkspaceID, u.ID, err)
	}
	return u, nil
}

func (s *sqliteStore) GetWorkspace(ctx context.Context, id string) (Workspace, error) {
	defer s.db.Observe("identity.get_workspace")()
	w := Workspace{}
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT id, name, created_at FROM tenants WHERE id = ?`, id).
		Scan(&w.ID, &w.Name, store.ScanTime(&w.CreatedAt))
	if store.IsNoRows(err) {
		return Workspace{}, fmt.Errorf("identity: workspace %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Workspace{}, fmt.Errorf("identity: get workspace %s: %w", id, err)
	}
	return w, nil
}

func (s *sqliteStore) Users(ctx context.Context, workspaceID string, userIDs []string) ([]User, error) {
	defer s.db.Observe("identity.users")()
	if len(userIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(userIDs)+1)
	args = append(args, workspaceID)
	for _, id := range userIDs {
		args = append(args, id)
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT workspace_id, id, display_name, time_zone, role, created_at
		FROM users WHERE workspace_id = ? AND id IN (?`+strings.Repeat(", ?", len(userIDs)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("identity: users of %s: %w", workspaceID, err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.WorkspaceID, &u.ID, &u.DisplayName, &u.TimeZone, &u.Role, store.ScanTime(&u.CreatedAt)); err != nil {
			return nil, fmt.Errorf("identity: users of %s: %w", workspaceID, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("identity: users of %s: %w", workspaceID, err)
	}
	return out, nil
}

func (s *sqliteStore) GetUser(ctx context.Context, workspaceID, userID string) (User, error) {
	defer s.db.Observe("identity.get_user")()
	u := User{}
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT workspace_id, id, display_name, time_zone, role, created_at
		FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, userID).
		Scan(&u.WorkspaceID, &u.ID, &u.DisplayName, &u.TimeZone, &u.Role, store.ScanTime(&u.CreatedAt))
	if store.IsNoRows(err) {
		return User{}, fmt.Errorf("identity: user %s/%s: %w", workspaceID, userID, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("identity: get user %s/%s: %w", workspaceID, userID, err)
	}
	return u, nil
}

func (s *sqliteStore) CreateToken(ctx context.Context, t Token) error {
	defer s.db.Observe("identity.create_token")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO api_tokens (id, workspace_id, user_id, role, name, hash, prefix, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, t.WorkspaceID, t.UserID, string(t.Role), t.Name, t.Hash, t.Prefix, store.Millis(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("identity: create token: %w", err)
	}
	return nil
}

const tokenColumns = `id, workspace_id, user_id, role, name, hash, prefix, created_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	err := row.Scan(&t.ID, &t.WorkspaceID, &t.UserID, &t.Role, &t.Name, &t.Hash, &t.Prefix,
		store.ScanTime(&t.CreatedAt), store.ScanTime(&t.LastUsedAt), store.ScanTime(&t.RevokedAt))
	return t, err
}

func (s *sqliteStore) TokenByHash(ctx context.Context, hash string) (Token, error) {
	defer s.db.Observe("identity.token_by_hash")()
	t, err := scanToken(s.tokenByHash.QueryRow(ctx, hash))
	if store.IsNoRows(err) {
		return Token{}, fmt.Errorf("identity: token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("identity: token by hash: %w", err)
	}
	return t, nil
}

func (s *sqliteStore) ListTokens(ctx context.Context, workspaceID string) ([]Token, error) {
	defer s.db.Observe("identity.list_tokens")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE workspace_id = ? ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("identity: list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("identity: list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("identity: list tokens: %w", err)
	}
	return out, nil
}

func (s *sqliteStore) RevokeToken(ctx context.Context, id string, at time.Time) (Token, error) {
	defer s.db.Observe("identity.revoke_token")()
	t, err := scanToken(s.db.SQL.QueryRowContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0
		RETURNING `+tokenColumns, store.Millis(at), id))
	if store.IsNoRows(err) {
		return Token{}, fmt.Errorf("identity: revoke token %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("identity: revoke token %s: %w", id, err)
	}
	return t, nil
}

func (s *sqliteStore) TouchToken(ctx context.Context, id string, at time.Time) error {
	defer s.db.Observe("identity.touch_token")()
	if _, err := s.touch.Exec(ctx, store.Millis(at), id, store.Millis(at)); err != nil {
		return fmt.Errorf("identity: touch token %s: %w", id, err)
	}
	return nil
}
