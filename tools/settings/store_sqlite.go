package settings

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

const columns = `workspace_id, approval_policy, notification_channel, time_zone, default_role, digest_channel, weekly_digest, conversation_retention_days, updated_by, updated_at, default_accounts, inbox_channel`

func scan(sc interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var at int64
	var defaults string
	if err := sc.Scan(&r.WorkspaceID, &r.ApprovalPolicy, &r.NotificationChannel, &r.TimeZone, &r.DefaultRole, &r.DigestChannel, &r.WeeklyDigest,
		&r.ConversationRetentionDays, &r.UpdatedBy, &at, &defaults, &r.InboxChannel); err != nil {
		return Record{}, err
	}
	if err := json.Unmarshal([]byte(defaults), &r.DefaultAccounts); err != nil {
		return Record{}, fmt.Errorf("settings: default accounts of %s: %w", r.WorkspaceID, err)
	}
	if len(r.DefaultAccounts) == 0 {
		r.DefaultAccounts = nil
	}
	r.UpdatedAt = store.FromMillis(at)
	return r, nil
}

func (s sqliteStore) Get(ctx context.Context, workspaceID string) (Record, bool, error) {
	defer s.db.Observe("settings.get")()
	r, err := scan(s.db.SQLRead.QueryRowContext(ctx, `SELECT `+columns+` FROM settings WHERE workspace_id = ?`, workspaceID))
	if store.IsNoRows(err) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	return r, true, nil
}

// nullable is a patch field as a query argument: NULL when it is not set.
func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func (s sqliteStore) Apply(ctx context.Context, workspaceID string, p Patch, by string, at time.Time) (Record, error) {
	defer s.db.Observe("settings.apply")()
	return scan(s.db.SQL.QueryRowContext(ctx, `INSERT INTO settings (`+columns+`)
		VALUES (?1, coalesce(?2, ''), coalesce(?3, ''), coalesce(?4, ''), coalesce(?5, ''), coalesce(?8, ''), coalesce(?9, ''), coalesce(?10, 0), ?6, ?7, '{}', coalesce(?11, ''))
		ON CONFLICT (workspace_id) DO UPDATE SET
			approval_policy = coalesce(?2, approval_policy),
			notification_channel = coalesce(?3, notification_channel),
			time_zone = coalesce(?4, time_zone),
			default_role = coalesce(?5, default_role),
			digest_channel = coalesce(?8, digest_channel),
			weekly_digest = coalesce(?9, weekly_digest),
			conversation_retention_days = coalesce(?10, conversation_retention_days),
			inbox_channel = coalesce(?11, inbox_channel),
			updated_by = ?6, updated_at = ?7
		RETURNING `+columns,
		workspaceID, nullable(p.ApprovalPolicy), nullable(p.NotificationChannel), nullable(p.TimeZone), nullable(p.DefaultRole),
		by, store.Millis(at), nullable(p.DigestChannel), nullable(onOff(p.WeeklyDigest)), nullable(p.ConversationRetentionDays), nullable(p.InboxChannel)))
}

func (s sqliteStore) Digests(ctx context.Context) ([]Record, error) {
	defer s.db.Observe("settings.digests")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+columns+` FROM settings
		WHERE weekly_digest != 'off' AND (digest_channel != '' OR notification_channel != '') ORDER BY workspace_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s sqliteStore) SetDefaultAccount(ctx context.Context, workspaceID, platform, accountID, by string, at time.Time) (Record, error) {
	defer s.db.Observe("settings.set_default_account")()
	// ?2 is a JSON path member: the platform is one of a few fixed names,
	// quoted so any name is safe.
	path := fmt.Sprintf("$.%q", platform)
	return scan(s.db.SQL.QueryRowContext(ctx, `INSERT INTO settings (`+columns+`)
		VALUES (?1, '', '', '', '', '', '', 0, ?4, ?5, CASE WHEN ?3 = '' THEN '{}' ELSE json_set('{}', ?2, ?3) END, '')
		ON CONFLICT (workspace_id) DO UPDATE SET
			default_accounts = CASE WHEN ?3 = '' THEN json_remove(default_accounts, ?2) ELSE json_set(default_accounts, ?2, ?3) END,
			updated_by = ?4, updated_at = ?5
		RETURNING `+columns,
		workspaceID, path, accountID, by, store.Millis(at)))
}
