// Package analytics collects the metrics of published posts and connected
// accounts (through the platform adapters), of e-mail campaigns (Zoho
// Campaigns) and new leads (Zoho CRM) into analytics_data, one record per
// subject and day: the daily sync (the recurring job "analytics-sync") and
// the reads the analytics endpoints, the dashboard overview and agent tools
// build on. Rollup rows (analytics_rollups) keep each workspace-day's sums so
// the overview reads a few rows instead of aggregating snapshots.
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
		{Collection: collection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "published_day", Value: 1}}},
		{Collection: rollupCollection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "day", Value: 1}}},
		{Collection: rollupCollection, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "campaign_id", Value: 1}, {Key: "day", Value: 1}}},
	},
}

const (
	collection       = "analytics_data"
	rollupCollection = "analytics_rollups"
)

// Kind is what a record measures.
type Kind string

// The kinds of record.
const (
	// KindPost: one published post on one account (a delivery); SubjectID
	// is the delivery id.
	KindPost Kind = "post"
	// KindAccount: a connected account; SubjectID is the account id.
	KindAccount Kind = "account"
	// KindEmail: a sent Zoho Campaigns e-mail campaign; SubjectID is Zoho's
	// campaign key, PostID our email campaign id when tools/campaigns knows it.
	KindEmail Kind = "email"
	// KindLeads: the CRM leads created on PublishedDay from Source;
	// SubjectID is "<day>/<source>".
	KindLeads Kind = "leads"
)

// DayFormat is how a day is written: "2026-11-20".
const DayFormat = "2006-01-02"

// Day returns t's day in UTC.
func Day(t time.Time) string { return t.UTC().Format(DayFormat) }

// DayIn returns t's day in loc.
func DayIn(t time.Time, loc *time.Location) string { return t.In(loc).Format(DayFormat) }

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
	// Hour is FetchedAt's hour in the workspace's time zone (Day is its day).
	Hour int `json:"hour"`
	// PublishedAt is when the post was published or the e-mail sent (for
	// KindLeads the day's start); PublishedDay is its day in the
	// workspace's time zone. A KindAccount record's PublishedDay is its Day.
	PublishedAt  time.Time `json:"published_at"`
	PublishedDay string    `json:"published_day"`
	// CampaignID is the marketing campaign the post or e-mail belongs to.
	CampaignID string `json:"campaign_id,omitempty"`
	// Source is a KindLeads record's lead source ("" when the lead has none).
	Source string `json:"source,omitempty"`
	// Metrics: a nil figure is unknown. An upsert of a day's record keeps a
	// figure the newer fetch could not give (a later unknown never erases a
	// figure known for that day). An e-mail's unique clicks are
	// Metrics.Clicks.
	Metrics platform.Metrics `json:"metrics"`
	// Email holds a KindEmail record's figures.
	Email EmailFigures `json:"email"`
	// Leads is a KindLeads record's count.
	Leads     *int64    `json:"leads"`
	FetchedAt time.Time `json:"fetched_at"`
}

// EmailFigures are an e-mail campaign's counts; nil is unknown.
type EmailFigures struct {
	Sent         *int64 `json:"sent"`
	Delivered    *int64 `json:"delivered"`
	Opens        *int64 `json:"opens"`
	Bounces      *int64 `json:"bounces"`
	Unsubscribes *int64 `json:"unsubscribes"`
}

// The errors callers switch on.
var (
	// ErrInvalid wraps bad arguments (a range that ends before it starts).
	ErrInvalid = errors.New("analytics: invalid request")
	// ErrNotFound wraps an account (or platform) the caller's workspace
	// does not have.
	ErrNotFound = errors.New("analytics: not found")
)
