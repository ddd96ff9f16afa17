package memory

import (
	"context"
	"embed"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is memory's part of the database: global_memory and user_memory.
// In MongoDB a note's _id is its natural key, which makes the upsert unique.
var Schema = store.Schema{
	Name:       "memory",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "global_memory", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "key", Value: 1}}},
		{Collection: "user_memory", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "user_id", Value: 1}, {Key: "key", Value: 1}}},
	},
}

// Store is what memory needs of the database.
type Store interface {
	// Put inserts or replaces the note with its key in its scope: the
	// workspace's memory when it.UserID is empty, else that user's.
	Put(ctx context.Context, it Item) error
	// List returns a workspace's notes (userID empty) or one user's, in no
	// particular order.
	List(ctx context.Context, workspaceID, userID string) ([]Item, error)
}

// NewStore returns db's implementation of Store.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return mongoStore{db: db}
	}
	return sqliteStore{db: db}
}
