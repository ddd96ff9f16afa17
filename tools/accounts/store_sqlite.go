package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

const columns = `id, workspace_id, platform, external_id, kind, name, handle, avatar_url, status, status_reason,
	connected_by, connected_at, grant_id, derived, access_token, refresh_token, token_expires_at, token_obtained_at,
	refresh_failed_at, refresh_error, api_domain, accounts_server, version, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanRecord(sc scanner) (Record, error) {
	var r Record
	var plat, status string
	var derived int
	var connected, expires, obtained, failed, updated int64
	err := sc.Scan(&r.ID, &r.WorkspaceID, &plat, &r.ExternalID, &r.Kind, &r.Name, &r.Handle, &r.AvatarURL, &status, &r.StatusReason,
		&r.ConnectedBy, &connected, &r.Grant, &derived, &r.Tokens.Access, &r.Tokens.Refresh, &expires, &obtained,
		&failed, &r.RefreshError, &r.APIDomain, &r.AccountsServer, &r.Version, &updated)
	if err != nil {
		return Record{}, err
	}
	r.Platform, r.Status, r.Derived = platform.Name(plat), Status(status), derived == 1
	r.ConnectedAt, r.Tokens.Expiry, r.Tokens.ObtainedAt = store.FromMillis(connected), store.FromMillis(expires), store.FromMillis(obtained)
	r.RefreshFailedAt, r.UpdatedAt = store.FromMillis(failed), store.FromMillis(updated)
	return r, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *sqliteStore) Upsert(ctx context.Context, coll Collection, r Record) (Record, Status, error) {
	defer s.db.Observe("accounts.upsert")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return Record{}, "", err
	}
	defer func() { _ = tx.Rollback() }()
	var prev string
	err = tx.QueryRowContext(ctx, `SELECT status FROM `+string(coll)+` WHERE workspace_id = ? AND platform = ? AND external_id = ?`,
		r.WorkspaceID, string(r.Platform), r.ExternalID).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Record{}, "", err
	}
	row := tx.QueryRowContext(ctx, `INSERT INTO `+string(coll)+` (`+columns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, 1, ?)
		ON CONFLICT (workspace_id, platform, external_id) DO UPDATE SET
			kind = excluded.kind, name = excluded.name, handle = excluded.handle, avatar_url = excluded.avatar_url,
			status = excluded.status, status_reason = '', connected_by = excluded.connected_by,
			connected_at = excluded.connected_at, grant_id = excluded.grant_id, derived = excluded.derived,
			access_token = excluded.access_token,
			refresh_token = CASE WHEN excluded.refresh_token = '' THEN refresh_token ELSE excluded.refresh_token END,
			token_expires_at = excluded.token_expires_at, token_obtained_at = excluded.token_obtained_at,
			refresh_failed_at = 0, refresh_error = '', api_domain = excluded.api_domain,
			accounts_server = excluded.accounts_server, version = version + 1, updated_at = excluded.updated_at
		RETURNING `+columns,
		r.ID, r.WorkspaceID, string(r.Platform), r.ExternalID, r.Kind, r.Name, r.Handle, r.AvatarURL, string(r.Status),
		r.ConnectedBy, store.Millis(r.ConnectedAt), r.Grant, boolInt(r.Derived), r.Tokens.Access, r.Tokens.Refresh,
		store.Millis(r.Tokens.Expiry), store.Millis(r.Tokens.ObtainedAt), r.APIDomain, r.AccountsServer, store.Millis(r.UpdatedAt))
	out, err := scanRecord(row)
	if err != nil {
		return Record{}, "", err
	}
	if err := tx.Commit(); err != nil {
		return Record{}, "", err
	}
	return out, Status(prev), nil
}

func (s *sqliteStore) Get(ctx context.Context, coll Collection, workspaceID, id string) (Record, error) {
	defer s.db.Observe("accounts.get")()
	r, err := scanRecord(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+columns+` FROM `+string(coll)+` WHERE id = ? AND workspace_id = ?`, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, ErrNotFound
	}
	return r, err
}

