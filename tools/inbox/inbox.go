// Package inbox keeps the comments and mentions people leave for a
// workspace's accounts (collection inbox_items): read through the adapters
// by a recurring poll and, where the platform offers them, from webhooks;
// stored once however often they arrive; answered, liked, hidden or closed
// through the same functions from every door.
package inbox

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is the inbox's data: inbox_items and the poll cursors.
var Schema = store.Schema{
	Name:       "inbox",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: "inbox_items", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "platform", Value: 1}, {Key: "external_id", Value: 1}}, Unique: true},
		{Collection: "inbox_items", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "received_at", Value: -1}, {Key: "_id", Value: -1}}},
		{Collection: "inbox_items", Keys: bson.D{{Key: "announced", Value: 1}, {Key: "claim_until", Value: 1}}},
		{Collection: "inbox_cursors", Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "account_id", Value: 1}}, Unique: true},
	},
}

// Kinds of item (platform.KindComment, KindReply, KindMention).
const (
	KindComment = platform.KindComment
	KindReply   = platform.KindReply
	KindMention = platform.KindMention
)

// States of an item.
const (
	StateNew      = "new"
	StateAnswered = "answered"
	StateHidden   = "hidden"
	StateDone     = "done"
)

// Errors the doors tell apart.
var (
	// ErrNotFound: no such item in the caller's workspace.
	ErrNotFound = errors.New("inbox: no such item in this workspace")
	// ErrInvalid: the request cannot be done as asked (an empty reply, a
	// platform that does not allow hiding).
	ErrInvalid = errors.New("inbox: invalid request")
	// ErrBusy: the same reply is being sent right now.
	ErrBusy = errors.New("inbox: this reply is already being sent")
)

// Reply is an answer sent from here (By a user id) or seen on the platform
// (By "" for the author of the post).
type Reply struct {
	Text       string    `json:"text"`
	By         string    `json:"by,omitempty"`
	At         time.Time `json:"at"`
	ExternalID string    `json:"external_id,omitempty"` // the platform's id; empty while it is being sent
	Key        string    `json:"-"`                     // the idempotency key of a reply sent from here
}

// Announce is where the Slack door posted the item.
type Announce struct {
	Channel string `json:"channel,omitempty"`
	TS      string `json:"ts,omitempty"`
}

// Item is one comment, reply or mention.
type Item struct {
	ID               string        `json:"id"`
	WorkspaceID      string        `json:"-"`
	AccountID        string        `json:"account_id"`
	Platform         platform.Name `json:"platform"`
	ExternalID       string        `json:"external_id"`
	PostID           string        `json:"post_id,omitempty"` // our post id, when known
	PostExternalID   string        `json:"post_external_id,omitempty"`
	PostText         string        `json:"post_text,omitempty"`
	ParentExternalID string        `json:"parent_external_id,omitempty"`
	AuthorName       string        `json:"author_name,omitempty"`
	AuthorHandle     string        `json:"author_handle,omitempty"`
	Text             string        `json:"text"`
	Permalink        string        `json:"permalink,omitempty"`
	Kind             string        `json:"kind"`
	State            string        `json:"state"`
	Replies          []Reply       `json:"replies"`
	HandledBy        string        `json:"handled_by,omitempty"`
	CreatedAt        time.Time     `json:"created_at"` // on the platform
	ReceivedAt       time.Time     `json:"received_at"`
	AnsweredAt       time.Time     `json:"answered_at,omitzero"`
	Slack            Announce      `json:"slack,omitzero"`
}

// Filter selects items; the zero Filter is the newest 50.
type Filter struct {
	State     string        `json:"state,omitempty"`
	Platform  platform.Name `json:"platform,omitempty"`
	AccountID string        `json:"account_id,omitempty"`
	Since     time.Time     `json:"since,omitzero"` // received at or after
	Until     time.Time     `json:"until,omitzero"` // received before
	Limit     int           `json:"limit,omitempty"`
	Cursor    string        `json:"cursor,omitempty"`
}

// Page is one page of items, newest first.
type Page struct {
	Items      []Item `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// ResponseTime is how fast a platform's items got a first answer in a week.
type ResponseTime struct {
	Platform platform.Name `json:"platform"`
	Week     time.Time     `json:"week"` // Monday 00:00 UTC of the week the items arrived
	Median   time.Duration `json:"median"`
	P90      time.Duration `json:"p90"`
	Count    int           `json:"count"`
}

// ItemID is the id of the item for (workspace, platform, external id):
// the same comment gets the same id whoever delivers it.
func ItemID(workspaceID string, p platform.Name, externalID string) string {
	h := sha256.Sum256([]byte(workspaceID + "\x00" + string(p) + "\x00" + externalID))
	return "in_" + hex.EncodeToString(h[:12])
}

// Store is the inbox's persistence, on SQLite and MongoDB. Every call
// names the workspace except the Slack door's cross-workspace claim.
type Store interface {
	// Insert stores the items whose id is not stored yet and returns
	// those, in order.
	Insert(ctx context.Context, items []Item) ([]Item, error)
	// Get reads one item; ErrNotFound otherwise.
	Get(ctx context.Context, workspaceID, id string) (Item, error)
	// List reads up to limit items matching f (its Cursor ignored) after
	// the position after, newest received first.
	List(ctx context.Context, workspaceID string, f Filter, after store.Cursor, limit int) ([]Item, error)
	// SetState sets the state and who handled it; ErrNotFound otherwise.
	SetState(ctx context.Context, workspaceID, id, state, by string) (Item, error)
	// BeginReply appends r (r.ExternalID empty) unless a reply with r.Key
	// is there already, sent or begun less than ReplyLease before r.At;
	// began is false then, and the item is as stored.
	BeginReply(ctx context.Context, workspaceID, id string, r Reply) (it Item, began bool, err error)
	// EndReply records the sent reply key's platform id, marks the item
	// answered by r.By and sets AnsweredAt if it was unset.
	EndReply(ctx context.Context, workspaceID, id, key, externalID string, at time.Time) (Item, error)
	// DropReply removes the unsent reply key (the platform refused it).
	DropReply(ctx context.Context, workspaceID, id, key string) error
	// ClaimUnannounced leases up to limit unannounced items whose lease
	// ran out to owner until now+lease, oldest first, across workspaces.
	ClaimUnannounced(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Item, error)
	// MarkAnnounced records where the item was posted.
	MarkAnnounced(ctx context.Context, workspaceID, id string, a Announce) error
	// ByAnnouncement reads the item posted as Slack message ts in
	// channel; ErrNotFound otherwise.
	ByAnnouncement(ctx context.Context, workspaceID, channel, ts string) (Item, error)
	// Count counts the workspace's items in state.
	Count(ctx context.Context, workspaceID, state string) (int, error)
	// Answered lists the items received in [since, until) that have a
	// first answer.
	Answered(ctx context.Context, workspaceID string, since, until time.Time) ([]Item, error)
	// Cursor reads the poll position of an account ("" before the first).
	Cursor(ctx context.Context, workspaceID, accountID string) (string, error)
	// SetCursor saves it.
	SetCursor(ctx context.Context, workspaceID, accountID, cursor string) error
}

// NewStore returns the Store of db's backend.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return mongoStore{db: db}
	}
	return sqliteStore{db: db}
}
