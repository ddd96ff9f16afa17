package httpapi

import (
	"net/http"

	"github.com/marketingminds/marketingminds/tools/identity"
)

// routes registers every route; this is the one place to find them.
// /api/* needs a bearer API token except /api/health and the OAuth
// callbacks (there the single-use state is the credential).
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /api/health", s.apiHealth)
	mux.Handle("GET /api/me", s.auth(identity.Viewer, s.me))
	if s.deps.Sandbox != nil {
		mux.Handle("/sandbox/", http.StripPrefix("/sandbox", s.deps.Sandbox))
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such API route: "+r.Method+" "+r.URL.Path)
	})

	// accounts and OAuth (tools/accounts)
	s.accountRoutes(mux)

	// posts (tools/publish)
	s.postRoutes(mux)

	// jobs and scheduler (tools/schedule)
	s.jobRoutes(mux)
}
