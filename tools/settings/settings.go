// Package settings keeps each workspace's settings (the settings
// collection, one record per workspace): the approval policy for what the
// agent publishes, the Slack channel that hears about job outcomes, the
// workspace's time zone, the role new Slack users get and how long the
// assistant's conversations are kept.
//
// People read and change them through Get and Update (REST, slash commands
// and the agent call the same two functions); the other packages ask the
// cheap, cached system-side lookups Lookup, ApprovalPolicy and Location.
package settings

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	// Time zones are validated and loaded from the binary's own copy of the
	// IANA database, so a setting valid on one host is valid on every host
	// (containers often lack /usr/share/zoneinfo).
	_ "time/tzdata"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
)

// Policy says which publications wait for a person's approval in Slack.
type Policy string

// The approval policies.
const (
	// PolicyAgent (the default): what the agent (an LLM) decided to publish
	// waits; a person's explicit command (slash command, REST, dashboard)
	// publishes directly.
	PolicyAgent Policy = "agent"
	// PolicyAlways: every publication waits, whoever asked for it.
	PolicyAlways Policy = "always"
	// PolicyNever: nothing waits; the workspace turned approval off.
	PolicyNever Policy = "never"
)

// Requires reports whether a publication asked for through door waits for
// approval under p. The system's own jobs (a scheduled post going out) were
// approved, or not needed approval, when they were created.
func (p Policy) Requires(door identity.Door) bool {
	switch p {
	case PolicyNever:
		return false
	case PolicyAlways:
		return door != identity.DoorSystem
	}
	return door == identity.DoorAgent
}

// The defaults of a workspace nobody configured.
const (
	DefaultPolicy   = PolicyAgent
	DefaultTimeZone = "UTC"
	DefaultRole     = identity.Editor
	// DefaultConversationRetentionDays is how long a conversation with the
	// assistant is kept after its last message, unless set.
	DefaultConversationRetentionDays = 90
	// MaxConversationRetentionDays bounds the setting (ten years).
	MaxConversationRetentionDays = 3650
)

// Settings are a workspace's settings, defaults applied.
type Settings struct {
	WorkspaceID    string `json:"workspace_id"`
	ApprovalPolicy Policy `json:"approval_policy"`
	// NotificationChannel is the Slack channel id told about job outcomes;
	// "" when none is set.
	NotificationChannel string `json:"notification_channel"`
	// TimeZone is an IANA name, UTC by default.
	TimeZone    string        `json:"time_zone"`
	DefaultRole identity.Role `json:"default_role"`
	// WeeklyDigest: last week's digest is posted on Mondays at 09:00 in
	// TimeZone (on by default, once a channel is set), to DigestChannel
	// or, when that is "", to NotificationChannel.
	WeeklyDigest  bool   `json:"weekly_digest"`
	DigestChannel string `json:"digest_channel"`
	// InboxChannel is the Slack channel id new inbox items (comments and
	// mentions) are posted to; "" when none is set (the dashboard only).
	InboxChannel string `json:"inbox_channel"`
	// ConversationRetentionDays: the cleanup job forgets the messages of
	// the assistant's conversations older than this many days.
	ConversationRetentionDays int `json:"conversation_retention_days"`
	// DefaultAccounts maps a platform (linkedin, twitter, ...) to the
	// account id posts go to when the platform matches several accounts.
	DefaultAccounts map[string]string `json:"default_accounts"`
	UpdatedBy       string            `json:"updated_by,omitempty"`
	UpdatedAt       *time.Time        `json:"updated_at,omitempty"`
}

// DigestTo is the channel the weekly digest goes to, "" when it is off or
// no channel is set.
func (s Settings) DigestTo() string {
	if !s.WeeklyDigest {
		return ""
	}
	if s.DigestChannel != "" {
		return s.DigestChannel
	}
	return s.NotificationChannel
}

// Patch changes settings: a nil field stays as it is, "" (0 for a number)
// resets a field to its default (for the notification channel: none).
type Patch struct {
	ApprovalPolicy      *string `json:"approval_policy,omitempty"`
	NotificationChannel *string `json:"notification_channel,omitempty"`
	TimeZone            *string `json:"time_zone,omitempty"`
	DefaultRole         *string `json:"default_role,omitempty"`
	DigestChannel       *string `json:"digest_channel,omitempty"`
	WeeklyDigest        *bool   `json:"weekly_digest,omitempty"`
	InboxChannel        *string `json:"inbox_channel,omitempty"`
	// ConversationRetentionDays: 1 to MaxConversationRetentionDays.
	ConversationRetentionDays *int `json:"conversation_retention_days,omitempty" jsonschema:"minimum=0,maximum=3650"`
}