func (s *sqliteStore) query(ctx context.Context, q string, args ...any) ([]Record, error) {
	rows, err := s.db.SQLRead.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *sqliteStore) List(ctx context.Context, coll Collection, workspaceID string, p platform.Name) ([]Record, error) {
	defer s.db.Observe("accounts.list")()
	return s.query(ctx, `SELECT `+columns+` FROM `+string(coll)+` WHERE workspace_id = ? AND (? = '' OR platform = ?)
		ORDER BY platform, name, id`, workspaceID, string(p), string(p))
}

func (s *sqliteStore) Expiring(ctx context.Context, coll Collection, workspaceID string, before time.Time) ([]Record, error) {
	defer s.db.Observe("accounts.expiring")()
	return s.query(ctx, `SELECT `+columns+` FROM `+string(coll)+` WHERE status = 'connected' AND token_expires_at > 0
		AND token_expires_at < ? AND (? = '' OR workspace_id = ?) ORDER BY token_expires_at`,
		store.Millis(before), workspaceID, workspaceID)
}

func (s *sqliteStore) exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := s.db.SQL.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *sqliteStore) SaveTokens(ctx context.Context, coll Collection, id string, version int64, t Sealed, at time.Time) (bool, error) {
	defer s.db.Observe("accounts.save_tokens")()
	n, err := s.exec(ctx, `UPDATE `+string(coll)+` SET access_token = ?, refresh_token = ?, token_expires_at = ?,
		token_obtained_at = ?, refresh_failed_at = 0, refresh_error = '', version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? AND status = 'connected'`,
		t.Access, t.Refresh, store.Millis(t.Expiry), store.Millis(t.ObtainedAt), store.Millis(at), id, version)
	return n == 1, err
}

func (s *sqliteStore) MarkNeedsReauth(ctx context.Context, coll Collection, id, reason string, at time.Time) error {
	defer s.db.Observe("accounts.mark_needs_reauth")()
	_, err := s.exec(ctx, `UPDATE `+string(coll)+` SET status = 'needs_reauth', status_reason = ?, refresh_failed_at = ?,
		refresh_error = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = 'connected'`,
		reason, store.Millis(at), reason, store.Millis(at), id)
	return err
}

func (s *sqliteStore) NoteRefreshFailure(ctx context.Context, coll Collection, id, msg string, at time.Time) error {
	defer s.db.Observe("accounts.note_refresh_failure")()
	_, err := s.exec(ctx, `UPDATE `+string(coll)+` SET refresh_failed_at = ?, refresh_error = ?, updated_at = ? WHERE id = ?`,
		store.Millis(at), msg, store.Millis(at), id)
	return err
}

func (s *sqliteStore) Disconnect(ctx context.Context, coll Collection, id string, at time.Time) error {
	defer s.db.Observe("accounts.disconnect")()
	_, err := s.exec(ctx, `UPDATE `+string(coll)+` SET status = 'disconnected', status_reason = '', access_token = '',
		refresh_token = '', token_expires_at = 0, version = version + 1, updated_at = ? WHERE id = ?`, store.Millis(at), id)
	return err
}

func (s *sqliteStore) CountGrant(ctx context.Context, coll Collection, workspaceID, grant, id string) (int, error) {
	defer s.db.Observe("accounts.count_grant")()
	var n int
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+string(coll)+` WHERE workspace_id = ? AND grant_id = ?
		AND id <> ? AND status <> 'disconnected'`, workspaceID, grant, id).Scan(&n)
	return n, err
}

func (s *sqliteStore) Page(ctx context.Context, coll Collection, after string, limit int) ([]Record, error) {
	defer s.db.Observe("accounts.page")()
	return s.query(ctx, `SELECT `+columns+` FROM `+string(coll)+` WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
}

func (s *sqliteStore) ReplaceCiphers(ctx context.Context, coll Collection, id string, old, new Sealed) (bool, error) {
	defer s.db.Observe("accounts.replace_ciphers")()
	n, err := s.exec(ctx, `UPDATE `+string(coll)+` SET access_token = ?, refresh_token = ?
		WHERE id = ? AND access_token = ? AND refresh_token = ?`, new.Access, new.Refresh, id, old.Access, old.Refresh)
	if err != nil {
		return false, fmt.Errorf("replace ciphers: %w", err)
	}
	return n == 1, nil
}
