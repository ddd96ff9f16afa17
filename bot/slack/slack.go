// Package slack is the Slack door: the Events API (over the HTTP sidecar,
// signed requests) or Socket Mode, conversations with the orchestrator in
// threads with streamed replies, Block Kit approvals, the /mm slash command,
// the multi-workspace OAuth install, App Home and job-outcome notifications.
//
// Every request is verified, acknowledged at once and worked on after the
// ack; deliveries Slack repeats are recognised through the Store, across
// replicas. Work reaches the capabilities through small interfaces declared
// here (Conversations, Approvals, Publisher, ...), which cmd adapts.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"

	"github.com/marketingminds/marketingminds/agents/intent"
	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/integrations/oauth"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// Config is the Slack door's configuration.
type Config struct {
	// SigningSecret verifies Events API, slash command and interactivity requests.
	SigningSecret string
	// BotToken (xoxb-) is the single-workspace token; empty: each team's
	// token from its OAuth install.
	BotToken string
	// AppToken (xapp-) turns Socket Mode on.
	AppToken string
	// APIURL overrides the Web API base; it must end with "/".
	APIURL string
	// ClientID and ClientSecret enable the multi-workspace install.
	ClientID, ClientSecret string
	// PublicURL is where Slack reaches this service (the OAuth redirect).
	PublicURL string
	// AuthorizeURL is Slack's consent page (default
	// https://slack.com/oauth/v2/authorize).
	AuthorizeURL string
	// DefaultRole is given to users who are not workspace admins or owners
	// (default editor).
	DefaultRole identity.Role
	// NotifyChannel receives job outcomes that belong to no thread.
	NotifyChannel string
	// ThreadFor is how long after a post is due the thread that asked for
	// it is remembered (default 7 days).
	ThreadFor time.Duration
	// Workers bounds the tasks run at once after acknowledgements (default
	// 4096: most of a task waits on the model and Slack, not the CPU).
	Workers int
	// Queue bounds the tasks waiting for a worker (default 8192); past it
	// a delivery is refused with a logged reason and, for a message, the
	// person is told it was not taken.
	Queue int
	// SeenFor is how long a delivery is remembered (default 1 h).
	SeenFor time.Duration
	// MessageGap is the least time between two messages in a channel (default 1 s).
	MessageGap time.Duration
	// UpdateGap is the least time between two edits of a streaming message (default 1 s).
	UpdateGap time.Duration
	// QuickReply is how long a turn may take before the assistant status
	// shows, and how long an answer's text may keep coming before it is
	// streamed instead of posted whole (default 1 s): a quick answer is
	// one chat.postMessage.
	QuickReply time.Duration
	// UserTTL bounds how long users.info answers are cached (default 1 h).
	UserTTL time.Duration
	// InboxEvery is how often new inbox items are looked for, besides
	// KickInbox (default 10 s).
	InboxEvery time.Duration
	// MaxFileBytes bounds a file shared in Slack that the door keeps
	// (default DefaultMaxFileBytes); a larger one is refused, the limit named.
	MaxFileBytes int64
}

// Users is what the door needs of tools/identity.
type Users interface {
	// EnsureUser creates the workspace and the user unless they exist and
	// returns the stored user (whose role then wins over u.Role).
	EnsureUser(ctx context.Context, u identity.User) (identity.User, error)
	// NameWorkspace gives a workspace the team's name unless it has one.
	NameWorkspace(ctx context.Context, id, name string) (identity.Workspace, error)
}

// Settings are the workspaces' settings (*settings.Service): a workspace's
// notification channel and default role win over the deployment's.
type Settings interface {
	Lookup(ctx context.Context, workspaceID string) (settings.Settings, error)
	Update(ctx context.Context, c identity.Caller, p settings.Patch) (settings.Settings, error)
}

