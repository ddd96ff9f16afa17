package publish

import (
	"context"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

// PublishedSince reads on the partial index social_post_deliveries_published
// (migration 002): the status condition must stay in the query for SQLite to
// use it.
func (s *sqliteStore) PublishedSince(ctx context.Context, workspaceID string, since time.Time) ([]PublishedDelivery, error) {
	defer s.db.Observe("publish.published_since")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT id, post_id, account_id, platform, platform_post_id, published_at
		FROM social_post_deliveries
		WHERE workspace_id = ? AND status = 'published' AND published_at >= ? AND platform_post_id != ''
		ORDER BY published_at, id`, workspaceID, store.Millis(since))
	if err != nil {
		return nil, wrapf(err, "published since")
	}
	defer rows.Close()
	var out []PublishedDelivery
	for rows.Next() {
		d := PublishedDelivery{WorkspaceID: workspaceID}
		var p string
		if err := rows.Scan(&d.DeliveryID, &d.PostID, &d.AccountID, &p, &d.PlatformPostID, store.ScanTime(&d.PublishedAt)); err != nil {
			return nil, wrapf(err, "published since")
		}
		d.Platform = platform.Name(p)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapf(err, "published since")
	}
	return out, nil
}
