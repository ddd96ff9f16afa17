package httpapi

import (
	"net/http"

	"github.com/rs/zerolog"
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
