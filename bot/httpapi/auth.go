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
		c, fail := s.authenticate(r)
		if fail != nil {
			if fail.status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="marketingminds"`)
			}
			writeError(w, fail.status, fail.code, fail.message)
			return
		}
		c.Door = identity.DoorAPI
		if err := c.Require(min); err != nil {
			writeError(w, http.StatusForbidden, "forbidden", err.Error())
			return
		}
		// The request's own logger (the middleware's) learns who calls.
		zerolog.Ctx(r.Context()).UpdateContext(func(l zerolog.Context) zerolog.Context {
			return l.Str("workspace", c.WorkspaceID).Str("user", c.UserID)
		})
		h(w, r.WithContext(identity.WithCaller(r.Context(), c)), c)
	})
}

// authFailure is why a request's credential was refused.
type authFailure struct {
	status        int
	code, message string
}

// authenticate reads the bearer API token of r and returns its caller.
func (s *Server) authenticate(r *http.Request) (identity.Caller, *authFailure) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return identity.Caller{}, &authFailure{http.StatusUnauthorized, "missing_token", "send your API token as: Authorization: Bearer mm_..."}
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return identity.Caller{}, &authFailure{http.StatusUnauthorized, "malformed_token", "the Authorization header must be: Bearer mm_..."}
	}
	c, err := s.deps.Identity.Authenticate(r.Context(), strings.TrimSpace(token))
	switch {
	case errors.Is(err, identity.ErrMalformedToken):
		return identity.Caller{}, &authFailure{http.StatusUnauthorized, "malformed_token", "that is not a Marketing Minds API token (they start with mm_)"}
	case errors.Is(err, identity.ErrInvalidToken):
		return identity.Caller{}, &authFailure{http.StatusUnauthorized, "invalid_token", "the API token is unknown or was revoked; create a new one with `marketingminds token create`"}
	case err != nil:
		zerolog.Ctx(r.Context()).Error().Err(err).Msg("http: authenticate")
		return identity.Caller{}, &authFailure{http.StatusServiceUnavailable, "unavailable", "cannot check the token right now; try again shortly"}
	}
	return c, nil
}
