package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/analytics"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Analytics is what the analytics routes and the overview need of
// tools/analytics (*analytics.Service).
type Analytics interface {
	SyncNow(ctx context.Context, c identity.Caller, accountID string) (analytics.Report, error)
	Aggregate(ctx context.Context, c identity.Caller, rg analytics.Range) (analytics.Aggregate, error)
	Review(ctx context.Context, c identity.Caller, rg analytics.Range) (analytics.Review, error)
	LastDays(ctx context.Context, c identity.Caller, n int) (analytics.Range, error)
	AccountAnalytics(ctx context.Context, c identity.Caller, p platform.Name, accountID string, rg analytics.Range) (analytics.AccountReport, error)
	History(ctx context.Context, c identity.Caller, p platform.Name, days int) (analytics.History, error)
	BestTimes(ctx context.Context, c identity.Caller, p platform.Name) (analytics.BestTimes, error)
	Overview(ctx context.Context, c identity.Caller) (analytics.Overview, error)
}

// analyticsError answers the service's errors with the right status.
func analyticsError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, analytics.ErrInvalid):
		writeError(w, http.StatusBadRequest, "invalid_request", strings.TrimPrefix(err.Error(), analytics.ErrInvalid.Error()+": "))
	case errors.Is(err, analytics.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", strings.TrimPrefix(err.Error(), analytics.ErrNotFound.Error()+": "))
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "interrupted", "the request was interrupted; try again")
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: analytics")
		writeError(w, http.StatusInternalServerError, "internal", "the analytics could not be read; try again shortly")
	}
}

// foreignUser refuses a user_id parameter that is not the caller's: the
// identity comes from the token only.
func foreignUser(w http.ResponseWriter, r *http.Request, c identity.Caller) bool {
	if u := r.URL.Query().Get("user_id"); u != "" && u != c.UserID {
		writeError(w, http.StatusForbidden, "forbidden", "user_id differs from the token's user; omit it, the token says who you are")
		return true
	}
	return false
}

// dateRange reads ?date_from=&date_to=: both ISO dates, or neither (the
// service's default range). Writes the 400 and answers false otherwise.
func dateRange(w http.ResponseWriter, r *http.Request) (analytics.Range, bool) {
	q := r.URL.Query()
	from, to := q.Get("date_from"), q.Get("date_to")
	if from == "" && to == "" {
		return analytics.Range{}, true
	}
	if from == "" || to == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "give both date_from and date_to (ISO dates like 2026-11-01), or neither for the last 30 days")
		return analytics.Range{}, false
	}
	rg, err := analytics.NewRange(from, to)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", strings.TrimPrefix(err.Error(), analytics.ErrInvalid.Error()+": "))
		return analytics.Range{}, false
	}
	return rg, true
}

// socialPlatform reads an optional ?platform= (or the path's).
func socialPlatform(w http.ResponseWriter, raw string, status int) (platform.Name, bool) {
	p := platform.Name(raw)
	if raw != "" && !slices.Contains(platform.Social, p) {
		writeError(w, status, "unknown_platform", "unknown platform "+strconv.Quote(raw)+"; one of facebook, instagram, twitter, linkedin")
		return "", false
	}
	return p, true
}

// analyticsSync: POST /api/social/analytics/sync[?account_id=]
func (s *Server) analyticsSync(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if foreignUser(w, r, c) {
		return
	}
	// The sync outlives a client that goes away: its records are written.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Minute)
	defer cancel()
	rep, err := s.deps.Analytics.SyncNow(ctx, c, r.URL.Query().Get("account_id"))
	if err != nil {
		analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": len(rep.Errors) == 0, "report": rep})
}

// analyticsAggregate: GET /api/social/analytics/aggregate?date_from=&date_to=
func (s *Server) analyticsAggregate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if foreignUser(w, r, c) {
		return
	}
	rg, ok := dateRange(w, r)
	if !ok {
		return
	}
	agg, err := s.deps.Analytics.Aggregate(r.Context(), c, rg)
	if err != nil {
		analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "date_from": agg.Range.From, "date_to": agg.Range.To,
		"platforms": agg.Platforms, "total": agg.Total, "email": agg.Email, "leads": agg.Leads, "top_posts": agg.TopPosts})
}

// analyticsReview: GET /api/social/analytics/review?date_from=&date_to= or
// ?days= is the range beside the period before it, as /mm analytics and
// the review_analytics tool answer (days in the workspace's time zone).
func (s *Server) analyticsReview(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if foreignUser(w, r, c) {
		return
	}
	rg, ok := dateRange(w, r)
	if !ok {
		return
	}
	if raw := r.URL.Query().Get("days"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || rg != (analytics.Range{}) {
			writeError(w, http.StatusBadRequest, "invalid_request", "give days (a whole number from 1 to 366) or date_from and date_to, not both")
			return
		}
		if rg, err = s.deps.Analytics.LastDays(r.Context(), c, n); err != nil {
			analyticsError(w, r, err)
			return
		}
	}
	rev, err := s.deps.Analytics.Review(r.Context(), c, rg)
	if err != nil {
		analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "review": rev})
}

// analyticsAccount: GET /api/social/analytics/{platform}/{account_id}?date_from=&date_to=
func (s *Server) analyticsAccount(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if foreignUser(w, r, c) {
		return
	}
	p, ok := socialPlatform(w, r.PathValue("platform"), http.StatusNotFound)
	if !ok {
		return
	}
	rg, ok := dateRange(w, r)
	if !ok {
		return
	}
	rep, err := s.deps.Analytics.AccountAnalytics(r.Context(), c, p, r.PathValue("account_id"), rg)
	if err != nil {
		analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "platform": rep.Platform, "account_id": rep.AccountID,
		"account_name": rep.Name, "date_from": rep.Range.From, "date_to": rep.Range.To, "metrics": rep.Total,
		"series": rep.Series, "top_posts": rep.TopPosts})
}

// analyticsHistory: GET /api/social/analytics/history?platform=&days=
func (s *Server) analyticsHistory(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if foreignUser(w, r, c) {
		return
	}
	q := r.URL.Query()
	p, ok := socialPlatform(w, q.Get("platform"), http.StatusBadRequest)
	if !ok {
		return
	}
	days := 0
	if raw := q.Get("days"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request", "days must be a whole number from 1 to 366")
			return
		}
		days = n
	}
	h, err := s.deps.Analytics.History(r.Context(), c, p, days)
	if err != nil {
		analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "date_from": h.Range.From, "date_to": h.Range.To,
		"platforms": h.Platforms, "total": h.Total, "email": h.Email})
}

// analyticsBestTimes: GET /api/social/analytics/best-times?platform=
func (s *Server) analyticsBestTimes(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if foreignUser(w, r, c) {
		return
	}
	p, ok := socialPlatform(w, r.URL.Query().Get("platform"), http.StatusBadRequest)
	if !ok {
		return
	}
	bt, err := s.deps.Analytics.BestTimes(r.Context(), c, p)
	if err != nil {
		analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "time_zone": bt.TimeZone, "platforms": bt.Platforms})
}
