package slack

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

// Schema is the Slack door's part of the database: slack_seen,
// slack_installs, slack_threads, slack_outbox (and, on MongoDB, the
// outbox's claims in slack_outbox_claims).
var Schema = store.Schema{
	Name:       "slack",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "slack_seen", Keys: bson.D{{Key: "expires_at", Value: 1}}},
		{Collection: "slack_threads", Keys: bson.D{{Key: "expires_at", Value: 1}}},
		{Collection: "slack_outbox", Keys: bson.D{{Key: "pending", Value: 1}, {Key: "next_at", Value: 1}}},
		{Collection: "slack_outbox", Keys: bson.D{{Key: "expires_at", Value: 1}}},
		{Collection: "slack_outbox_claims", Keys: bson.D{{Key: "expires_at", Value: 1}}},
	},
}

// ErrNotFound is returned for a team that has not installed the app.
var ErrNotFound = errors.New("slack: not found")

// Install is one team's installation of the app.
type Install struct {
	TeamID      string
	TeamName    string
	AppID       string
	BotUserID   string
	BotToken    string // sealed by the vault
	Scope       string
	InstalledBy string
	InstalledAt time.Time
}

// Thread is where in Slack a post was asked for: its outcome is told there.
type Thread struct {
	WorkspaceID string
	PostID      string
	Channel     string
	ThreadTS    string // "": the channel itself
	ExpiresAt   time.Time
}

// Store is what the Slack door keeps in the database.
type Store interface {
	Outbox
	// Remember records key until expires and reports whether it was new: false
	// when an unexpired record of key exists (a delivery already handled,
	// on this replica or another). An expired record is replaced.
	Remember(ctx context.Context, key string, now, expires time.Time) (bool, error)
	// RememberAll is Remember of every key in one transaction (one bulk
	// write): first[i] is Remember's answer for keys[i]; a key repeated in
	// keys is new at most once.
	RememberAll(ctx context.Context, keys []string, now, expires time.Time) (first []bool, err error)
	// PurgeSeen deletes remembered keys, threads and told outcomes that
	// expired before before (the cleanup job).
	PurgeSeen(ctx context.Context, before time.Time) (int64, error)
	// SaveInstall creates or replaces a team's installation.
	SaveInstall(ctx context.Context, in Install) error
	// Install returns a team's installation, ErrNotFound when there is none.
	Install(ctx context.Context, teamID string) (Install, error)
	// SaveThread records (or moves) where a post was asked for.
	SaveThread(ctx context.Context, t Thread) error
	// Thread returns where a post of workspaceID was asked for, ErrNotFound
	// when nowhere in Slack (or the record expired).
	Thread(ctx context.Context, workspaceID, postID string, now time.Time) (Thread, error)
}

// NewStore returns db's implementation of Store.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return &sqliteStore{db: db}
}
