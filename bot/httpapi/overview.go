package httpapi

import (
	"net/http"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// dashboardOverview: GET /api/dashboard/overview
func (s *Server) dashboardOverview(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	if foreignUser(w, r, c) {
		return
	}
	o, err := s.deps.Analytics.Overview(r.Context(), c)
	if err != nil {
		analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "token_status": o.TokenStatus, "connected_accounts": o.ConnectedAccounts,
		"pending_jobs": o.PendingJobs, "analytics": o.Analytics})
}
