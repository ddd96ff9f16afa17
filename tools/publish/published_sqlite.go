package publish

import (
	"context"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

// PublishedSince reads on the partial index social_post_deliveries_published
// (migration 002): the status condition must stay in the query for SQLite to
// use it. The campaign id comes from each delivery's post.
func (s *sqliteStore) PublishedSince(ctx context.Context, workspaceID string, since time.Time) ([]PublishedDelivery, error) {
	defer s.db.Observe("publish.published_since")()
	rows, err := s.db.SQLRead.QueryContext(ctx, `SELECT d.id, d.post_id, COALESCE(p.campaign_id, ''), d.account_id, d.platform,
		d.platform_post_id, d.published_at
		FROM social_post_deliveries d LEFT JOIN social_posts p ON p.id = d.post_id
		WHERE d.workspace_id = ? AND d.status = 'published' AND d.published_at >= ? AND d.platform_post_id != ''
		ORDER BY d.published_at, d.id`, workspaceID, store.Millis(since))
	if err != nil {
		return nil, wrapf(err, "published since")
	}
	defer rows.Close()
	var out []PublishedDelivery
	for rows.Next() {
		d := PublishedDelivery{WorkspaceID: workspaceID}
		var p string
		if err := rows.Scan(&d.DeliveryID, &d.PostID, &d.CampaignID, &d.AccountID, &p, &d.PlatformPostID, store.ScanTime(&d.PublishedAt)); err != nil {
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
