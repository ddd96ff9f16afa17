package httpapi

import (
	"net/http"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
)

// routes registers every route; this is the one place to find them.
// /api/* needs a bearer API token except /api/health and the OAuth
// callbacks (there the single-use state is the credential).
func (s *Server) routes(mux *routeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /api/health", s.apiHealth)
	mux.Handle("GET /api/me", s.auth(identity.Viewer, s.me))
	if s.deps.Sandbox != nil {
		mux.Handle("/sandbox/", http.StripPrefix("/sandbox", s.deps.Sandbox))
	}
	mux.HandleFunc("GET /api/openapi.json", s.openapi)
	if s.deps.Sessions != nil { // the dashboard (bot/httpapi/dashboard*.go)
		s.dashboardRoutes(mux)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API route: "+r.Method+" "+r.URL.Path)
	})

	s.slackRoutes(mux)
	if s.deps.Accounts != nil { // accounts and OAuth (tools/accounts)
		mux.Handle("GET /api/social/connect/{platform}", s.auth(identity.Editor, s.connect))
		mux.HandleFunc("GET /api/social/callback/{platform}", s.callback)
		mux.Handle("GET /api/social/accounts", s.auth(identity.Viewer, s.listAccounts))
		mux.Handle("DELETE /api/social/accounts/{id}", s.auth(identity.Editor, s.disconnect))
		mux.Handle("POST /api/tokens/refresh", s.auth(identity.Editor, s.refreshTokens))
		mux.Handle("GET /api/tokens/status", s.auth(identity.Viewer, s.tokenStatus))
		mux.Handle("GET /api/zoho/connect", s.auth(identity.Editor, s.connect))
		mux.HandleFunc("GET /api/zoho/callback", s.callback)
	}
	if s.deps.Groups != nil { // account groups (tools/groups)
		s.groupRoutes(mux)
	}
	if s.deps.Posts != nil { // posts (tools/publish)
		mux.Handle("POST /api/social/post", s.auth(identity.Editor, s.idempotent(s.postNow)))
		mux.Handle("POST /api/social/post/multiple", s.auth(identity.Editor, s.idempotent(s.postNow)))
		mux.Handle("POST /api/social/post/schedule", s.auth(identity.Editor, s.idempotent(s.postSchedule)))
		mux.Handle("GET /api/social/posts", s.auth(identity.Viewer, s.postList))
		mux.Handle("GET /api/social/posts/{id}", s.auth(identity.Viewer, s.postGet))
		mux.Handle("PATCH /api/social/posts/{id}", s.auth(identity.Editor, s.postUpdate))
		mux.Handle("POST /api/social/posts/{id}/retry", s.auth(identity.Editor, s.idempotent(s.postRetry)))
		mux.Handle("POST /api/social/posts/{id}/publish-anyway", s.auth(identity.Editor, s.idempotent(s.postPublishAnyway)))
		mux.Handle("POST /api/social/posts/{id}/cancel", s.auth(identity.Editor, s.postCancel))
	}
	if s.deps.Approvals != nil { // the agent's approval gate (agents)
		mux.Handle("GET /api/approvals", s.auth(identity.Viewer, s.approvalList))
		mux.Handle("POST /api/approvals/{id}/approve", s.auth(identity.Editor, s.approvalApprove))
		mux.Handle("POST /api/approvals/{id}/reject", s.auth(identity.Editor, s.approvalReject))
	}
	if s.deps.Library != nil { // content library, templates, hashtags (tools/library)
		content, tpl := library.KindContent, library.KindTemplate
		mux.Handle("GET /api/library", s.auth(identity.Viewer, ownUser(s.libraryList(content))))
		mux.Handle("POST /api/library", s.auth(identity.Editor, ownUser(s.libraryCreate(content))))
		mux.Handle("GET /api/library/{id}", s.auth(identity.Viewer, ownUser(s.libraryGet(content))))
		mux.Handle("PATCH /api/library/{id}", s.auth(identity.Editor, ownUser(s.libraryUpdate(content))))
		mux.Handle("DELETE /api/library/{id}", s.auth(identity.Editor, ownUser(s.libraryDelete(content))))
		mux.Handle("GET /api/templates", s.auth(identity.Viewer, ownUser(s.libraryList(tpl))))
		mux.Handle("POST /api/templates", s.auth(identity.Editor, ownUser(s.libraryCreate(tpl))))
		mux.Handle("GET /api/templates/{id}", s.auth(identity.Viewer, ownUser(s.libraryGet(tpl))))
		mux.Handle("PATCH /api/templates/{id}", s.auth(identity.Editor, ownUser(s.libraryUpdate(tpl))))
		mux.Handle("DELETE /api/templates/{id}", s.auth(identity.Editor, ownUser(s.libraryDelete(tpl))))
		mux.Handle("POST /api/templates/{id}/render", s.auth(identity.Viewer, ownUser(s.templateRender)))
		mux.Handle("POST /api/hashtags/suggest", s.auth(identity.Viewer, ownUser(s.suggestHashtags)))
	}
	if s.deps.Media != nil { // uploaded images and videos, signed URLs (tools/media)
		s.mediaRoutes(mux)
	}
	if s.deps.Converter != nil { // images converted to fit a platform (tools/media/check)
		mux.Handle("POST /api/media/convert", s.auth(identity.Editor, s.mediaConvert))
		mux.Handle("POST /dashboard/media/convert", s.page(identity.Editor, "chat", s.dashConvert))
	}
	if s.deps.Settings != nil { // workspace settings (tools/settings)
		mux.Handle("GET /api/settings", s.auth(identity.Viewer, ownUser(s.settingsGet)))
		mux.Handle("PATCH /api/settings", s.auth(identity.Admin, ownUser(s.settingsUpdate)))
	}
	if s.deps.Campaigns != nil { // marketing campaigns, Zoho e-mail and CRM (tools/campaigns)
		mux.Handle("GET /api/campaigns", s.auth(identity.Viewer, ownUser(s.campaignList)))
		mux.Handle("POST /api/campaigns", s.auth(identity.Editor, ownUser(s.campaignCreate)))
		mux.Handle("GET /api/campaigns/{id}", s.auth(identity.Viewer, ownUser(s.campaignGet)))
		mux.Handle("PATCH /api/campaigns/{id}", s.auth(identity.Editor, ownUser(s.campaignUpdate)))
		mux.Handle("GET /api/campaigns/{id}/analytics", s.auth(identity.Viewer, ownUser(s.campaignAnalytics)))
		mux.Handle("POST /api/campaigns/{id}/crm", s.auth(identity.Editor, ownUser(s.campaignLinkCRM)))
		mux.Handle("GET /api/email/lists", s.auth(identity.Viewer, ownUser(s.emailLists)))
		mux.Handle("POST /api/email/campaigns", s.auth(identity.Editor, ownUser(s.emailCreate)))
		mux.Handle("GET /api/email/campaigns", s.auth(identity.Viewer, ownUser(s.emailList)))
		mux.Handle("GET /api/email/campaigns/{id}", s.auth(identity.Viewer, ownUser(s.emailGet)))
		mux.Handle("POST /api/email/campaigns/{id}/send", s.auth(identity.Editor, ownUser(s.emailSend)))
		mux.Handle("POST /api/email/campaigns/{id}/schedule", s.auth(identity.Editor, ownUser(s.emailSchedule)))
		mux.Handle("GET /api/email/campaigns/{id}/report", s.auth(identity.Viewer, ownUser(s.emailReport)))
		mux.Handle("GET /api/crm", s.auth(identity.Viewer, ownUser(s.crmCounts)))
		mux.Handle("GET /api/crm/{module}", s.auth(identity.Viewer, ownUser(s.crmRecords)))
		mux.Handle("GET /api/crm/leads/search", s.auth(identity.Viewer, ownUser(s.crmSearchLeads)))
		mux.HandleFunc("GET /email/content/{key}", s.emailContent) // public: Zoho reads it; the key is the credential
	}
	if s.deps.Jobs != nil { // jobs and the scheduler (tools/schedule)
		mux.Handle("GET /api/jobs/status/{job_id}", s.auth(identity.Viewer, s.jobStatus))
		mux.Handle("GET /api/jobs/user", s.auth(identity.Viewer, s.jobsOfUser))
		mux.Handle("DELETE /api/jobs/{job_id}", s.auth(identity.Editor, s.jobCancel))
		mux.Handle("GET /api/jobs/scheduler/status", s.auth(identity.Viewer, s.schedulerStatus))
		mux.Handle("POST /api/jobs/scheduler/start", s.auth(identity.Admin, s.schedulerStart))
		mux.Handle("POST /api/jobs/scheduler/stop", s.auth(identity.Admin, s.schedulerStop))
	}
	if s.deps.Analytics != nil { // analytics and the dashboard overview (tools/analytics)
		mux.Handle("POST /api/social/analytics/sync", s.auth(identity.Editor, s.analyticsSync))
		mux.Handle("GET /api/social/analytics/aggregate", s.auth(identity.Viewer, s.analyticsAggregate))
		mux.Handle("GET /api/social/analytics/history", s.auth(identity.Viewer, s.analyticsHistory))
		mux.Handle("GET /api/social/analytics/best-times", s.auth(identity.Viewer, s.analyticsBestTimes))
		mux.Handle("GET /api/social/analytics/review", s.auth(identity.Viewer, s.analyticsReview))
		mux.Handle("GET /api/social/analytics/{platform}/{account_id}", s.auth(identity.Viewer, s.analyticsAccount))
		mux.Handle("GET /api/dashboard/overview", s.auth(identity.Viewer, s.dashboardOverview))
	}
	if s.deps.Inbox != nil { // comments and mentions, Meta webhooks (tools/inbox)
		s.inboxRoutes(mux)
	}
	if s.deps.MCP != nil { // the Model Context Protocol (bot/mcp)
		mux.HandleFunc("/mcp", s.mcp)
	}
}

// routeMux is a ServeMux that remembers the patterns registered on it, so
// the OpenAPI test can compare the document with the real routes.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// Routes lists every pattern registered, in order.
func (s *Server) Routes() []string { return append([]string(nil), s.patterns...) }
