// Package accounts connects social accounts and Zoho to a workspace and
// keeps their tokens usable: the OAuth connect flow and its callback,
// discovery of every account a grant reveals, the encrypted token vault
// (integrations/oauth) behind ValidToken with single-flight refresh across
// replicas, token status, scheduled refresh, and disconnect.
//
// Every capability is a method taking the caller (identity.Caller): REST,
// slash commands and the agent call the same functions, and the role checks
// and workspace scoping happen here.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/oauth2"

	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/zoho"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Provider is what the service needs of a social platform adapter
// (integrations/facebook, instagram, twitter, linkedin).
type Provider interface {
	AuthCodeURL(state, redirectURL, verifier string) string
	Exchange(ctx context.Context, code, redirectURL, verifier string) (*oauth2.Token, error)
	Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error)
	Revoke(ctx context.Context, token string) error
	Accounts(ctx context.Context, tok *oauth2.Token) ([]platform.Account, error)
}

// ZohoProvider is what the service needs of the Zoho client.
type ZohoProvider interface {
	AuthCodeURL(state, redirectURL string) string
	Exchange(ctx context.Context, code, redirectURL, accountsServer string) (zoho.Token, error)
	RefreshAt(ctx context.Context, accountsServer, refreshToken string) (zoho.Token, error)
	RevokeAt(ctx context.Context, accountsServer, refreshToken string) error
}

// Auditor records consequential acts (tools/audit.Log).
type Auditor interface {
	Record(ctx context.Context, c identity.Caller, action, target, detail string) error
}

// Config is the service's configuration.
type Config struct {
	// PublicURL is MM_PUBLIC_URL: redirect URIs are built on it.
	PublicURL string
	// SettingsPath is the dashboard page the callback sends people back to
	// (default /dashboard/settings).
	SettingsPath string
	// Sandbox says the platforms are the sandbox; pages say so plainly.
	Sandbox bool
	// RefreshMargin: a token expiring within it is refreshed before use
	// (default 5 minutes; at most half the token's lifetime).
	RefreshMargin time.Duration
	// CacheTTL bounds how long ValidToken trusts its in-memory copy without
	// reading the store: the staleness another replica's disconnect or
	// reconnect can see (default 10 s).
	CacheTTL time.Duration
	// ExpiringWindow: TokenStatus says "expiring" within it (default 24 h).
	ExpiringWindow time.Duration
}

// Deps are the service's collaborators.
type Deps struct {
	DB        *store.DB
	Vault     *oauth.Vault
	Providers map[platform.Name]Provider
	Zoho      ZohoProvider // nil: Zoho is not offered
	Audit     Auditor
	Events    Events // nil: events are dropped
	// Jobs plans each token's refresh before it expires (see Register);
	// nil: tokens refresh on use and in the sweep only.
	Jobs Jobs
	Log  zerolog.Logger
	Now  func() time.Time
}

// Service is the accounts capability.
type Service struct {
	cfg       Config
	store     Store
	vault     *oauth.Vault
	states    *oauth.States
	flight    *oauth.Flight
	providers map[platform.Name]Provider
	zoho      ZohoProvider
	audit     Auditor
	events    Events
	jobs      Jobs
	log       zerolog.Logger
	now       func() time.Time

	mu    sync.RWMutex
	cache map[string]cacheEntry
}