// onOff stores a switch as "on" or "off" (nil stays nil).
func onOff(v *bool) *string {
	if v == nil {
		return nil
	}
	s := "off"
	if *v {
		s = "on"
	}
	return &s
}

// Problem is one thing wrong with a patch.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem of a patch at once.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	kept, more := limit.First(e.Problems)
	msgs := make([]string, len(kept))
	for i, p := range kept {
		msgs[i] = p.Message
	}
	return "settings: " + limit.Join(msgs, more)
}

// Auditor records consequential acts (tools/audit.Log).
type Auditor interface {
	Record(ctx context.Context, c identity.Caller, action, target, detail string) error
}

// Config is the service's configuration and collaborators.
type Config struct {
	Store Store
	Audit Auditor
	Log   zerolog.Logger
	Now   func() time.Time
	// CacheTTL bounds how long the system-side lookups trust their
	// in-memory copy (default 15 s). Update refreshes this process's copy at
	// once; another replica sees a change within CacheTTL.
	CacheTTL time.Duration
}

// Service is the settings capability.
type Service struct {
	store Store
	audit Auditor
	log   zerolog.Logger
	now   func() time.Time
	ttl   time.Duration

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	s    Settings
	loc  *time.Location
	read time.Time
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Audit == nil {
		return nil, errors.New("settings: a store and an audit log are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = 15 * time.Second
	}
	return &Service{store: cfg.Store, audit: cfg.Audit, log: cfg.Log, now: cfg.Now, ttl: cfg.CacheTTL, cache: map[string]cached{}}, nil
}

// settings applies the defaults to what is stored.
func settingsOf(workspaceID string, r Record, found bool) Settings {
	s := Settings{WorkspaceID: workspaceID, ApprovalPolicy: Policy(r.ApprovalPolicy), NotificationChannel: r.NotificationChannel,
		TimeZone: r.TimeZone, DefaultRole: identity.Role(r.DefaultRole), UpdatedBy: r.UpdatedBy,
		WeeklyDigest: r.WeeklyDigest != "off", DigestChannel: r.DigestChannel, InboxChannel: r.InboxChannel, ConversationRetentionDays: r.ConversationRetentionDays,
		DefaultAccounts: map[string]string{}}
	for k, v := range r.DefaultAccounts {
		s.DefaultAccounts[k] = v
	}
	if s.ApprovalPolicy == "" {
		s.ApprovalPolicy = DefaultPolicy
	}
	if s.TimeZone == "" {
		s.TimeZone = DefaultTimeZone
	}
	if s.DefaultRole == "" {
		s.DefaultRole = DefaultRole
	}
	if s.ConversationRetentionDays <= 0 {
		s.ConversationRetentionDays = DefaultConversationRetentionDays
	}
	if found && !r.UpdatedAt.IsZero() {
		at := r.UpdatedAt
		s.UpdatedAt = &at
	}
	return s
}

// Get returns the caller's workspace's settings, defaults where unset; any role.
func (s *Service) Get(ctx context.Context, c identity.Caller) (Settings, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Settings{}, err
	}
	r, found, err := s.store.Get(ctx, c.WorkspaceID)
	if err != nil {
		return Settings{}, fmt.Errorf("settings: get: %w", err)
	}
	return settingsOf(c.WorkspaceID, r, found), nil
}

// Update changes the caller's workspace's settings; admins only. Every
// problem of the patch is reported at once (*ValidationError) and nothing is
// saved then. The change is audited.
func (s *Service) Update(ctx context.Context, c identity.Caller, p Patch) (Settings, error) {
	if err := c.Require(identity.Admin); err != nil {
		return Settings{}, err
	}
	p, changed, err := validate(p)
	if err != nil {
		return Settings{}, err
	}
	r, err := s.store.Apply(ctx, c.WorkspaceID, p, c.UserID, store.Trunc(s.now()))
	if err != nil {
		return Settings{}, fmt.Errorf("settings: update: %w", err)
	}
	out := settingsOf(c.WorkspaceID, r, true)
	if _, err := s.remember(out); err != nil {
		return Settings{}, err
	}
	if err := s.audit.Record(ctx, c, "settings.update", c.WorkspaceID, changed); err != nil {
		s.log.Error().Err(err).Msg("settings: audit")
	}
	return out, nil
}

