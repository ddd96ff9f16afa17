package accounts

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Collection is where a grant lives: social_accounts or zoho_tokens (one per
// workspace). Both hold records of the same shape.
type Collection string

// The collections.
const (
	Social Collection = "social_accounts"
	Zoho   Collection = "zoho_tokens"
)

var naturalKey = bson.D{{Key: "workspace_id", Value: 1}, {Key: "platform", Value: 1}, {Key: "external_id", Value: 1}}

// Schema is the accounts package's data.
var Schema = store.Schema{
	Name:       "accounts",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: string(Social), Keys: naturalKey, Unique: true},
		{Collection: string(Social), Keys: bson.D{{Key: "status", Value: 1}, {Key: "token_expires_at", Value: 1}}},
		{Collection: string(Zoho), Keys: naturalKey, Unique: true},
	},
}

// ErrNotFound is returned for an account that does not exist in the
// caller's workspace (another workspace's id included: never a leak).
var ErrNotFound = errors.New("no such account in this workspace")

// Status is an account's connection state.
type Status string

// The statuses.
const (
	StatusConnected    Status = "connected"
	StatusNeedsReauth  Status = "needs_reauth"
	StatusDisconnected Status = "disconnected"
)

// Sealed is a grant's token material as stored: vault ciphertexts and times.
type Sealed struct {
	Access, Refresh string
	Expiry          time.Time // zero: does not expire
	ObtainedAt      time.Time
}

// Record is one stored account (or Zoho grant).
type Record struct {
	ID, WorkspaceID string
	Platform        platform.Name
	ExternalID      string
	Kind            string
	Name, Handle    string
	AvatarURL       string
	Status          Status
	StatusReason    string
	ConnectedBy     string
	ConnectedAt     time.Time
	Grant           string
	Derived         bool
	Tokens          Sealed
	RefreshFailedAt time.Time
	RefreshError    string
	APIDomain       string
	AccountsServer  string
	Version         int64
	UpdatedAt       time.Time
}

// Store is the accounts' persistence, on SQLite and MongoDB.
type Store interface {
	// Upsert inserts r or, when (workspace, platform, external id) exists,
	// updates it: profile, grant, tokens, status connected. A refresh
	// token r lacks never wipes the stored one. It returns the stored
	// record and the status it had before ("" when new).
	Upsert(ctx context.Context, coll Collection, r Record) (Record, Status, error)
	// Get reads id within workspaceID; ErrNotFound otherwise.
	Get(ctx context.Context, coll Collection, workspaceID, id string) (Record, error)
	// List reads workspaceID's records, of platform p when p is set.
	List(ctx context.Context, coll Collection, workspaceID string, p platform.Name) ([]Record, error)
	// Expiring lists connected records of every workspace (or of
	// workspaceID when set) whose token expires before before.
	Expiring(ctx context.Context, coll Collection, workspaceID string, before time.Time) ([]Record, error)
	// SaveTokens writes refreshed tokens if the record is still at version
	// (false otherwise), bumping the version and clearing a refresh error.
	SaveTokens(ctx context.Context, coll Collection, id string, version int64, t Sealed, at time.Time) (bool, error)
	// MarkNeedsReauth sets status needs_reauth with reason.
	MarkNeedsReauth(ctx context.Context, coll Collection, id, reason string, at time.Time) error
	// NoteRefreshFailure records a transient refresh failure; tokens stay.
	NoteRefreshFailure(ctx context.Context, coll Collection, id, msg string, at time.Time) error
	// Disconnect deletes the tokens and sets status disconnected.
	Disconnect(ctx context.Context, coll Collection, id string, at time.Time) error
	// CountGrant counts workspaceID's connected records sharing grant, other than id.
	CountGrant(ctx context.Context, coll Collection, workspaceID, grant, id string) (int, error)
	// Page lists every record with id > after, by id, at most limit (re-keying).
	Page(ctx context.Context, coll Collection, after string, limit int) ([]Record, error)
	// ReplaceCiphers swaps the token ciphertexts if they are still old.
	ReplaceCiphers(ctx context.Context, coll Collection, id string, old, new Sealed) (bool, error)
}

// NewStore returns the Store of db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return &sqliteStore{db: db}
}

// Each calls fn with every record of coll in every workspace, by id, reading
// the store a page at a time (for jobs that go over all workspaces).
func Each(ctx context.Context, st Store, coll Collection, fn func(Record)) error {
	const pageSize = 500
	after := ""
	for {
		page, err := st.Page(ctx, coll, after, pageSize)
		if err != nil {
			return fmt.Errorf("accounts: list %s: %w", coll, err)
		}
		for _, r := range page {
			after = r.ID
			fn(r)
		}
		if len(page) < pageSize {
			return nil
		}
	}
}
