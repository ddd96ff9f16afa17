package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// authedHandler is a handler that knows its caller.
type authedHandler func(w http.ResponseWriter, r *http.Request, c identity.Caller)

// auth requires a valid bearer API token whose role is at least min, puts the
// caller in the request context and calls h. Failures answer 401 (missing,
// malformed, unknown or revoked token) or 403 (role too low) in the JSON
// error shape.
func (s *Server) auth(min identity.Role, h authedHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			unauthorized(w, "missing_token", "send your API token as: Authorization: Bearer mm_...")
			return
		}
		scheme, token, ok := strings.Cut(header, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			unauthorized(w, "malformed_token", "the Authorization header must be: Bearer mm_...")
			return
		}
		c, err := s.deps.Identity.Authenticate(r.Context(), strings.TrimSpace(token))
		switch {
		case errors.Is(err, identity.ErrMalformedToken):
			unauthorized(w, "malformed_token", "that is not a Marketing Minds API token (they start with mm_)")
			return
		case errors.Is(err, identity.ErrInvalidToken):
			unauthorized(w, "invalid_token", "the API token is unknown or was revoked; create a new one with `marketingminds token create`")
			return
		case err != nil:
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: authenticate")
			writeError(w, http.StatusServiceUnavailable, "unavailable", "cannot check the token right now; try again shortly")
			return
		}
		c.Door = identity.DoorAPI
		if err := c.Require(min); err != nil {
			writeError(w, http.StatusForbidden, "forbidden", err.Error())
			return
		}
		log := zerolog.Ctx(r.Context()).With().Str("workspace", c.WorkspaceID).Str("user", c.UserID).Logger()
		ctx := identity.WithCaller(log.WithContext(r.Context()), c)
		h(w, r.WithContext(ctx), c)
	})
}

func unauthorized(w http.ResponseWriter, code, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="marketingminds"`)
	writeError(w, http.StatusUnauthorized, code, msg)
}
