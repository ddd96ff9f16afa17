package analytics

import (
	"context"
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// Store is what analytics needs of the database, scoped by workspace.
// Implemented on SQLite and MongoDB; one conformance suite (store_test.go)
// runs on both.
type Store interface {
	// Upsert writes each record over the one with the same (workspace,
	// kind, subject, day), or inserts it: descriptive fields and fetched_at
	// are replaced, a nil figure keeps the stored one.
	Upsert(ctx context.Context, rs []Record) error
	// PostHistory lists the workspace's post records of postID (one per
	// delivery and day), by day, platform, subject.
	PostHistory(ctx context.Context, workspaceID, postID string) ([]Record, error)
	// AccountHistory lists the workspace's records about accountID (the
	// account's own and its posts') with fromDay <= day <= toDay, by day,
	// kind, subject.
	AccountHistory(ctx context.Context, workspaceID, accountID, fromDay, toDay string) ([]Record, error)
	// Published lists the workspace's records whose PublishedDay is in
	// [fromDay, toDay] (every snapshot of the posts, e-mails and leads of
	// those days, and the accounts' records of those days), by published
	// day, kind, subject, day.
	Published(ctx context.Context, workspaceID, fromDay, toDay string) ([]Record, error)
	// ReplaceRollups makes rs the workspace's rollups of day: rows of that
	// day not in rs are removed.
	ReplaceRollups(ctx context.Context, workspaceID, day string, rs []Rollup) error
	// Rollups lists the workspace's rollups with fromDay <= day <= toDay,
	// of one marketing campaign when campaignID is not "", by day, kind,
	// subject, campaign.
	Rollups(ctx context.Context, workspaceID, campaignID, fromDay, toDay string) ([]Rollup, error)
}

// NewStore returns db's implementation of Store.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return &sqliteStore{db: db}
}

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("analytics: "+format+": %w", append(args, err)...)
}

// figureNames lists a record's figures in column order, for both backends.
var figureNames = []string{"impressions", "reach", "likes", "comments", "shares", "clicks", "saves", "video_views", "followers",
	"sent", "delivered", "opens", "bounces", "unsubscribes", "leads"}

func figures(r *Record) []**int64 {
	m, e := &r.Metrics, &r.Email
	return []**int64{&m.Impressions, &m.Reach, &m.Likes, &m.Comments, &m.Shares, &m.Clicks, &m.Saves, &m.VideoViews, &m.Followers,
		&e.Sent, &e.Delivered, &e.Opens, &e.Bounces, &e.Unsubscribes, &r.Leads}
}

// rollupFigureNames lists a rollup's figures in column order.
var rollupFigureNames = append(append([]string{}, figureNames...), "engagement", "rate_engagement", "rate_impressions")

func rollupFigures(r *Rollup) []**int64 {
	m, e := &r.Metrics, &r.Email
	return []**int64{&m.Impressions, &m.Reach, &m.Likes, &m.Comments, &m.Shares, &m.Clicks, &m.Saves, &m.VideoViews, &m.Followers,
		&e.Sent, &e.Delivered, &e.Opens, &e.Bounces, &e.Unsubscribes, &r.Leads, &r.Engagement, &r.RateEngagement, &r.RateImpressions}
}
