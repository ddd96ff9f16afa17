package library

import (
	"context"
	"embed"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

const collection = "content_library"

// Schema is the library's data: content_library.
var Schema = store.Schema{
	Name:       "library",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: collection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "kind", Value: 1}, {Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}},
		{Collection: collection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "tag_keys", Value: 1}}},
		{Collection: collection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "search_keys", Value: 1}}},
		{Collection: collection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "campaign_id", Value: 1}}},
	},
}

// Cursor is a position in a list, newest first.
type Cursor = store.Cursor

// Query is what List selects; empty fields select everything.
type Query struct {
	Kind Kind // "": every kind
	// Keys must all be among an item's search keys (see searchKeys).
	Keys       []string
	TagKey     string
	CampaignID string
	After      Cursor
	Limit      int
}

// Store is the library's persistence, on SQLite and MongoDB. Items are
// always read within one workspace and of one kind; another workspace's id
// is ErrNotFound.
type Store interface {
	// Insert stores a new item, with its tag and search keys.
	Insert(ctx context.Context, it Item) error
	Get(ctx context.Context, workspaceID string, kind Kind, id string) (Item, error)
	// Replace writes it over the stored item if that is still at rev:
	// ErrConflict when it moved on, ErrNotFound when it is gone.
	Replace(ctx context.Context, it Item, rev int64) error
	Delete(ctx context.Context, workspaceID string, kind Kind, id string) error
	// List returns workspaceID's items matching q, newest first (created_at,
	// then id, descending), at most q.Limit.
	List(ctx context.Context, workspaceID string, q Query) ([]Item, error)
}

// NewStore returns the Store of db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return mongoStore{db: db}
	}
	return sqliteStore{db: db}
}

// filled makes an item read back the same on both backends: empty
// collections, never nil ones.
func filled(it Item) Item {
	if it.Variants == nil {
		it.Variants = map[platform.Name]string{}
	}
	if it.MediaURLs == nil {
		it.MediaURLs = []string{}
	}
	if it.MediaIDs == nil {
		it.MediaIDs = []string{}
	}
	if it.Tags == nil {
		it.Tags = []string{}
	}
	return it
}
