package httpapi

import (
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/campaigns"
)

// emailListNames are the names of the mailing lists keys name, in order;
// a key Zoho no longer lists (or lists when Zoho cannot be read) shows as
// itself.
func (s *Server) emailListNames(r *http.Request, v *view, keys []string) []string {
	names := map[string]string{}
	lists, err := s.deps.Campaigns.MailingLists(r.Context(), v.Caller)
	if err != nil {
		zerolog.Ctx(r.Context()).Warn().Err(err).Msg("dashboard: mailing lists unreadable, showing their keys")
	}
	for _, l := range lists {
		names[l.Key] = l.Name
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		if n := names[k]; n != "" {
			out[i] = n
		}
	}
	return out
}

// dashEmailSend: POST /dashboard/email/{id}/send sends a draft (or a
// scheduled campaign) now through campaigns.SendEmail.
func (s *Server) dashEmailSend(w http.ResponseWriter, r *http.Request, v *view) {
	id := r.PathValue("id")
	if _, err := s.deps.Campaigns.SendEmail(r.Context(), v.Caller, id); err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/dashboard/email/"+id+"?done=sent", http.StatusSeeOther)
}

// dashEmailCancel: POST /dashboard/email/{id}/cancel cancels a scheduled
// campaign's send job (the scheduler's Cancel, as DELETE /api/jobs/{id});
// the job's cancel hook in tools/campaigns marks the campaign cancelled.
func (s *Server) dashEmailCancel(w http.ResponseWriter, r *http.Request, v *view) {
	id := r.PathValue("id")
	e, err := s.deps.Campaigns.GetEmail(r.Context(), v.Caller, id)
	if err != nil {
		s.campaignsPageError(w, r, v, err)
		return
	}
	if e.Status != campaigns.EmailScheduled || e.JobID == "" || s.deps.Jobs == nil {
		v.Title, v.Error, v.Data = e.Name, "Only a scheduled campaign can be cancelled; this one is "+string(e.Status)+".",
			&emailDetail{Email: e, Errors: map[string][]string{}, Lists: s.emailListNames(r, v, e.ListKeys)}
		s.render(w, r, http.StatusConflict, "email_detail", v)
		return
	}
	if err := s.deps.Jobs.Cancel(r.Context(), v.Caller.WorkspaceID, e.JobID); err != nil {
		zerolog.Ctx(r.Context()).Error().Err(err).Str("job", e.JobID).Msg("dashboard: cancel e-mail")
		s.renderError(w, r, http.StatusInternalServerError, "Cancelling failed; try again shortly.")
		return
	}
	http.Redirect(w, r, "/dashboard/email/"+id+"?done=cancelled", http.StatusSeeOther)
}
