package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// healthz: the process is alive.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz: the process can serve, i.e. the store answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.ping(r.Context()); err != nil {
		zerolog.Ctx(r.Context()).Warn().Err(err).Msg("readyz: store unreachable")
		http.Error(w, "store unreachable\n", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ready\n"))
}

func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.deps.Store.Ping(ctx)
}

type healthBody struct {
	Status   string   `json:"status"`
	Database string   `json:"database"`
	Agents   []string `json:"agents"`
	Sandbox  bool     `json:"sandbox"`
	Notice   string   `json:"notice,omitempty"`
}

// apiHealth answers in the product brief's shape; 503 when the store is down.
func (s *Server) apiHealth(w http.ResponseWriter, r *http.Request) {
	body := healthBody{Status: "healthy", Database: "connected", Agents: s.deps.Agents, Sandbox: s.deps.Sandbox != nil}
	if body.Agents == nil {
		body.Agents = []string{}
	}
	if body.Sandbox {
		body.Notice = "SANDBOX MODE: every platform is emulated; nothing is posted anywhere real"
	}
	status := http.StatusOK
	if err := s.ping(r.Context()); err != nil {
		zerolog.Ctx(r.Context()).Warn().Err(err).Msg("api health: store unreachable")
		body.Status, body.Database, status = "unhealthy", "disconnected", http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}

// me tells a token's owner who they are.
// meBody is GET /api/me's answer (a struct: it is on the hot path).
type meBody struct {
	Success     bool   `json:"success"`
	WorkspaceID string `json:"workspace_id"`
	UserID      string `json:"user_id"`
	Role        string `json:"role"`
	TokenID     string `json:"token_id"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, c identity.Caller) {
	writeJSON(w, http.StatusOK, meBody{Success: true, WorkspaceID: c.WorkspaceID, UserID: c.UserID, Role: string(c.Role), TokenID: c.TokenID})
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.deps.Registry, promhttp.HandlerOpts{})
}
