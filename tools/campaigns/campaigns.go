// Package campaigns is marketing campaigns (a name, goal, dates and tag that
// group posts and e-mails), Zoho Campaigns e-mail campaigns (mailing lists,
// create, send now or at a time through the scheduler job kind
// "email_campaign", reports) and Zoho CRM reads (counts, recent records,
// lead search over a cache, CRM Campaign records).
//
// Every capability is a method taking the caller (identity.Caller), scoped by
// its workspace: REST, slash commands and the agent call the same functions.
// Without a Zoho connection every e-mail and CRM function answers
// ErrZohoNotConnected, which says how to connect.
package campaigns

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Collections this package owns.
const (
	collCampaigns = "campaigns"
	collEmails    = "email_campaigns"
	collRecords   = "zoho_crm_records"
	collFetches   = "zoho_crm_fetches"
)

// Schema is this package's part of the database: campaigns,
// email_campaigns, zoho_crm_records and zoho_crm_fetches.
var Schema = store.Schema{
	Name:       "campaigns",
	Migrations: store.Sub(migrations, "migrations"),
	Indexes: []store.Index{
		{Collection: collCampaigns, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "created_at", Value: -1}}},
		{Collection: collEmails, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "created_at", Value: -1}}},
		{Collection: collEmails, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "status", Value: 1}, {Key: "sent_at", Value: 1}}},
		{Collection: collEmails, Keys: bson.D{{Key: "content_key", Value: 1}}, Unique: true},
		{Collection: collRecords, Keys: bson.D{{Key: "workspace_id", Value: 1}, {Key: "module", Value: 1}, {Key: "created_time", Value: -1}}},
	},
}

// Errors callers act on (the REST API maps them to statuses).
var (
	// ErrNotFound: no such campaign (or record) in the caller's workspace.
	ErrNotFound = errors.New("campaigns: not found")
	// ErrInvalid wraps bad input; the message says what to change.
	ErrInvalid = errors.New("campaigns: invalid request")
	// ErrConflict: the campaign is not in a state that allows the action.
	ErrConflict = errors.New("campaigns: conflict")
	// ErrZohoNotConnected: the workspace has no usable Zoho connection.
	ErrZohoNotConnected = errors.New("connect Zoho first: GET /api/zoho/connect")
	// ErrZohoUnavailable: this server has no Zoho client configured.
	ErrZohoUnavailable = errors.New("zoho is not configured on this server (set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET)")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Zoho is what the service needs of the Zoho client (integrations/zoho).
type Zoho interface {
	MailingLists(ctx context.Context, tok zoho.Token) ([]zoho.MailingList, error)
	CreateEmailCampaign(ctx context.Context, tok zoho.Token, cp zoho.EmailCampaign) (string, error)
	SendCampaign(ctx context.Context, tok zoho.Token, campaignKey string) error
	CampaignReport(ctx context.Context, tok zoho.Token, campaignKey string) (zoho.Report, error)
	RecentCampaigns(ctx context.Context, tok zoho.Token, status string) ([]zoho.CampaignSummary, error)
	ListRecords(ctx context.Context, tok zoho.Token, module string, opts zoho.ListOptions) (zoho.Page, error)
	CountRecords(ctx context.Context, tok zoho.Token, module string) (int, error)
	CreateCRMCampaign(ctx context.Context, tok zoho.Token, cp zoho.CRMCampaign) (string, error)
}

// Tokens gives the workspace's Zoho grant (*accounts.Service); a workspace
// without one answers an error wrapping accounts.ErrNotFound,
// ErrNeedsReauth or ErrDisconnected.
type Tokens interface {
	ZohoToken(ctx context.Context, c identity.Caller) (zoho.Token, error)
}

// Jobs is the scheduler as e-mail sends need it (SchedulerJobs).
type Jobs interface {
	EnqueueSend(ctx context.Context, workspaceID, emailID string, runAt time.Time, createdBy string) (string, error)
	CancelJob(ctx context.Context, workspaceID, jobID string) error
	MoveJob(ctx context.Context, workspaceID, jobID string, runAt time.Time) error
}

// Config is the service's configuration and collaborators.
type Config struct {
	Store  Store
	Tokens Tokens
	// Zoho is nil when the server offers no Zoho: e-mail and CRM functions
	// answer ErrZohoUnavailable.
	Zoho Zoho
	Jobs Jobs
	// PublicURL is MM_PUBLIC_URL: Zoho reads an e-mail's HTML from
	// {PublicURL}/email/content/{content key}.
	PublicURL string
	// FromEmail and FromName are the sender when a request names none (a
	// sender address verified in Zoho Campaigns).
	FromEmail string
	FromName  string
	// UserLocation reads a user's time zone for local times ("2026-12-01
	// 09:00"); nil reads them in UTC.
	UserLocation func(ctx context.Context, workspaceID, userID string) (*time.Location, error)
	// CacheTTL is how long cached CRM records are served before Zoho is
	// read again (default 5 minutes).
	CacheTTL time.Duration
	// MaxCached bounds the records cached per module, newest first
	// (default 2,000: Zoho's page/per_page reach).
	MaxCached int
	Log       zerolog.Logger
	Now       func() time.Time
}

// Service is the campaigns capability.
type Service struct {
	cfg Config
	st  Store
	now func() time.Time
	log zerolog.Logger
}

// New checks cfg and fills its defaults.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Tokens == nil || cfg.Jobs == nil {
		return nil, errors.New("campaigns: a store, tokens and jobs are required")
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("campaigns: public URL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	if cfg.FromEmail != "" {
		if a, err := mail.ParseAddress(cfg.FromEmail); err != nil || a.Address != cfg.FromEmail {
			return nil, fmt.Errorf("campaigns: default sender %q is not an e-mail address", cfg.FromEmail)
		}
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 5 * time.Minute
	}
	if cfg.MaxCached <= 0 {
		cfg.MaxCached = 2000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg, st: cfg.Store, now: func() time.Time { return store.Trunc(cfg.Now()) }, log: cfg.Log}, nil
}

// system is the caller jobs act as, on behalf of a workspace.
func system(workspaceID string) identity.Caller {
	return identity.Caller{WorkspaceID: workspaceID, UserID: "system", Role: identity.Admin, Door: identity.DoorSystem}
}
