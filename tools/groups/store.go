package groups

import (
	"context"
	"embed"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/accounts"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the groups package's data: the account_groups collection.
var Schema = store.Schema{
	Name:       "groups",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "account_groups", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "key", Value: 1}}, Unique: true},
	},
}

// ErrNotFound: no such group in the caller's workspace.
var ErrNotFound = errors.New("groups: no such account group in this workspace")

// ErrNameInUse: the workspace has a group of that name already (in any case).
var ErrNameInUse = errors.New("groups: the name is in use")

// Group is a named set of a workspace's accounts.
type Group struct {
	WorkspaceID string    `json:"-"`
	Name        string    `json:"name"`
	AccountIDs  []string  `json:"account_ids"`
	UpdatedBy   string    `json:"updated_by,omitempty"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Accounts are the accounts of AccountIDs as people know them, in the
	// same order; the Service fills them, the Store does not keep them.
	Accounts []Member `json:"accounts,omitempty"`
}

// Member is one account of a group, named.
type Member struct {
	AccountID string        `json:"account_id"`
	Platform  platform.Name `json:"platform,omitempty"`
	Name      string        `json:"name,omitempty"`
	Handle    string        `json:"handle,omitempty"`
	Kind      string        `json:"kind,omitempty"`
	// Status is the account's (connected, needs_reauth, disconnected);
	// empty when it is no longer in the workspace.
	Status accounts.Status `json:"status,omitempty"`
}

// Deleted is a deleted group's name.
type Deleted struct {
	Name string `json:"deleted"`
}

// Store is the groups' persistence, on SQLite and MongoDB. key is a
// group's name lowercased: names are unique in a workspace in any case.
type Store interface {
	// Save creates or replaces the group named g.Name (any case).
	Save(ctx context.Context, key string, g Group) error
	// Insert creates the group; ErrNameInUse when key exists.
	Insert(ctx context.Context, key string, g Group) error
	// Get reads workspaceID's group key; ErrNotFound otherwise.
	Get(ctx context.Context, workspaceID, key string) (Group, error)
	// List reads workspaceID's groups by name.
	List(ctx context.Context, workspaceID string) ([]Group, error)
	// Delete removes workspaceID's group key; false when there was none.
	Delete(ctx context.Context, workspaceID, key string) (bool, error)
}

// NewStore returns the Store of db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return mongoStore{db: db}
	}
	return sqliteStore{db: db}
}
