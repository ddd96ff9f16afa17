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

// figures lists a record's metric fields in column order, for both backends.
var figureNames = []string{"impressions", "reach", "likes", "comments", "shares", "clicks", "saves", "video_views", "followers"}

func figures(r *Record) []**int64 {
	m := &r.Metrics
	return []**int64{&m.Impressions, &m.Reach, &m.Likes, &m.Comments, &m.Shares, &m.Clicks, &m.Saves, &m.VideoViews, &m.Followers}
}