// Deps are the door's collaborators.
type Deps struct {
	Store         Store
	Users         Users
	Conversations Conversations
	Approvals     Approvals // nil: approvals are not shown as buttons
	Publisher     Publisher // nil: edited approvals, /mm post and App Home are unavailable
	Posts         Posts     // nil: job outcomes are not told
	Accounts      Accounts  // nil: /mm accounts and App Home are unavailable
	Targets       Targets   // nil: /mm post and /mm default are unavailable
	Jobs          Jobs      // nil: /mm jobs is unavailable
	Tokens        Tokens    // nil: /mm token is unavailable
	Settings      Settings  // nil: the deployment's NotifyChannel and DefaultRole
	SignIn        SignIn    // nil: /mm dashboard is unavailable
	Analytics     Analytics // nil: /mm analytics goes to the conversation
	Inbox         Inbox     // nil: no inbox in Slack
	Drafter       Drafter   // nil: no "Draft a reply" button
	Converter     Converter // nil: Convert buttons say they are out of date
	Media         Media     // nil: files shared in Slack are not kept
	// Resubmitter, when set, proposes a thread's refused post again once
	// its Convert button converted the media.
	Resubmitter Resubmitter
	// Participation tells the channel threads the app is part of; nil:
	// files shared there without a mention are not kept, and a first
	// mention in a thread does not read the files shared before it.
	Participation Participation
	// Vault seals installed bot tokens; States holds the install's OAuth
	// states. Both are needed for the multi-workspace install.
	Vault  *oauth.Vault
	States *oauth.States
	HTTP   *http.Client // nil: NewHTTPClient, a pool sized for bursts
	Log    zerolog.Logger
	Now    func() time.Time
}

// Bot is the Slack door.
type Bot struct {
	cfg    Config
	d      Deps
	log    zerolog.Logger
	now    func() time.Time
	base   context.Context
	wait   sync.WaitGroup
	work   *pool                    // the work after acknowledgements
	sorry  *pool                    // telling people their message was not taken
	seen   batch[string, bool]      // event ids to remember
	queued batch[PostRef, struct{}] // outcomes to queue in the outbox
	pace   *pacer
	users  *userCache
	// selfCalls makes the concurrent misses of selves for a team one auth.test.
	selfCalls singleflight.Group
	handlers  map[string]eventHandler
	actions   map[string]actionHandler
	slashes   map[intent.Kind]slashRunner
	present   *present.Registry

	mu      sync.Mutex
	clients map[string]*slack.Client // bot token → client
	selves  map[string]string        // team → the app's user id there (auth.test)
	out     outcomes                 // guarded by mu
	owner   string                   // this replica's name in the outbox's leases

	inboxKick chan struct{} // KickInbox's signal to RunInbox
}

