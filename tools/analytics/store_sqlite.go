package analytics

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

var (
	// descriptive are the columns an upsert replaces, after the key.
	descriptive = []string{"account_id", "platform", "post_id", "platform_post_id", "hour", "published_day", "published_at", "campaign_id", "source"}
	columns     = `workspace_id, kind, subject_id, day, ` + strings.Join(descriptive, ", ") + `, ` +
		strings.Join(figureNames, ", ") + `, fetched_at`
	upsertSQL = func() string {
		set := []string{"fetched_at = excluded.fetched_at"}
		for _, c := range descriptive {
			set = append(set, c+" = excluded."+c)
		}
		for _, f := range figureNames {
			set = append(set, f+" = COALESCE(excluded."+f+", analytics_data."+f+")")
		}
		return `INSERT INTO analytics_data (` + columns + `) VALUES (?` + strings.Repeat(", ?", 4+len(descriptive)+len(figureNames)) + `)
			ON CONFLICT (workspace_id, kind, subject_id, day) DO UPDATE SET ` + strings.Join(set, ", ")
	}()
)

func (s *sqliteStore) Upsert(ctx context.Context, rs []Record) error {
	defer s.db.Observe("analytics.upsert")()
	if len(rs) == 0 {
		return nil
	}
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "upsert")
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, upsertSQL)
	if err != nil {
		return wrapf(err, "upsert")
	}
	defer stmt.Close()
	for i := range rs {
		r := &rs[i]
		args := []any{r.WorkspaceID, string(r.Kind), r.SubjectID, r.Day, r.AccountID, string(r.Platform), r.PostID, r.PlatformPostID,
			r.Hour, r.PublishedDay, publishedMillis(r.PublishedAt), r.CampaignID, r.Source}
		args = appendFigures(args, figures(r))
		args = append(args, store.Millis(r.FetchedAt))
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return wrapf(err, "upsert %s %s %s", r.Kind, r.SubjectID, r.Day)
		}
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "upsert")
	}
	return nil
}

func (s *sqliteStore) query(ctx context.Context, op, q string, args ...any) ([]Record, error) {
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT `+columns+` FROM analytics_data WHERE `+q, args...)
	if err != nil {
		return nil, wrapf(err, "%s", op)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		var kind, p string
		var published int64
		vals := make([]sql.NullInt64, len(figureNames))
		dest := []any{&r.WorkspaceID, &kind, &r.SubjectID, &r.Day, &r.AccountID, &p, &r.PostID, &r.PlatformPostID,
			&r.Hour, &r.PublishedDay, &published, &r.CampaignID, &r.Source}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		dest = append(dest, store.ScanTime(&r.FetchedAt))
		if err := rows.Scan(dest...); err != nil {
			return nil, wrapf(err, "%s", op)
		}
		r.Kind, r.Platform = Kind(kind), platform.Name(p)
		if published != 0 {
			r.PublishedAt = store.FromMillis(published)
		}
		scanFigures(vals, figures(&r))
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "%s", op)
	}
	return out, nil
}

func (s *sqliteStore) PostHistory(ctx context.Context, workspaceID, postID string) ([]Record, error) {
	defer s.db.Observe("analytics.post_history")()
	return s.query(ctx, "post history", `workspace_id = ? AND post_id = ? AND kind = ?
		ORDER BY day, platform, subject_id`, workspaceID, postID, string(KindPost))
}

func (s *sqliteStore) AccountHistory(ctx context.Context, workspaceID, accountID, fromDay, toDay string) ([]Record, error) {
	defer s.db.Observe("analytics.account_history")()
	return s.query(ctx, "account history", `workspace_id = ? AND account_id = ? AND day >= ? AND day <= ?
		ORDER BY day, kind, subject_id`, workspaceID, accountID, fromDay, toDay)
}

// publishedMillis is t in unix ms, 0 for the zero time.
func publishedMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return store.Millis(t)
}

// appendFigures appends each figure, NULL for an unknown one (never 0).
func appendFigures(args []any, fs []**int64) []any {
	for _, f := range fs {
		if *f == nil {
			args = append(args, nil)
		} else {
			args = append(args, **f)
		}
	}
	return args
}

// scanFigures sets each known figure from vals.
func scanFigures(vals []sql.NullInt64, fs []**int64) {
	for i, f := range fs {
		if vals[i].Valid {
			*f = platform.Count(vals[i].Int64)
		}
	}
}

func (s *sqliteStore) Published(ctx context.Context, workspaceID, fromDay, toDay string) ([]Record, error) {
	defer s.db.Observe("analytics.published")()
	return s.query(ctx, "published", `workspace_id = ? AND published_day >= ? AND published_day <= ?
		ORDER BY published_day, kind, subject_id, day`, workspaceID, fromDay, toDay)
}

var (
	rollupColumns = `workspace_id, day, kind, subject, campaign_id, platform, posts, ` + strings.Join(rollupFigureNames, ", ")
	insertRollup  = `INSERT INTO analytics_rollups (` + rollupColumns + `) VALUES (?` + strings.Repeat(", ?", 6+len(rollupFigureNames)) + `)`
)

func (s *sqliteStore) ReplaceRollups(ctx context.Context, workspaceID, day string, rs []Rollup) error {
	defer s.db.Observe("analytics.replace_rollups")()
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return wrapf(err, "replace rollups")
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM analytics_rollups WHERE workspace_id = ? AND day = ?`, workspaceID, day); err != nil {
		return wrapf(err, "replace rollups")
	}
	if len(rs) > 0 {
		stmt, err := tx.PrepareContext(ctx, insertRollup)
		if err != nil {
			return wrapf(err, "replace rollups")
		}
		defer stmt.Close()
		for i := range rs {
			r := &rs[i]
			args := appendFigures([]any{workspaceID, day, string(r.Kind), r.Subject, r.CampaignID, string(r.Platform), r.Posts}, rollupFigures(r))
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return wrapf(err, "replace rollups")
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return wrapf(err, "replace rollups")
	}
	return nil
}

func (s *sqliteStore) Rollups(ctx context.Context, workspaceID, campaignID, fromDay, toDay string) ([]Rollup, error) {
	defer s.db.Observe("analytics.rollups")()
	q := `SELECT ` + rollupColumns + ` FROM analytics_rollups WHERE workspace_id = ? AND day >= ? AND day <= ?`
	args := []any{workspaceID, fromDay, toDay}
	if campaignID != "" {
		q = `SELECT ` + rollupColumns + ` FROM analytics_rollups INDEXED BY analytics_rollups_campaign
			WHERE workspace_id = ? AND campaign_id = ? AND day >= ? AND day <= ?`
		args = []any{workspaceID, campaignID, fromDay, toDay}
	}
	rows, err := s.db.SQLRead.QueryContext(ctx, q+` ORDER BY day, kind, subject, campaign_id`, args...)
	if err != nil {
		return nil, wrapf(err, "rollups")
	}
	defer rows.Close()
	var out []Rollup
	vals := make([]sql.NullInt64, len(rollupFigureNames))
	for rows.Next() {
		var r Rollup
		var kind, p string
		dest := []any{&r.WorkspaceID, &r.Day, &kind, &r.Subject, &r.CampaignID, &p, &r.Posts}
		for i := range vals {
			vals[i] = sql.NullInt64{}
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, wrapf(err, "rollups")
		}
		r.Kind, r.Platform = RollupKind(kind), platform.Name(p)
		scanFigures(vals, rollupFigures(&r))
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "rollups")
	}
	return out, nil
}
