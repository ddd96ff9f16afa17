package settings

import (
	"context"
	"embed"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the settings package's data: the settings collection, keyed by
// workspace id (its MongoDB _id), so it needs no further index.
var Schema = store.Schema{
	Name:       "settings",
	Migrations: store.Sub(migrations, "migrations"),
}

// Record is a workspace's settings as stored: "" in a field means the
// default.
type Record struct {
	WorkspaceID         string
	ApprovalPolicy      string
	NotificationChannel string
	TimeZone            string
	DefaultRole         string
	DigestChannel       string
	WeeklyDigest        string // "" (on), "on" or "off"
	InboxChannel        string
	// ConversationRetentionDays: 0 means the default.
	ConversationRetentionDays int
	// DefaultAccounts maps a platform to the account used when the platform
	// matches several; nil or empty when none is set.
	DefaultAccounts map[string]string
	UpdatedBy       string
	UpdatedAt       time.Time
}

// Store is the settings' persistence, on SQLite and MongoDB.
type Store interface {
	// Get reads workspaceID's settings; found is false when none were ever
	// saved.
	Get(ctx context.Context, workspaceID string) (rec Record, found bool, err error)
	// Apply sets the fields p holds ("" resets one to its default) and
	// leaves the others as they are, in one write, creating the record when
	// there is none; it returns the record as stored.
	Apply(ctx context.Context, workspaceID string, p Patch, by string, at time.Time) (Record, error)
	// Digests lists, across workspaces, the records whose weekly digest
	// is not off and that name a channel for it (a digest or a
	// notification channel), by workspace id.
	Digests(ctx context.Context) ([]Record, error)
	// SetDefaultAccount sets platform's default account ("" removes it),
	// leaving every other field and platform as it is, creating the record
	// when there is none; it returns the record as stored.
	SetDefaultAccount(ctx context.Context, workspaceID, platform, accountID, by string, at time.Time) (Record, error)
}

// NewStore returns the Store of db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return mongoStore{db: db}
	}
	return sqliteStore{db: db}
}
