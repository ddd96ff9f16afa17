package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteSessions struct{ db *store.DB }

func (s *sqliteSessions) CreateLoginLink(ctx context.Context, l LoginLink) error {
	defer s.db.Observe("identity.create_login_link")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO login_links (hash, workspace_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		l.Hash, l.WorkspaceID, l.UserID, store.Millis(l.CreatedAt), store.Millis(l.ExpiresAt))
	if err != nil {
		return fmt.Errorf("identity: create login link: %w", err)
	}
	return nil
}

const linkColumns = `hash, workspace_id, user_id, created_at, expires_at, used_at`

func scanLink(row interface{ Scan(...any) error }) (LoginLink, error) {
	var l LoginLink
	err := row.Scan(&l.Hash, &l.WorkspaceID, &l.UserID, store.ScanTime(&l.CreatedAt), store.ScanTime(&l.ExpiresAt), store.ScanTime(&l.UsedAt))
	return l, err
}

func (s *sqliteSessions) ConsumeLoginLink(ctx context.Context, hash string, at time.Time) (LoginLink, error) {
	defer s.db.Observe("identity.consume_login_link")()
	l, err := scanLink(s.db.SQL.QueryRowContext(ctx, `UPDATE login_links SET used_at = ? WHERE hash = ? AND used_at = 0 AND expires_at > ?
		RETURNING `+linkColumns, store.Millis(at), hash, store.Millis(at)))
	if err == nil {
		return l, nil
	}
	if !store.IsNoRows(err) {
		return LoginLink{}, fmt.Errorf("identity: consume login link: %w", err)
	}
	l, err = scanLink(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM login_links WHERE hash = ?`, hash))
	switch {
	case store.IsNoRows(err):
		return LoginLink{}, fmt.Errorf("identity: login link: %w", ErrNotFound)
	case err != nil:
		return LoginLink{}, fmt.Errorf("identity: consume login link: %w", err)
	case !l.UsedAt.IsZero():
		return l, ErrLinkUsed
	}
	return l, ErrLinkExpired
}

const sessionColumns = `id, hash, workspace_id, user_id, role, via, token_id, created_at, expires_at, ended_at`

func (s *sqliteSessions) CreateSession(ctx context.Context, x Session) error {
	defer s.db.Observe("identity.create_session")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
		x.ID, x.Hash, x.WorkspaceID, x.UserID, string(x.Role), x.Via, x.TokenID, store.Millis(x.CreatedAt), store.Millis(x.ExpiresAt))
	if err != nil {
		return fmt.Errorf("identity: create session: %w", err)
	}
	return nil
}

func (s *sqliteSessions) SessionByHash(ctx context.Context, hash string) (Session, error) {
	defer s.db.Observe("identity.session_by_hash")()
	var x Session
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = ?`, hash).Scan(
		&x.ID, &x.Hash, &x.WorkspaceID, &x.UserID, &x.Role, &x.Via, &x.TokenID,
		store.ScanTime(&x.CreatedAt), store.ScanTime(&x.ExpiresAt), store.ScanTime(&x.EndedAt))
	if store.IsNoRows(err) {
		return Session{}, fmt.Errorf("identity: session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("identity: session by hash: %w", err)
	}
	return x, nil
}

func (s *sqliteSessions) EndSession(ctx context.Context, hash string, at time.Time) error {
	defer s.db.Observe("identity.end_session")()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE hash = ? AND ended_at = 0`, store.Millis(at), hash)
	if err != nil {
		return fmt.Errorf("identity: end session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("identity: end session: %w", ErrNotFound)
	}
	return nil
}

func (s *sqliteSessions) PurgeExpired(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("identity.purge_sessions")()
	var total int64
	for _, table := range []string{"login_links", "sessions"} {
		res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM `+table+` WHERE expires_at < ?`, store.Millis(before))
		if err != nil {
			return total, fmt.Errorf("identity: purge %s: %w", table, err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