// New returns the door. ctx bounds the work done after acknowledgements:
// cancel it to stop, then Wait.
func New(ctx context.Context, cfg Config, d Deps) (*Bot, error) {
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		return nil, errors.New("slack: a signing secret (Events API) or an app token (Socket Mode) is required")
	}
	if d.Store == nil || d.Users == nil || d.Conversations == nil {
		return nil, errors.New("slack: a store, users and conversations are required")
	}
	if cfg.BotToken == "" && (d.Vault == nil || d.States == nil) {
		return nil, errors.New("slack: without a bot token the install needs a vault and OAuth states")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slack.APIURL
	}
	if cfg.APIURL[len(cfg.APIURL)-1] != '/' {
		return nil, fmt.Errorf("slack: API URL %q must end with /", cfg.APIURL)
	}
	if cfg.AuthorizeURL == "" {
		cfg.AuthorizeURL = "https://slack.com/oauth/v2/authorize"
	}
	if cfg.DefaultRole == "" {
		cfg.DefaultRole = identity.Editor
	}
	if _, err := identity.ParseRole(string(cfg.DefaultRole)); err != nil {
		return nil, fmt.Errorf("slack: default role: %w", err)
	}
	if cfg.SeenFor <= 0 {
		cfg.SeenFor = time.Hour
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4096
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 8192
	}
	if cfg.MessageGap <= 0 {
		cfg.MessageGap = time.Second
	}
	if cfg.UpdateGap <= 0 {
		cfg.UpdateGap = time.Second
	}
	if cfg.QuickReply <= 0 {
		cfg.QuickReply = time.Second
	}
	if cfg.UserTTL <= 0 {
		cfg.UserTTL = time.Hour
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = DefaultMaxFileBytes
	}
	if cfg.InboxEvery <= 0 {
		cfg.InboxEvery = 10 * time.Second
	}
	if cfg.ThreadFor <= 0 {
		cfg.ThreadFor = 7 * 24 * time.Hour
	}
	if d.HTTP == nil {
		d.HTTP = NewHTTPClient()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	b := &Bot{
		cfg: cfg, d: d, log: d.Log, now: d.Now, base: ctx,
		pace: newPacer(cfg.MessageGap, d.Now), clients: map[string]*slack.Client{}, selves: map[string]string{}, present: present.New(),
		out: outcomes{asks: map[string]int{}, parked: map[string]map[string]bool{}}, owner: newOwner(),
		work: newPool(cfg.Workers, cfg.Queue), sorry: newPool(1, 64), inboxKick: make(chan struct{}, 1),
	}
	b.users = newUserCache(cfg.UserTTL, d.Now)
	b.handlers = b.eventHandlers()
	b.actions = b.actionHandlers()
	b.slashes = b.slashRunners()
	return b, nil
}

// Wait blocks until the work started after acknowledgements has finished.
func (b *Bot) Wait() { b.wait.Wait() }

// client returns the Web API client of team.
func (b *Bot) client(ctx context.Context, teamID string) (*slack.Client, error) {
	token, err := b.botToken(ctx, teamID)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.clients[token]
	if c == nil {
		c = slack.New(token, slack.OptionAPIURL(b.cfg.APIURL), slack.OptionHTTPClient(b.d.HTTP))
		b.clients[token] = c
	}
	return c, nil
}

// botToken is the configured token, else the team's installed one.
func (b *Bot) botToken(ctx context.Context, teamID string) (string, error) {
	if b.cfg.BotToken != "" {
		return b.cfg.BotToken, nil
	}
	in, err := b.d.Store.Install(ctx, teamID)
	if err != nil {
		return "", fmt.Errorf("slack: bot token of team %s: %w", teamID, err)
	}
	tok, err := b.d.Vault.Open(in.BotToken, installAAD(teamID))
	if err != nil {
		return "", fmt.Errorf("slack: bot token of team %s: %w", teamID, err)
	}
	return tok, nil
}

func installAAD(teamID string) string { return oauth.AAD("slack_installs", teamID, "bot_token") }

// defaultRole is a new user's role in workspaceID: the workspace's setting
// once it changed its settings, else the deployment's.
func (b *Bot) defaultRole(ctx context.Context, workspaceID string) identity.Role {
	if b.d.Settings == nil {
		return b.cfg.DefaultRole
	}
	st, err := b.d.Settings.Lookup(ctx, workspaceID)
	if err != nil {
		b.log.Warn().Err(err).Str("team", workspaceID).Msg("slack: settings; using the deployment's default role")
		return b.cfg.DefaultRole
	}
	if st.UpdatedAt == nil || st.DefaultRole == "" {
		return b.cfg.DefaultRole
	}
	return st.DefaultRole
}

// notifyChannel is where workspaceID's job outcomes go when they belong to
// no thread: the workspace's notification channel, else the deployment's.
func (b *Bot) notifyChannel(ctx context.Context, workspaceID string) string {
	if b.d.Settings != nil {
		st, err := b.d.Settings.Lookup(ctx, workspaceID)
		if err != nil {
			b.log.Warn().Err(err).Str("team", workspaceID).Msg("slack: settings; using the deployment's notification channel")
		} else if st.NotificationChannel != "" {
			return st.NotificationChannel
		}
	}
	return b.cfg.NotifyChannel
}
