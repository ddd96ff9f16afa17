package slack

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

func (s *sqliteStore) Remember(ctx context.Context, key string, now, expires time.Time) (bool, error) {
	defer s.db.Observe("slack.remember")()
	res, err := s.db.SQL.ExecContext(ctx, rememberSQL, key, store.Millis(expires), store.Millis(now))
	if err != nil {
		return false, fmt.Errorf("slack: remember %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("slack: remember %s: %w", key, err)
	}
	return n == 1, nil
}

const rememberSQL = `INSERT INTO slack_seen (id, expires_at) VALUES (?, ?)
	ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at WHERE slack_seen.expires_at <= ?`

func (s *sqliteStore) RememberAll(ctx context.Context, keys []string, now, expires time.Time) ([]bool, error) {
	defer s.db.Observe("slack.remember_all")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("slack: remember %d keys: %w", len(keys), err)
	}
	defer func() { _ = tx.Rollback() }()
	stmt, err := tx.PrepareContext(ctx, rememberSQL)
	if err != nil {
		return nil, fmt.Errorf("slack: remember %d keys: %w", len(keys), err)
	}
	defer stmt.Close()
	first := make([]bool, len(keys))
	for i, key := range keys {
		res, err := stmt.ExecContext(ctx, key, store.Millis(expires), store.Millis(now))
		if err != nil {
			return nil, fmt.Errorf("slack: remember %s: %w", key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("slack: remember %s: %w", key, err)
		}
		first[i] = n == 1
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("slack: remember %d keys: %w", len(keys), err)
	}
	return first, nil
}

func (s *sqliteStore) PurgeSeen(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("slack.purge_seen")()
	var total int64
	for table, told := range map[string]string{"slack_seen": "", "slack_threads": "", "slack_outbox": " AND pending = 0"} {
		res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM `+table+` WHERE expires_at < ?`+told, store.Millis(before))
		if err != nil {
			return total, fmt.Errorf("slack: purge %s: %w", table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("slack: purge %s: %w", table, err)
		}
		total += n
	}
	return total, nil
}

func (s *sqliteStore) SaveThread(ctx context.Context, t Thread) error {
	defer s.db.Observe("slack.save_thread")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO slack_threads (workspace_id, post_id, channel, thread_ts, expires_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, post_id) DO UPDATE SET channel = excluded.channel, thread_ts = excluded.thread_ts, expires_at = excluded.expires_at`,
		t.WorkspaceID, t.PostID, t.Channel, t.ThreadTS, store.Millis(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("slack: save thread of post %s: %w", t.PostID, err)
	}
	return nil
}

func (s *sqliteStore) Thread(ctx context.Context, workspaceID, postID string, now time.Time) (Thread, error) {
	defer s.db.Observe("slack.thread")()
	t := Thread{WorkspaceID: workspaceID, PostID: postID}
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT channel, thread_ts, expires_at FROM slack_threads
		WHERE workspace_id = ? AND post_id = ? AND expires_at > ?`, workspaceID, postID, store.Millis(now)).
		Scan(&t.Channel, &t.ThreadTS, store.ScanTime(&t.ExpiresAt))
	if store.IsNoRows(err) {
		return Thread{}, fmt.Errorf("slack: thread of post %s: %w", postID, ErrNotFound)
	}
	if err != nil {
		return Thread{}, fmt.Errorf("slack: thread of post %s: %w", postID, err)
	}
	return t, nil
}

func (s *sqliteStore) SaveInstall(ctx context.Context, in Install) error {
	defer s.db.Observe("slack.save_install")()
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO slack_installs
		(team_id, team_name, app_id, bot_user_id, bot_token, scope, installed_by, installed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (team_id) DO UPDATE SET team_name = excluded.team_name, app_id = excluded.app_id,
		bot_user_id = excluded.bot_user_id, bot_token = excluded.bot_token, scope = excluded.scope,
		installed_by = excluded.installed_by, installed_at = excluded.installed_at`,
		in.TeamID, in.TeamName, in.AppID, in.BotUserID, in.BotToken, in.Scope, in.InstalledBy, store.Millis(in.InstalledAt))
	if err != nil {
		return fmt.Errorf("slack: save install %s: %w", in.TeamID, err)
	}
	return nil
}

func (s *sqliteStore) Install(ctx context.Context, teamID string) (Install, error) {
	defer s.db.Observe("slack.install")()
	var in Install
	err := s.db.SQLRead.QueryRowContext(ctx, `SELECT team_id, team_name, app_id, bot_user_id, bot_token, scope, installed_by, installed_at
		FROM slack_installs WHERE team_id = ?`, teamID).
		Scan(&in.TeamID, &in.TeamName, &in.AppID, &in.BotUserID, &in.BotToken, &in.Scope, &in.InstalledBy, store.ScanTime(&in.InstalledAt))
	if store.IsNoRows(err) {
		return Install{}, fmt.Errorf("slack: install of team %s: %w", teamID, ErrNotFound)
	}
	if err != nil {
		return Install{}, fmt.Errorf("slack: install of team %s: %w", teamID, err)
	}
	return in, nil
}