// New returns the service.
func New(cfg Config, d Deps) (*Service, error) {
	if d.DB == nil || d.Vault == nil || d.Audit == nil {
		return nil, errors.New("accounts: a store, a vault and an audit log are required")
	}
	if _, err := url.ParseRequestURI(cfg.PublicURL); err != nil || !strings.HasPrefix(cfg.PublicURL, "http") {
		return nil, fmt.Errorf("accounts: public URL %q is not an absolute http(s) URL", cfg.PublicURL)
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	if cfg.SettingsPath == "" {
		cfg.SettingsPath = "/dashboard/settings"
	}
	if cfg.RefreshMargin <= 0 {
		cfg.RefreshMargin = 5 * time.Minute
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 10 * time.Second
	}
	if cfg.ExpiringWindow <= 0 {
		cfg.ExpiringWindow = 24 * time.Hour
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Events == nil {
		d.Events = EventFunc(func(context.Context, Event) {})
	}
	providers := map[platform.Name]Provider{}
	for name, p := range d.Providers {
		if p != nil {
			providers[name] = p
		}
	}
	return &Service{
		cfg: cfg, store: NewStore(d.DB), vault: d.Vault, states: oauth.NewStates(d.DB, d.Vault, d.Now),
		flight: oauth.NewFlight(d.DB, d.Now), providers: providers, zoho: d.Zoho, audit: d.Audit,
		events: d.Events, jobs: d.Jobs, log: d.Log, now: d.Now, cache: map[string]cacheEntry{},
	}, nil
}

// Flight exposes the refresh single-flight's knobs (poll interval, wait
// bound) for tests and tuning.
func (s *Service) Flight() *oauth.Flight { return s.flight }

// Errors callers act on.
var (
	ErrUnknownPlatform = errors.New("unknown platform")
	ErrNeedsReauth     = errors.New("the account must be connected again")
	ErrDisconnected    = errors.New("the account is disconnected")
	ErrInvalidReturnTo = errors.New("the return page must be a path on this server")
)

// Platforms lists what this server can connect, in display order.
func (s *Service) Platforms() []platform.Name {
	var out []platform.Name
	for _, p := range platform.Social {
		if s.providers[p] != nil {
			out = append(out, p)
		}
	}
	if s.zoho != nil {
		out = append(out, platform.Zoho)
	}
	return out
}

func (s *Service) supported(p platform.Name) bool { return slices.Contains(s.Platforms(), p) }

func (s *Service) unknownPlatform(p platform.Name) error {
	names := make([]string, 0, 5)
	for _, n := range s.Platforms() {
		names = append(names, string(n))
	}
	return fmt.Errorf("%w %q: this server connects %s", ErrUnknownPlatform, p, strings.Join(names, ", "))
}

// RedirectURI is the OAuth callback of p on this server.
func (s *Service) RedirectURI(p platform.Name) string {
	if p == platform.Zoho {
		return s.cfg.PublicURL + "/api/zoho/callback"
	}
	return s.cfg.PublicURL + "/api/social/callback/" + string(p)
}

// Account is an account as every door shows it: no token material.
type Account struct {
	ID             string        `json:"id"`
	Platform       platform.Name `json:"platform"`
	ExternalID     string        `json:"external_id"`
	AccountName    string        `json:"account_name"`
	Handle         string        `json:"handle"`
	AvatarURL      string        `json:"avatar_url"`
	Kind           string        `json:"kind"`
	ConnectedAt    time.Time     `json:"connected_at"`
	ConnectedBy    string        `json:"connected_by"`
	Status         Status        `json:"status"`
	StatusReason   string        `json:"status_reason,omitempty"`
	TokenExpiresAt *time.Time    `json:"token_expires_at"`
}

func (r Record) account() Account {
	a := Account{ID: r.ID, Platform: r.Platform, ExternalID: r.ExternalID, AccountName: r.Name, Handle: r.Handle, AvatarURL: r.AvatarURL, Kind: r.Kind,
		ConnectedAt: r.ConnectedAt, ConnectedBy: r.ConnectedBy, Status: r.Status, StatusReason: r.StatusReason}
	if !r.Tokens.Expiry.IsZero() {
		t := r.Tokens.Expiry
		a.TokenExpiresAt = &t
	}
	return a
}

// label names a record for people and the audit log.
func (r Record) label() string {
	name := r.Handle
	if name == "" {
		name = r.Name
	}
	return string(r.Platform) + ":" + name
}

// Get returns one account of the caller's workspace; another workspace's
// id is ErrNotFound. Any role.
func (s *Service) Get(ctx context.Context, c identity.Caller, id string) (Account, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Account{}, err
	}
	rec, err := s.store.Get(ctx, Social, c.WorkspaceID, id)
	if err != nil {
		return Account{}, err
	}
	return rec.account(), nil
}

// List returns the workspace's social accounts (of platform p when set);
// p zoho lists its Zoho grant instead. Any role.
func (s *Service) List(ctx context.Context, c identity.Caller, p platform.Name) ([]Account, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return nil, err
	}
	coll := Social
	if p == platform.Zoho {
		coll = Zoho
	}
	recs, err := s.store.List(ctx, coll, c.WorkspaceID, p)
	if err != nil {
		return nil, fmt.Errorf("accounts: list: %w", err)
	}
	out := make([]Account, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.account())
	}
	return out, nil
}

// aad binds a record's token field to its natural key.
func aad(coll Collection, r Record, field string) string {
	return oauth.AAD(string(coll), r.WorkspaceID+"/"+string(r.Platform)+"/"+r.ExternalID, field)
}

// seal encrypts a grant's tokens for r.
func (s *Service) seal(coll Collection, r Record, access, refresh string) (string, string, error) {
	a, err := s.vault.Seal(access, aad(coll, r, "access_token"))
	if err != nil {
		return "", "", err
	}
	rt, err := s.vault.Seal(refresh, aad(coll, r, "refresh_token"))
	return a, rt, err
}

// open decrypts r's tokens; only the vault reads them.
func (s *Service) open(coll Collection, r Record) (access, refresh string, err error) {
	if access, err = s.vault.Open(r.Tokens.Access, aad(coll, r, "access_token")); err != nil {
		return "", "", fmt.Errorf("accounts: %s: %w", r.label(), err)
	}
	if refresh, err = s.vault.Open(r.Tokens.Refresh, aad(coll, r, "refresh_token")); err != nil {
		return "", "", fmt.Errorf("accounts: %s: %w", r.label(), err)
	}
	return access, refresh, nil
}

// record writes an audit entry; a failure is logged, never fatal to the act.
func (s *Service) record(ctx context.Context, c identity.Caller, action, target, detail string) {
	if err := s.audit.Record(ctx, c, action, target, detail); err != nil {
		s.log.Error().Err(err).Str("action", action).Msg("accounts: audit")
	}
}
