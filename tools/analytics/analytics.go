// Package analytics collects the metrics of published posts and connected
// accounts into analytics_data, one record per subject and day, through the
// platform adapters: the daily sync (the recurring job "analytics-sync") and
// the reads the analytics endpoints and agent tools build on.
//
// A figure a platform cannot give stays unknown (nil; NULL in SQLite, absent
// in MongoDB), never zero. Re-running the sync the same day overwrites that
// day's records; it never adds a second one.
package analytics

import (
	"embed"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Schema is analytics' part of the database: analytics_data. In MongoDB a
// record's _id is its natural key (workspace, kind, subject, day), which
// makes the upsert unique without another index.
var Schema = store.Schema{
	Name:       "analytics",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: collection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "post_id", Value: 1}, {Key: "day", Value: 1}}},
		{Collection: collection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "account_id", Value: 1}, {Key: "day", Value: 1}}},
	},
}

const collection = "analytics_data"

// Kind is what a record measures.
type Kind string

// The kinds of record.
const (
	// KindPost: one published post on one account (a delivery); SubjectID
	// is the delivery id.
	KindPost Kind = "post"
	// KindAccount: a connected account; SubjectID is the account id.
	KindAccount Kind = "account"
)

// DayFormat is how a day is written: in UTC, "2026-11-20".
const DayFormat = "2006-01-02"

// Day returns t's day in UTC.
func Day(t time.Time) string { return t.UTC().Format(DayFormat) }

// Record is one subject's metrics on one day.
type Record struct {
	WorkspaceID string `json:"workspace_id"`
	Kind        Kind   `json:"kind"`
	// SubjectID is the delivery id (KindPost) or the account id (KindAccount).
	SubjectID string        `json:"subject_id"`
	Day       string        `json:"day"`
	AccountID string        `json:"account_id"`
	Platform  platform.Name `json:"platform"`
	// PostID (ours) and PlatformPostID are set for KindPost.
	PostID         string `json:"post_id,omitempty"`
	PlatformPostID string `json:"platform_post_id,omitempty"`
	// Metrics: a nil figure is unknown. An upsert of a day's record keeps a
	// figure the newer fetch could not give (a later unknown never erases a
	// figure known for that day).
	Metrics   platform.Metrics `json:"metrics"`
	FetchedAt time.Time        `json:"fetched_at"`
}

// ErrInvalid wraps bad arguments (a range that ends before it starts).
var ErrInvalid = errors.New("analytics: invalid request")
