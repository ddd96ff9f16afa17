package httpapi

import (
	"net/http"
	"strconv"

	"github.com/marketingminds/marketingminds/tools/campaigns"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// crmLimit reads ?limit= (1..200; absent: the default); false after a 400.
func crmLimit(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > campaigns.MaxCRMLimit {
		writeError(w, http.StatusBadRequest, "invalid_limit", "limit must be a number from 1 to "+strconv.Itoa(campaigns.MaxCRMLimit))
		return 0, false
	}
	return n, true
}

// crmCounts: GET /api/crm answers the record count of Leads, Contacts, Deals.
func (s *Server) crmCounts(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	counts, err := s.deps.Campaigns.CRMCounts(r.Context(), c)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "counts": counts})
}

// crmRecords: GET /api/crm/{module}?limit=&refresh=true (Leads, Contacts, Deals).
func (s *Server) crmRecords(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	limit, ok := crmLimit(w, r)
	if !ok {
		return
	}
	refresh, err := strconv.ParseBool(firstOf(q.Get("refresh"), "false"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "refresh must be true or false")
		return
	}
	l, err := s.deps.Campaigns.CRMRecords(r.Context(), c, r.PathValue("module"), limit, refresh)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "module": l.Module, "count": l.Total,
		"records": l.Records, "fetched_at": l.FetchedAt})
}

// crmSearchLeads: GET /api/crm/leads/search?q=&limit=
func (s *Server) crmSearchLeads(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	q := r.URL.Query()
	limit, ok := crmLimit(w, r)
	if !ok {
		return
	}
	recs, err := s.deps.Campaigns.SearchLeads(r.Context(), c, q.Get("q"), limit)
	if err != nil {
		campaignError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "query": q.Get("q"), "records": recs})
}
