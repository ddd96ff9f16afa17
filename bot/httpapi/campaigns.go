package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// Campaigns is what the campaign, e-mail and CRM routes need of
// tools/campaigns (*campaigns.Service).
type Campaigns interface {
	CreateCampaign(ctx context.Context, c identity.Caller, in campaigns.NewCampaign) (campaigns.Campaign, error)
	GetCampaign(ctx context.Context, c identity.Caller, id string) (campaigns.Campaign, error)
	ListCampaigns(ctx context.Context, c identity.Caller) ([]campaigns.Campaign, error)
	UpdateCampaign(ctx context.Context, c identity.Caller, id string, p campaigns.CampaignPatch) (campaigns.Campaign, error)
	LinkCRM(ctx context.Context, c identity.Caller, id string) (campaigns.Campaign, error)

	MailingLists(ctx context.Context, c identity.Caller) ([]campaigns.MailingList, error)
	CreateEmail(ctx context.Context, c identity.Caller, in campaigns.NewEmail) (campaigns.EmailCampaign, error)
	GetEmail(ctx context.Context, c identity.Caller, id string) (campaigns.EmailCampaign, error)
	ListEmails(ctx context.Context, c identity.Caller, campaignID string) ([]campaigns.EmailCampaign, error)
	SendEmail(ctx context.Context, c identity.Caller, id string) (campaigns.EmailCampaign, error)
	ScheduleEmail(ctx context.Context, c identity.Caller, id string, at time.Time) (campaigns.EmailCampaign, error)
	ParseTime(ctx context.Context, c identity.Caller, v string) (time.Time, error)
	EmailReport(ctx context.Context, c identity.Caller, id string) (campaigns.EmailCampaign, error)
	EmailContent(ctx context.Context, key string) (html, text string, err error)

	CRMRecords(ctx context.Context, c identity.Caller, module string, limit int, refresh bool) (campaigns.CRMList, error)
	CRMCounts(ctx context.Context, c identity.Caller) (map[string]int, error)
	SearchLeads(ctx context.Context, c identity.Caller, q string, limit int) ([]campaigns.CRMRecord, error)
}

// CampaignAnalytics is the per-campaign summary of tools/analytics: from
// and to are days (midnight UTC), both included.
type CampaignAnalytics interface {
	CampaignSummary(ctx context.Context, c identity.Caller, campaignID string, from, to time.Time) (any, error)
}

// rejectOtherUser answers 403 when a request names a user_id that is not the
// caller's: identity comes from the token, never from the request.
func rejectOtherUser(w http.ResponseWriter, c identity.Caller, userID string) bool {
	if userID != "" && userID != c.UserID {
		writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("user_id %q is not you: the API token says who you are; leave user_id out", userID))
		return true
	}
	return false
}

// ownUser wraps a campaigns handler: a user_id query parameter other than
// the caller's is a 403 (bodies are checked by their handlers).
func ownUser(h authedHandler) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, c identity.Caller) {
		if rejectOtherUser(w, c, r.URL.Query().Get("user_id")) {
			return
		}
		h(w, r, c)
	}
}

// campaignError maps the campaigns errors (and Zoho's) to statuses.
func campaignError(w http.ResponseWriter, r *http.Request, err error) {
	msg := strings.TrimPrefix(err.Error(), "campaigns: ")
	var pe *platform.Error
	switch {
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, campaigns.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such campaign in this workspace")
	case errors.Is(err, campaigns.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", strings.TrimPrefix(msg, "invalid request: "))
	case errors.Is(err, campaigns.ErrZohoNotConnected):
		writeError(w, http.StatusConflict, "zoho_not_connected", msg)
	case errors.Is(err, campaigns.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", strings.TrimPrefix(msg, "conflict: "))
	case errors.Is(err, campaigns.ErrZohoUnavailable):
		writeError(w, http.StatusServiceUnavailable, "zoho_unavailable", msg)
	case errors.As(err, &pe) && pe.Kind == platform.KindPermanent:
		writeError(w, http.StatusBadRequest, "zoho_rejected", "Zoho refused: "+platform.Message(err))
	case errors.As(err, &pe) && pe.Kind == platform.KindRateLimit:
		if pe.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(pe.RetryAfter.Seconds()+0.5)))
		}
		writeError(w, http.StatusTooManyRequests, "zoho_rate_limited", "Zoho asks to wait before the next call; try again later")
	case errors.As(err, &pe):
		writeError(w, http.StatusBadGateway, "zoho_error", msg)
	case errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "cancelled", "the request was cancelled")
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: campaigns")
		writeError(w, http.StatusInternalServerError, "internal", "the request failed unexpectedly; try again shortly")
	}
}

