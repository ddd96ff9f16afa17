package publish

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	fk "github.com/marketingminds/marketingminds/tools/fault"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is publishing's part of the database: social_posts,
// social_post_deliveries and idempotency_keys.
var Schema = store.Schema{
	Name:       "publish",
	Migrations: mustSub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "social_posts", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}},
		// A campaign's posts, newest first (ListPosts with a campaign id).
		{Collection: "social_posts", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "campaign_id", Value: 1}, {Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}},
		{Collection: "social_post_deliveries", Keys: bson.D{{Key: "post_id", Value: 1}}},
		// The posts with a delivery to a platform (ListPosts with a platform).
		{Collection: "social_post_deliveries", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "platform", Value: 1}, {Key: "post_id", Value: 1}}},
		// Posts by time (ListPosts with a window): scheduled, or created when sent now.
		{Collection: "social_posts", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "scheduled_at", Value: 1}}},
		{Collection: "social_post_deliveries", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "account_id", Value: 1}, {Key: "text_hash", Value: 1}, {Key: "run_at", Value: 1}}},
		{Collection: "social_post_deliveries", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "account_id", Value: 1}, {Key: "started_at", Value: 1}}},
		{Collection: "idempotency_keys", Keys: bson.D{{Key: "created_at", Value: 1}}},
		{Collection: "social_post_deliveries", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "published_at", Value: 1}}}, // PublishedSince
	},
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// Cursor is a position in a workspace's posts, newest first.
type Cursor = store.Cursor

// PostFilter narrows ListPosts; a zero field does not filter.
type PostFilter struct {
	CampaignID string
	// Status and Platform keep the posts with at least one delivery in that
	// status and to that platform (one delivery matching both when both
	// are set). A post's overall status (PostView.Status) is derived from
	// all its deliveries, which neither store can filter portably.
	Status   Status
	Platform platform.Name
	// From and To keep the posts whose time is in [From, To): the
	// scheduled time, or the created time for a post sent now.
	From, To time.Time
}

// StoredKey is an Idempotency-Key and the answer it got.
type StoredKey struct {
	WorkspaceID string
	UserID      string
	Key         string
	// Fingerprint identifies the request the key was first used with.
	Fingerprint string
	// Status is the HTTP status of the answer; 0 while the first request runs.
	Status    int
	Body      []byte
	CreatedAt time.Time
}

// Store is what publishing needs of the database. Every method is scoped by
// workspace. Implemented on SQLite and MongoDB; one conformance suite
// (store_test.go) runs on both.
type Store interface {
	// CreatePost stores p and its Targets (deliveries).
	CreatePost(ctx context.Context, p Post) error
	// GetPost returns the post with its deliveries; ErrNotFound if absent.
	GetPost(ctx context.Context, workspaceID, id string) (Post, error)
	// ListPosts returns up to limit posts matching f older than after (zero:
	// from the newest), newest first, with their deliveries.
	ListPosts(ctx context.Context, workspaceID string, f PostFilter, limit int, after Cursor) ([]Post, error)
	// AddDeliveries stores new deliveries (targets added to an existing post).
	AddDeliveries(ctx context.Context, ds []Delivery) error
	// GetDelivery returns one delivery; ErrNotFound if absent.
	GetDelivery(ctx context.Context, workspaceID, id string) (Delivery, error)
	// SaveDeliveries writes each delivery's mutable fields (status, attempts,
	// ids, errors, times, job id) if its stored Rev still equals d.Rev, and
	// bumps Rev; ok[i] tells whether ds[i] was written. On SQLite the batch
	// is one transaction (group commit).
	SaveDeliveries(ctx context.Context, ds []Delivery) (ok []bool, err error)
	// ReplacePost rewrites the post's content, variants and time, and each
	// delivery's Body, TextHash and RunAt, each only over its stored Rev.
	// ErrConflict when a delivery moved on; on SQLite nothing is written then.
	ReplacePost(ctx context.Context, p Post, ds []Delivery) error
	// SameText lists the account's deliveries of textHash whose run time is
	// in [from, to], except failed and cancelled ones.
	SameText(ctx context.Context, workspaceID, accountID, textHash string, from, to time.Time) ([]Delivery, error)
	// Started counts the account's deliveries whose latest attempt started
	// at or after since, and the earliest such start.
	Started(ctx context.Context, workspaceID, accountID string, since time.Time) (n int, earliest time.Time, err error)
	// PublishedIDs lists the platform post ids of the account's deliveries
	// published at or after since.
	PublishedIDs(ctx context.Context, workspaceID, accountID string, since time.Time) ([]string, error)
	PublishedSince(ctx context.Context, workspaceID string, since time.Time) ([]PublishedDelivery, error) // published.go

	// BeginKey records k as in progress; when the key exists it returns
	// the stored one and created false.
	BeginKey(ctx context.Context, k StoredKey) (existing StoredKey, created bool, err error)
	// FinishKey stores the answer of an in-progress key.
	FinishKey(ctx context.Context, k StoredKey) error
	// DeleteKey forgets a key (its request failed in a way worth retrying).
	DeleteKey(ctx context.Context, workspaceID, userID, key string) error
	// PurgeKeys deletes keys created before before.
	PurgeKeys(ctx context.Context, before time.Time) (int64, error)
}

// NewStore returns db's implementation of Store.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return newSQLiteStore(db)
}

// encodeFailure is a delivery's failure as stored: JSON, "" for none.
func encodeFailure(f *fk.Failure) string {
	if f == nil {
		return ""
	}
	b, err := json.Marshal(f)
	if err != nil {
		return ""
	}
	return string(b)
}

// decodeFailure reads a stored failure; an unreadable one reads as none
// (the words of LastError remain).
func decodeFailure(s string) *fk.Failure {
	if s == "" {
		return nil
	}
	var f fk.Failure
	if json.Unmarshal([]byte(s), &f) != nil {
		return nil
	}
	return &f
}
