package analytics

import (
	"context"
	"database/sql"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

type sqliteStore struct{ db *store.DB }

var (
	columns = `workspace_id, kind, subject_id, day, account_id, platform, post_id, platform_post_id, ` +
		strings.Join(figureNames, ", ") + `, fetched_at`
	upsertSQL = func() string {
		set := []string{"account_id = excluded.account_id", "platform = excluded.platform", "post_id = excluded.post_id",
			"platform_post_id = excluded.platform_post_id", "fetched_at = excluded.fetched_at"}
		for _, f := range figureNames {
			set = append(set, f+" = COALESCE(excluded."+f+", analytics_data."+f+")")
		}
		return `INSERT INTO analytics_data (` + columns + `) VALUES (?` + strings.Repeat(", ?", 8+len(figureNames)) + `)
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
		args := []any{r.WorkspaceID, string(r.Kind), r.SubjectID, r.Day, r.AccountID, string(r.Platform), r.PostID, r.PlatformPostID}
		for _, f := range figures(r) {
			if *f == nil {
				args = append(args, nil) // unknown: NULL, never 0
			} else {
				args = append(args, **f)
			}
		}
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
		vals := make([]sql.NullInt64, len(figureNames))
		dest := []any{&r.WorkspaceID, &kind, &r.SubjectID, &r.Day, &r.AccountID, &p, &r.PostID, &r.PlatformPostID}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		dest = append(dest, store.ScanTime(&r.FetchedAt))
		if err := rows.Scan(dest...); err != nil {
			return nil, wrapf(err, "%s", op)
		}
		r.Kind, r.Platform = Kind(kind), platform.Name(p)
		for i, f := range figures(&r) {
			if vals[i].Valid {
				*f = platform.Count(vals[i].Int64)
			}
		}
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
