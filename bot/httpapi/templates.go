package httpapi

import (
	"net/http"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/library"
)

// renderBody is what POST /api/templates/{id}/render takes.
type renderBody struct {
	Values map[string]string `json:"values"`
	UserID string            `json:"user_id"`
}

// templateRender: POST /api/templates/{id}/render {"values": {"name": "..."}}
func (s *Server) templateRender(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b renderBody
	if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
		return
	}
	out, err := s.deps.Library.Render(r.Context(), c, r.PathValue("id"), b.Values)
	if err != nil {
		libraryError(w, r, library.KindTemplate, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "rendered": out})
}
