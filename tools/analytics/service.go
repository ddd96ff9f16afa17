package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/accounts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
	"github.com/marketingminds/marketingminds/tools/schedule"
)

// Adapter is a platform's metrics side (integrations/<platform>.Client).
type Adapter interface {
	PostMetrics(ctx context.Context, t platform.Target, postID string) (platform.Metrics, error)
	AccountMetrics(ctx context.Context, t platform.Target) (platform.Metrics, error)
}

// Tokens gives a usable token for an account (tools/accounts.Service): a
// needs_reauth or disconnected account answers an error wrapping
// accounts.ErrNeedsReauth or accounts.ErrDisconnected.
type Tokens interface {
	ValidToken(ctx context.Context, c identity.Caller, accountID string) (platform.Target, error)
}

// Account is a social account the sync looks at.
type Account struct {
	WorkspaceID string
	ID          string
	Platform    platform.Name
	// Status is tools/accounts' ("connected", "needs_reauth",
	// "disconnected"); Reason says why an account is not connected.
	Status string
	Reason string
}

// The account statuses the sync acts on (tools/accounts' words).
const (
	statusNeedsReauth  = string(accounts.StatusNeedsReauth)
	statusDisconnected = string(accounts.StatusDisconnected)
)

// Directory lists the social accounts of every workspace, whatever their
// status (the sync reports the posts of a disconnected one as skipped).
type Directory interface {
	Accounts(ctx context.Context) ([]Account, error)
	// ZohoWorkspaces lists the workspaces that connected Zoho.
	ZohoWorkspaces(ctx context.Context) ([]string, error)
}

// Deliveries lists a workspace's published deliveries (tools/publish.Service).
type Deliveries interface {
	PublishedSince(ctx context.Context, workspaceID string, since time.Time) ([]publish.PublishedDelivery, error)
}

// DefaultWindow is how far back published posts are synced: platform
// figures are only meaningful (and X's non-public ones only exist) for
// posts under 30 days old.
const DefaultWindow = 30 * 24 * time.Hour

// DefaultPlatformWide lists the platforms whose read quotas belong to the
// app rather than to each account (LinkedIn's daily application quota): a
// rate limit there stops the platform for the run, not only the account.
// X (user-context tokens: per-user windows) and Facebook/Instagram
// (business-use-case limits per Page or IG account) limit per account.
var DefaultPlatformWide = map[platform.Name]bool{platform.LinkedIn: true}

// Config builds a Service.
type Config struct {
	Store      Store
	Tokens     Tokens
	Directory  Directory
	Deliveries Deliveries
	// Adapters by platform; an account of a platform without one is skipped.
	Adapters map[platform.Name]Adapter
	Log      zerolog.Logger
	Now      func() time.Time
	// Window: default DefaultWindow.
	Window time.Duration
	// Concurrency bounds the accounts synced at once (default 4).
	Concurrency int
	// PerPlatform bounds the calls in flight to one platform (default 2).
	PerPlatform int
	// PlatformWide: nil means DefaultPlatformWide.
	PlatformWide map[platform.Name]bool
	// CallTimeout bounds one platform call (default 30 s).
	CallTimeout time.Duration

	// Accounts reads a workspace's accounts and token health (tools/accounts).
	Accounts Accounts
	// Jobs counts a workspace's pending jobs for the overview
	// (*schedule.Scheduler); nil: pending_jobs is null.
	Jobs Jobs
	// Zoho reads e-mail campaign reports and CRM leads; nil: Zoho is not
	// configured and the sync skips it.
	Zoho Zoho
	// EmailCampaigns lists the e-mail campaigns sent through us
	// (tools/campaigns); nil: the sync asks Zoho for its sent campaigns.
	EmailCampaigns EmailCampaigns
	// Posts lists posts for the weekly digest; nil: Digest is unavailable.
	Posts Posts
	// Inbox gives the weekly digest its first-answer times (tools/inbox);
	// nil: the digest has none.
	Inbox FirstAnswers
	// Location is a workspace's time zone (days and hours of records and
	// rollups); nil: UTC.
	Location func(ctx context.Context, workspaceID string) (*time.Location, error)
	// UserLocation is a user's time zone (best times); nil: UTC.
	UserLocation func(ctx context.Context, workspaceID, userID string) (*time.Location, error)
}

// Accounts is what analytics reads of tools/accounts for the doors.
type Accounts interface {
	Get(ctx context.Context, c identity.Caller, id string) (accounts.Account, error)
	TokenStatus(ctx context.Context, c identity.Caller) ([]accounts.TokenState, error)
	ZohoToken(ctx context.Context, c identity.Caller) (zoho.Token, error)
}

// Jobs is the scheduler's per-workspace overview (*schedule.Scheduler).
type Jobs interface {
	Overview(ctx context.Context, workspaceID string) (schedule.Overview, error)
}

// Service is the analytics capability: the daily sync and the reads.
type Service struct {
	cfg   Config
	store Store
	log   zerolog.Logger
	now   func() time.Time
	cache *overviewCache
}

// New checks cfg and fills its defaults.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Tokens == nil || cfg.Directory == nil || cfg.Deliveries == nil || cfg.Accounts == nil {
		return nil, errors.New("analytics: a store, tokens, a directory, deliveries and accounts are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.PerPlatform <= 0 {
		cfg.PerPlatform = 2
	}
	if cfg.PlatformWide == nil {
		cfg.PlatformWide = DefaultPlatformWide
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 30 * time.Second
	}
	return &Service{cfg: cfg, store: cfg.Store, log: cfg.Log, now: cfg.Now, cache: newOverviewCache()}, nil
}

// PostHistory returns the daily records of the caller's workspace's post id,
// one per target account and day, oldest first. Any role.
func (s *Service) PostHistory(ctx context.Context, c identity.Caller, postID string) ([]Record, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	return s.store.PostHistory(ctx, c.WorkspaceID, postID)
}

// AccountHistory returns the daily records about an account of the caller's
// workspace (KindAccount: followers; KindPost: its posts) for the days (in
// the workspace's time zone) from from's to to's, both included, oldest
// first. Any role.
func (s *Service) AccountHistory(ctx context.Context, c identity.Caller, accountID string, from, to time.Time) ([]Record, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	loc, err := s.location(ctx, c.WorkspaceID)
	if err != nil {
		return nil, err
	}
	fromDay, toDay := DayIn(from, loc), DayIn(to, loc)
	if toDay < fromDay {
		return nil, fmt.Errorf("%w: the range ends (%s) before it starts (%s)", ErrInvalid, toDay, fromDay)
	}
	return s.store.AccountHistory(ctx, c.WorkspaceID, accountID, fromDay, toDay)
}

// location is the workspace's time zone (UTC without Config.Location).
func (s *Service) location(ctx context.Context, workspaceID string) (*time.Location, error) {
	if s.cfg.Location == nil {
		return time.UTC, nil
	}
	loc, err := s.cfg.Location(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("analytics: time zone of workspace %s: %w", workspaceID, err)
	}
	if loc == nil {
		return time.UTC, nil
	}
	return loc, nil
}

// system is the caller the sync acts as in a workspace.
func system(workspaceID string) identity.Caller {
	return identity.Caller{WorkspaceID: workspaceID, UserID: "system", Role: identity.Viewer, Door: identity.DoorSystem}
}
