// Package httpapi is the HTTP sidecar: the REST API under /api, OAuth
// callbacks, health and readiness probes and Prometheus metrics (later the
// Slack HTTP endpoints and the dashboard). Handlers parse, authenticate and
// reply; the work is done by the tools they call.
package httpapi

import (
	"context"
	"github.com/marketingminds/marketingminds/bot/present/chart"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Authenticator turns an API token into a Caller.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (identity.Caller, error)
}

// Pinger reports whether the store answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is everything the server needs; cmd builds it.
type Deps struct {
	Log      zerolog.Logger
	Identity Authenticator
	Store    Pinger
	// Registry collects the HTTP metrics and serves /metrics; it should
	// already hold the Go runtime and store collectors.
	Registry *prometheus.Registry
	// Agents are named in /api/health.
	Agents []string
	// Sandbox is mounted under /sandbox/ when set, and said plainly in /api/health.
	Sandbox http.Handler
	// Posts serves /api/social/post* and /api/social/posts* when set.
	Posts Posts
	// Accounts serves the account, OAuth and token routes when set.
	Accounts Accounts
	// Jobs serves /api/jobs/* when set (*schedule.Scheduler).
	Jobs Jobs
	// Approvals serves /api/approvals* when set (*agents.Orchestrator).
	Approvals Approvals
	// MCP serves the Model Context Protocol at /mcp when set
	// (bot/mcp.Server.Handler); it finds the caller in the request context.
	MCP http.Handler
	// Analytics serves /api/social/analytics/* and /api/dashboard/overview
	// when set (*analytics.Service).
	Analytics Analytics
	// Slack serves /slack/* when set (*slack.Bot).
	Slack Slack
	// Sessions serves the dashboard under /dashboard when set.
	Sessions Sessions
	// PublicURL is MM_PUBLIC_URL: the session cookie is Secure when it is https.
	PublicURL string
	// UserLocation is the zone the dashboard shows a user's times in (the
	// one publishing reads local times in); nil: UTC.
	UserLocation func(ctx context.Context, workspaceID, userID string) (*time.Location, error)
	// People names users and the workspace on the dashboard; nil: people
	// read as "you" and "a teammate", the workspace unnamed.
	People People
	Now    func() time.Time

	// Campaigns serves /api/campaigns*, /api/email/*, /api/crm* and
	// /email/content/{key} when set (*campaigns.Service).
	Campaigns Campaigns
	// CampaignAnalytics answers GET /api/campaigns/{id}/analytics; nil: 503.
	CampaignAnalytics CampaignAnalytics

	// Library serves /api/library*, /api/templates* and
	// /api/hashtags/suggest when set (*library.Service).
	Library Library
	// Media serves /api/media* and the signed URLs /media/{token} when
	// set (*media.Service).
	Media Media
	// Converter serves POST /api/media/convert when set (*check.Service).
	Converter Converter
	// Resubmitter, when set, proposes the web chat's refused post again
	// once its Convert button converted the media (*agents.Orchestrator).
	Resubmitter Resubmitter
	// Settings serves /api/settings when set (*settings.Service).
	Settings Settings
	// Defaults adds each platform's default account to the settings page
	// when set (*publish.Resolver).
	Defaults DefaultAccounts
	// Agent answers the dashboard's web chat when set with Turns
	// (*agents.Orchestrator); its approvals are decided through Approvals.
	Agent Agent
	// Turns keeps the web chat's turns as they run (agents.TaskStore).
	Turns ChatTurns
	// Present renders the web chat's typed results; nil: present.New().
	Present *present.Registry
	// Tokens lets a dashboard admin create and revoke API tokens when set
	// (*identity.Service).
	Tokens TokenAdmin
	// ChartKeys are the app's keys, current first: the charts put in
	// e-mails are served at links signed with them. None: no e-mail charts.
	ChartKeys [][]byte
	// Inbox serves /api/inbox* and /api/webhooks/meta, the dashboard's
	// inbox page, the overview's unanswered count and the response times on
	// the analytics page when set (*inbox.Service).
	Inbox Inbox
	// Drafter drafts replies on the inbox page (the content writer); nil:
	// the page says drafting is not served.
	Drafter ReplyDrafter
}

// Server is the HTTP sidecar.
type Server struct {
	deps     Deps
	log      zerolog.Logger
	metrics  *httpMetrics
	handler  http.Handler
	patterns []string
	chat     *chatRunner
	charts   *chart.Painter
	links    *chartLinks // nil: no e-mail charts
}

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	s := &Server{deps: d, log: d.Log, metrics: newHTTPMetrics(d.Registry), chat: newChatRunner(d.Present),
		charts: new(chart.Painter), links: newChartLinks(d.ChartKeys)}
	mux := &routeMux{ServeMux: http.NewServeMux()}
	s.routes(mux)
	s.patterns = mux.patterns
	s.handler = s.middleware(mux)
	return s
}

// Handler is the root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer wraps the handler in an *http.Server with timeouts that bound
// slow clients.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}
