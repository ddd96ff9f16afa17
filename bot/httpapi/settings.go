package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/limit"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// Settings is what the settings routes need of tools/settings (*settings.Service).
type Settings interface {
	Get(ctx context.Context, c identity.Caller) (settings.Settings, error)
	Update(ctx context.Context, c identity.Caller, p settings.Patch) (settings.Settings, error)
}

// settingsGet: GET /api/settings
func (s *Server) settingsGet(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	st, err := s.deps.Settings.Get(r.Context(), c)
	if err != nil {
		settingsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "settings": st})
}

// settingsUpdate: PATCH /api/settings {"approval_policy", "notification_channel", "time_zone", "default_role"}
func (s *Server) settingsUpdate(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	var b struct {
		settings.Patch
		UserID string `json:"user_id"`
	}
	if !decodeJSON(w, r, &b) || rejectOtherUser(w, c, b.UserID) {
		return
	}
	st, err := s.deps.Settings.Update(r.Context(), c, b.Patch)
	if err != nil {
		settingsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "settings": st})
}

// settingsProblems is the error shape with the list of problems.
type settingsProblems struct {
	Success      bool               `json:"success"`
	Error        errorInfo          `json:"error"`
	Problems     []settings.Problem `json:"problems"`
	MoreProblems int                `json:"more_problems,omitempty"`
}

func settingsError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *settings.ValidationError
	switch {
	case errors.As(err, &ve):
		kept, more := limit.First(ve.Problems)
		writeJSON(w, http.StatusBadRequest, settingsProblems{Error: errorInfo{Code: "invalid_settings", Message: ve.Error()}, Problems: kept, MoreProblems: more})
	case errors.Is(err, identity.ErrForbidden):
		writeError(w, http.StatusForbidden, "forbidden", err.Error())
	default:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: settings")
		writeError(w, http.StatusInternalServerError, "internal", "the settings request failed; try again")
	}
}