// campaignBody is what POST /api/campaigns takes.
type campaignBody struct {
	campaigns.NewCampaign
	UserID string `json:"user_id"`
}

// campaignCreate: POST /api/campaigns {"name", "goal", "start_date", "end_date", "tag"}
func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b campaignBody
	if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
		return
	}
	cp, err := s.deps.Campaigns.CreateCampaign(r.Context(), c, b.NewCampaign)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"success": true, "campaign": cp})
}

// campaignList: GET /api/campaigns
func (s *Server) campaignList(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	list, err := s.deps.Campaigns.ListCampaigns(r.Context(), c)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaigns": list})
}

// campaignPosts is how many of a campaign's posts GET /api/campaigns/{id}
// shows (newest first); GET /api/social/posts?campaign_id= pages through all.
const campaignPosts = 100

// campaignGet: GET /api/campaigns/{id}, with its e-mail campaigns and (when
// publishing is served) its newest posts.
func (s *Server) campaignGet(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	cp, err := s.deps.Campaigns.GetCampaign(r.Context(), c, r.PathValue("id"))
	if err != nil {
		campaignError(w, r, err)
		return
	}
	emails, err := s.deps.Campaigns.ListEmails(r.Context(), c, cp.ID)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	out := map[string]any{"success": true, "campaign": cp, "email_campaigns": emails}
	if s.deps.Posts != nil {
		posts, next, err := s.deps.Posts.List(r.Context(), c, campaignPosts, "", publish.InCampaign(cp.ID))
		if err != nil {
			s.postError(w, r, err)
			return
		}
		out["posts"], out["more_posts"] = posts, next != ""
	}
	writeJSON(w, http.StatusOK, out)
}

// campaignPatchBody is what PATCH /api/campaigns/{id} takes.
type campaignPatchBody struct {
	campaigns.CampaignPatch
	UserID string `json:"user_id"`
}

// campaignUpdate: PATCH /api/campaigns/{id}
func (s *Server) campaignUpdate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b campaignPatchBody
	if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
		return
	}
	cp, err := s.deps.Campaigns.UpdateCampaign(r.Context(), c, r.PathValue("id"), b.CampaignPatch)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaign": cp})
}

// campaignLinkCRM: POST /api/campaigns/{id}/crm creates its CRM Campaigns record.
func (s *Server) campaignLinkCRM(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	cp, err := s.deps.Campaigns.LinkCRM(r.Context(), c, r.PathValue("id"))
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaign": cp})
}

// campaignAnalytics: GET /api/campaigns/{id}/analytics?date_from=&date_to=
// (days; default the campaign's dates, else the last 30 days).
func (s *Server) campaignAnalytics(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	cp, err := s.deps.Campaigns.GetCampaign(r.Context(), c, r.PathValue("id"))
	if err != nil {
		campaignError(w, r, err)
		return
	}
	today := s.deps.Now().UTC().Format(time.DateOnly)
	from, to := firstOf(q.Get("date_from"), cp.StartDate), firstOf(q.Get("date_to"), cp.EndDate, today)
	if from == "" {
		from = s.deps.Now().UTC().AddDate(0, 0, -29).Format(time.DateOnly)
	}
	if q.Get("date_to") == "" && to < from { // a campaign that has not started yet
		to = from
	}
	fromT, ferr := time.Parse(time.DateOnly, from)
	toT, terr := time.Parse(time.DateOnly, to)
	switch {
	case ferr != nil || terr != nil:
		writeError(w, http.StatusBadRequest, "invalid_date", "date_from and date_to are dates like 2026-12-01")
		return
	case toT.Before(fromT):
		writeError(w, http.StatusBadRequest, "invalid_date", "date_to is before date_from")
		return
	case toT.Sub(fromT) > 365*24*time.Hour:
		writeError(w, http.StatusBadRequest, "invalid_date", "the range is longer than 366 days")
		return
	}
	if s.deps.CampaignAnalytics == nil {
		writeError(w, http.StatusServiceUnavailable, "analytics_unavailable", "analytics not wired: campaign analytics are not available on this server")
		return
	}
	sum, err := s.deps.CampaignAnalytics.CampaignSummary(r.Context(), c, cp.ID, fromT, toT)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "campaign": cp, "date_from": from, "date_to": to, "analytics": sum})
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
