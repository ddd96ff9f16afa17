// Package audit keeps the audit_log: who did what, when, through which door
// (Slack, slash command, REST, dashboard, agent, CLI, the system's jobs).
// Tools record their consequential acts; admins read them back, scoped to
// their workspace.
package audit

import (
	"context"
	"embed"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the audit package's data: audit_log.
var Schema = store.Schema{
	Name:       "audit",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes:    []store.Index{{Collection: "audit_log", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "at", Value: -1}}}},
}

// Entry is one audited act.
type Entry struct {
	ID          string        `json:"id"`
	WorkspaceID string        `json:"workspace_id"`
	UserID      string        `json:"user_id,omitempty"`
	Door        identity.Door `json:"door"`
	Action      string        `json:"action"` // "account.connect", "account.disconnect", ...
	Target      string        `json:"target,omitempty"`
	Detail      string        `json:"detail,omitempty"`
	At          time.Time     `json:"at"`
}

// Filter narrows List: an action, entries before a time (for paging), a
// count (default 50, at most 500).
type Filter struct {
	Action string
	Before time.Time
	Limit  int
}

// Store is the audit log's persistence.
type Store interface {
	Insert(ctx context.Context, e Entry) error
	// List returns workspaceID's entries matching f, newest first.
	List(ctx context.Context, workspaceID string, f Filter) ([]Entry, error)
}

// NewStore returns the Store of db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return mongoStore{db}
	}
	return sqliteStore{db}
}

// Log records and lists audit entries.
type Log struct {
	store Store
	now   func() time.Time
}

// New returns a Log over db; now is the clock (nil: time.Now).
func New(db *store.DB, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{store: NewStore(db), now: now}
}

// Record writes what c did: action (a dotted verb), its target (an id or a
// name) and a detail for people. It never holds a secret.
func (l *Log) Record(ctx context.Context, c identity.Caller, action, target, detail string) error {
	if c.WorkspaceID == "" || action == "" {
		return fmt.Errorf("audit: record needs a workspace and an action")
	}
	e := Entry{ID: store.NewID(), WorkspaceID: c.WorkspaceID, UserID: c.UserID, Door: c.Door,
		Action: action, Target: target, Detail: detail, At: store.Trunc(l.now())}
	if err := l.store.Insert(ctx, e); err != nil {
		return fmt.Errorf("audit: record %s: %w", action, err)
	}
	return nil
}

// List returns the caller's workspace's entries, newest first; admins only.
func (l *Log) List(ctx context.Context, c identity.Caller, f Filter) ([]Entry, error) {
	if err := c.Require(identity.Admin); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	out, err := l.store.List(ctx, c.WorkspaceID, f)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return out, nil
}
