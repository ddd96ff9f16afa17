package media

import (
	"context"
	"embed"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the media package's data: the media collection (and, with
// MongoDB, the GridFS bucket media.files / media.chunks).
var Schema = store.Schema{
	Name:       "media",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "media", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "sha256", Value: 1}}, Unique: true},
		{Collection: "media", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}},
		{Collection: "media", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "conversations", Value: 1}, {Key: "shared_at", Value: -1}, {Key: "id", Value: -1}}},
		{Collection: "media.files", Keys: bson.D{{Key: "filename", Value: 1}, {Key: "uploadDate", Value: 1}}},
		{Collection: "media.chunks", Keys: bson.D{{Key: "files_id", Value: 1}, {Key: "n", Value: 1}}, Unique: true},
	},
	MongoBackfills: []func(context.Context, *mongo.Database) error{backfillSharedAt},
}

// Record is a Media as stored: the metadata and where its bytes are.
type Record struct {
	Media
	// BlobKey names the bytes in the blob store.
	BlobKey string
	// Conversations are every conversation the bytes were shared in.
	Conversations []string
	// SharedAt is when the bytes were last shared: uploaded, or shared
	// again into a conversation. A conversation's listing is in its order.
	SharedAt time.Time
}

// Query is a store listing: Filter with its cursor parsed.
type Query struct {
	Conversation string
	Unused       bool
	// Kind: only KindImage or KindVideo (by content type); "" is any.
	Kind string
	// CreatedBefore, when set: only media uploaded before it.
	CreatedBefore time.Time
	Limit         int
	After         store.Cursor
}

// Store is the media metadata's persistence, on SQLite and MongoDB.
type Store interface {
	// Insert stores r; ErrDuplicate when the workspace already has a
	// record with r's SHA256.
	Insert(ctx context.Context, r Record) error
	// Get reads workspaceID's record id; ErrNotFound otherwise.
	Get(ctx context.Context, workspaceID, id string) (Record, error)
	// BySHA reads workspaceID's record of those bytes; ErrNotFound otherwise.
	BySHA(ctx context.Context, workspaceID, sha string) (Record, error)
	// Link adds conversation (when not "") to the record's conversations
	// and sets its SharedAt to at.
	Link(ctx context.Context, workspaceID, id, conversation string, at time.Time) error
	// Update sets the record's name and alt text.
	Update(ctx context.Context, workspaceID, id, name, alt string) error
	// Use adds user ("post:<id>") to the records' UsedBy; missing ids are
	// ignored (the caller checked them).
	Use(ctx context.Context, workspaceID string, ids []string, user string) error
	// Release removes user from the UsedBy of every record of workspaceID
	// holding it (a library item deleted or edited, an approval decided),
	// but for the records of keep (the media an edited item still has).
	Release(ctx context.Context, workspaceID, user string, keep []string) error
	// List reads a page, newest first (created_at, then id, descending);
	// with a Conversation, last shared first (shared_at, then id), After's
	// CreatedAt then being a SharedAt.
	List(ctx context.Context, workspaceID string, q Query) ([]Record, error)
	// Count says how many records of workspaceID q selects (its Limit and
	// After are ignored).
	Count(ctx context.Context, workspaceID string, q Query) (int, error)
	// Delete removes the record; false when there was none.
	Delete(ctx context.Context, workspaceID, id string) (bool, error)
	// UnusedWorkspaces lists the workspaces holding media nothing uses
	// uploaded before cutoff (the cleanup job then lists each one's).
	UnusedWorkspaces(ctx context.Context, cutoff time.Time) ([]string, error)
}

// NewStore returns the Store of db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return mongoStore{db: db}
	}
	return sqliteStore{db: db}
}

// ErrDuplicate: the workspace already holds these bytes (Insert).
var ErrDuplicate = errors.New("media: these bytes are already stored in this workspace")