var channelID = regexp.MustCompile(`^[CG][A-Z0-9]{6,20}$`)

// validate checks every field of p, trims them, and describes the change
// for the audit log.
func validate(p Patch) (Patch, string, error) {
	var problems []Problem
	var changed []string
	bad := func(field, format string, args ...any) {
		problems = append(problems, Problem{Field: field, Message: field + ": " + fmt.Sprintf(format, args...)})
	}
	trim := func(v *string) *string {
		if v == nil {
			return nil
		}
		t := strings.TrimSpace(*v)
		return &t
	}
	p.ApprovalPolicy, p.NotificationChannel, p.TimeZone, p.DefaultRole = trim(p.ApprovalPolicy), trim(p.NotificationChannel), trim(p.TimeZone), trim(p.DefaultRole)
	p.DigestChannel, p.InboxChannel = trim(p.DigestChannel), trim(p.InboxChannel)
	if v := p.ApprovalPolicy; v != nil {
		switch Policy(*v) {
		case "", PolicyAgent, PolicyAlways, PolicyNever:
			changed = append(changed, "approval_policy="+*v)
		default:
			bad("approval_policy", "%s is not a policy: use agent (what the agent publishes waits for approval), always or never", limit.Quote(*v))
		}
	}
	if v := p.NotificationChannel; v != nil {
		switch {
		case *v == "" || channelID.MatchString(*v):
			changed = append(changed, "notification_channel="+*v)
		case strings.HasPrefix(*v, "#"):
			bad("notification_channel", "give the channel's id (like C0123ABCD: in Slack, the channel's details show it at the bottom), not its name %s", limit.Quote(*v))
		default:
			bad("notification_channel", "%s is not a Slack channel id (they look like C0123ABCD)", limit.Quote(*v))
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"digest_channel", p.DigestChannel}, {"inbox_channel", p.InboxChannel}} {
		switch v := f.v; {
		case v == nil:
		case *v == "" || channelID.MatchString(*v):
			changed = append(changed, f.name+"="+*v)
		case strings.HasPrefix(*v, "#"):
			bad(f.name, "give the channel's id (like C0123ABCD: in Slack, the channel's details show it at the bottom), not its name")
		default:
			bad(f.name, "that is not a Slack channel id (they look like C0123ABCD)")
		}
	}
	if v := p.WeeklyDigest; v != nil {
		changed = append(changed, "weekly_digest="+*onOff(v))
	}
	if v := p.TimeZone; v != nil {
		if _, err := time.LoadLocation(*v); err != nil || *v == "Local" {
			bad("time_zone", "%s is not an IANA time zone (like Europe/Paris, America/New_York or UTC)", limit.Quote(*v))
		} else {
			changed = append(changed, "time_zone="+*v)
		}
	}
	if v := p.DefaultRole; v != nil {
		switch r := identity.Role(*v); {
		case r == "" || slices.Contains(NewUserRoles(), r):
			changed = append(changed, "default_role="+*v)
		case r == identity.Admin:
			bad("default_role", "new users cannot become admins automatically; use editor or viewer and make admins one by one")
		default:
			bad("default_role", "%s is not a role for new users: use editor or viewer", limit.Quote(*v))
		}
	}
	if v := p.ConversationRetentionDays; v != nil {
		if *v < 0 || *v > MaxConversationRetentionDays {
			bad("conversation_retention_days", "keep conversations from 1 to %d days (0: the default, %d)", MaxConversationRetentionDays, DefaultConversationRetentionDays)
		} else {
			changed = append(changed, fmt.Sprintf("conversation_retention_days=%d", *v))
		}
	}
	if len(problems) > 0 {
		return Patch{}, "", &ValidationError{Problems: problems}
	}
	if len(changed) == 0 {
		return Patch{}, "", &ValidationError{Problems: []Problem{{Field: "", Message: "nothing to change: give approval_policy, notification_channel, time_zone, default_role, weekly_digest, digest_channel, inbox_channel or conversation_retention_days"}}}
	}
	return p, strings.Join(changed, " "), nil
}
