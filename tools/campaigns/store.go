package campaigns

import (
	"context"
	"fmt"
	"time"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// Campaign is a marketing campaign: it groups posts and e-mail campaigns.
// Dates are days (YYYY-MM-DD) or empty.
type Campaign struct {
	ID            string    `json:"id"`
	WorkspaceID   string    `json:"workspace_id"`
	Name          string    `json:"name"`
	Goal          string    `json:"goal"`
	StartDate     string    `json:"start_date"`
	EndDate       string    `json:"end_date"`
	Tag           string    `json:"tag"`
	CRMCampaignID string    `json:"crm_campaign_id"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Rev versions the record: a write applies only over the Rev it read.
	Rev int64 `json:"-"`
}

// EmailStatus is where an e-mail campaign is in its life.
type EmailStatus string

// The statuses. Sending is written before Zoho is asked to send: a
// campaign found sending after a crash is reconciled with Zoho, never sent
// blindly again.
const (
	EmailDraft     EmailStatus = "draft"
	EmailScheduled EmailStatus = "scheduled"
	EmailSending   EmailStatus = "sending"
	EmailSent      EmailStatus = "sent"
	EmailFailed    EmailStatus = "failed"
	EmailCancelled EmailStatus = "cancelled"
)

// EmailCampaign is a Zoho Campaigns e-mail campaign as stored here.
type EmailCampaign struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspace_id"`
	CampaignID  string   `json:"campaign_id"` // the marketing campaign, or ""
	Name        string   `json:"name"`
	Subject     string   `json:"subject"`
	FromEmail   string   `json:"from_email"`
	FromName    string   `json:"from_name"`
	HTML        string   `json:"html"`
	Text        string   `json:"text"`
	ListKeys    []string `json:"list_keys"`
	// ContentKey is the secret part of the URL Zoho reads the HTML from.
	ContentKey  string      `json:"-"`
	CampaignKey string      `json:"campaign_key"` // Zoho's
	Status      EmailStatus `json:"status"`
	ScheduledAt time.Time   `json:"scheduled_at,omitzero"`
	JobID       string      `json:"job_id,omitempty"`
	SentAt      time.Time   `json:"sent_at,omitzero"`
	LastError   string      `json:"last_error,omitempty"`
	// Report is the last report read from Zoho, at ReportAt.
	Report    *Report   `json:"report,omitempty"`
	ReportAt  time.Time `json:"report_at,omitzero"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Rev       int64     `json:"-"`
}

// Report is a sent campaign's figures from Zoho. Rates are percentages
// (35.2 means 35.2%).
type Report struct {
	Sent            int64   `json:"sent"`
	Delivered       int64   `json:"delivered"`
	Opens           int64   `json:"opens"`
	OpenRate        float64 `json:"open_rate"`
	Clicks          int64   `json:"clicks"`
	ClickRate       float64 `json:"click_rate"`
	Bounces         int64   `json:"bounces"`
	BounceRate      float64 `json:"bounce_rate"`
	Unsubscribes    int64   `json:"unsubscribes"`
	UnsubscribeRate float64 `json:"unsubscribe_rate"`
}

// CRMRecord is a Zoho CRM record as cached here.
type CRMRecord struct {
	Module      string         `json:"module"`
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Email       string         `json:"email,omitempty"`
	Company     string         `json:"company,omitempty"`
	CreatedTime string         `json:"created_time,omitempty"`
	Data        map[string]any `json:"data"`
	FetchedAt   time.Time      `json:"fetched_at"`
}

// Fetch says when a module's cache was filled and Zoho's count then.
type Fetch struct {
	Total     int
	FetchedAt time.Time
}

// Store is what the package needs of the database, scoped by workspace.
// Implemented on SQLite and MongoDB; one conformance suite (store_test.go)
// runs on both.
type Store interface {
	// CreateCampaign inserts c (Rev 1).
	CreateCampaign(ctx context.Context, c Campaign) error
	// GetCampaign returns one campaign; ErrNotFound if absent.
	GetCampaign(ctx context.Context, workspaceID, id string) (Campaign, error)
	// ListCampaigns lists the workspace's campaigns, newest first.
	ListCampaigns(ctx context.Context, workspaceID string) ([]Campaign, error)
	// SaveCampaign writes c's fields if the stored Rev is c.Rev and bumps
	// it; false when it moved on (or the campaign is gone).
	SaveCampaign(ctx context.Context, c Campaign) (bool, error)

	// CreateEmail inserts e (Rev 1).
	CreateEmail(ctx context.Context, e EmailCampaign) error
	// GetEmail returns one e-mail campaign; ErrNotFound if absent.
	GetEmail(ctx context.Context, workspaceID, id string) (EmailCampaign, error)
	// EmailByContentKey finds the e-mail campaign whose content key is key,
	// in any workspace (the key is the credential); ErrNotFound if none.
	EmailByContentKey(ctx context.Context, key string) (EmailCampaign, error)
	// ListEmails lists the workspace's e-mail campaigns, newest first; of
	// one marketing campaign when campaignID is set.
	ListEmails(ctx context.Context, workspaceID, campaignID string) ([]EmailCampaign, error)
	// SaveEmail writes e's mutable fields if the stored Rev is e.Rev and
	// bumps it; false when it moved on (or the campaign is gone).
	SaveEmail(ctx context.Context, e EmailCampaign) (bool, error)
	// DeleteEmail removes one e-mail campaign (a create Zoho refused).
	DeleteEmail(ctx context.Context, workspaceID, id string) error
	// SentEmails lists the workspace's sent e-mail campaigns with
	// sent_at >= since, oldest first.
	SentEmails(ctx context.Context, workspaceID string, since time.Time) ([]EmailCampaign, error)

	// PutRecords makes recs the module's cache: each is written over the
	// one with its id, and records of an earlier fetch are removed; the
	// fetch (total, fetchedAt) is recorded.
	PutRecords(ctx context.Context, workspaceID, module string, recs []CRMRecord, f Fetch) error
	// LastFetch says when the module's cache was filled; ok false if never.
	LastFetch(ctx context.Context, workspaceID, module string) (f Fetch, ok bool, err error)
	// Records lists up to limit cached records of the module, newest
	// created first.
	Records(ctx context.Context, workspaceID, module string, limit int) ([]CRMRecord, error)
	// SearchRecords lists up to limit cached records of the module whose
	// name, e-mail or company contains q (case-insensitive), newest first.
	SearchRecords(ctx context.Context, workspaceID, module, q string, limit int) ([]CRMRecord, error)
}

// NewStore returns db's implementation of Store.
func NewStore(db *store.DB) Store {
	if db.Backend == store.Mongo {
		return &mongoStore{db: db}
	}
	return &sqliteStore{db: db}
}

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("campaigns: "+format+": %w", append(args, err)...)
}
