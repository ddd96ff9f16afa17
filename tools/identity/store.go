package identity

import (
	"context"
	"embed"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is identity's part of the database: tenants, users, api_tokens.
var Schema = store.Schema{
	Name:       "identity",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "users", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "user_id", Value: 1}}, Unique: true},
		{Collection: "api_tokens", Keys: bson.D{{Key: "hash", Value: 1}}, Unique: true},
		{Collection: "api_tokens", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "created_at", Value: 1}}},
	},
}

// ErrNotFound is returned for a missing workspace, user or token.
var ErrNotFound = errors.New("not found")

// Token is a stored API token: its hash, never the token.
type Token struct {
	ID          string
	WorkspaceID string
	UserID      string
	Role        Role
	Name        string
	Hash        string
	Prefix      string
	CreatedAt   time.Time
	LastUsedAt  time.Time // zero: never used
	RevokedAt   time.Time // zero: live
}

// Store is what identity needs of the database.
type Store interface {
	// EnsureWorkspace creates the workspace unless it exists (a name given
	// later fills an empty one) and returns what is stored.
	EnsureWorkspace(ctx context.Context, w Workspace) (Workspace, error)
	// GetWorkspace is a stored workspace; ErrNotFound when there is none.
	GetWorkspace(ctx context.Context, id string) (Workspace, error)
	// EnsureUser creates the user unless it exists (a display name or time
	// zone given later fills an empty one) and returns what is stored.
	EnsureUser(ctx context.Context, u User) (User, error)
	GetUser(ctx context.Context, workspaceID, userID string) (User, error)
	// Users are the stored users of workspaceID among userIDs, in no
	// order; an unknown id is left out.
	Users(ctx context.Context, workspaceID string, userIDs []string) ([]User, error)
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash finds a token, revoked or not.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context, workspaceID string) ([]Token, error)
	// RevokeToken marks a live token revoked; ErrNotFound when there is none.
	RevokeToken(ctx context.Context, id string, at time.Time) (Token, error)
	TouchToken(ctx context.Context, id string, at time.Time) error
}

// NewStore returns db's implementation of Store.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return newSQLiteStore(db)
}
