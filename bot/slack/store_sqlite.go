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
	res, err := s.db.SQL.ExecContext(ctx, `INSERT INTO slack_seen (id, expires_at) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at WHERE slack_seen.expires_at <= ?`,
		key, store.Millis(expires), store.Millis(now))
	if err != nil {
		return false, fmt.Errorf("slack: remember %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("slack: remember %s: %w", key, err)
	}
	return n == 1, nil
}

func (s *sqliteStore) PurgeSeen(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("slack.purge_seen")()
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM slack_seen WHERE expires_at < ?`, store.Millis(before))
	if err != nil {
		return 0, fmt.Errorf("slack: purge seen: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("slack: purge seen: %w", err)
	}
	return n, nil
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
