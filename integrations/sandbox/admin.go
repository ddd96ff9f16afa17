package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// The admin API under /_sandbox/: what tests do from Go, people do with curl.
//
//	GET    /_sandbox/                   what the sandbox serves, as text
//	GET    /_sandbox/faults             active faults
//	POST   /_sandbox/faults             add one: {"platform":"twitter","method":"POST","path":"/2/tweets","kind":"rate_limit","retry_after":"90s","times":1}
//	DELETE /_sandbox/faults             clear them
//	GET    /_sandbox/calls?method=&path= count of requests received
//	POST   /_sandbox/apps               {"platform","client_id","client_secret","redirect_uris":[]}
//	POST   /_sandbox/consent            {"platform":"linkedin","approve":false}: the next consents deny
//	POST   /_sandbox/tokens/expire      {"platform":"twitter"}: every access token expires now
//	GET    /_sandbox/media/{name}.jpg   a generated sample image (.png too), for examples to publish
//	POST   /_sandbox/x/users            {"username":"brand_two"}: X consents are given as that user from now on (created when new) → {"id"}
func (s *Sandbox) routesAdmin() {
	s.mux.HandleFunc("GET /_sandbox/{$}", s.adminIndex)
	s.mux.HandleFunc("GET /_sandbox/media/{file}", s.serveMedia)
	s.mux.HandleFunc("GET /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"faults": s.Faults()})
	})
	s.mux.HandleFunc("POST /_sandbox/faults", s.adminAddFault)
	s.mux.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("GET /_sandbox/calls", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		writeJSON(w, http.StatusOK, map[string]int{"calls": s.Calls(q.Get("method"), q.Get("path"))})
	})
	s.mux.HandleFunc("POST /_sandbox/apps", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Platform     string   `json:"platform"`
			ClientID     string   `json:"client_id"`
			ClientSecret string   `json:"client_secret"`
			RedirectURIs []string `json:"redirect_uris"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Platform == "" || req.ClientID == "" || req.ClientSecret == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want platform, client_id and client_secret"})
			return
		}
		s.RegisterApp(req.Platform, req.ClientID, req.ClientSecret, req.RedirectURIs...)
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("POST /_sandbox/consent", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Platform string `json:"platform"`
			Approve  bool   `json:"approve"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Platform == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want platform and approve"})
			return
		}
		s.SetConsent(req.Platform, req.Approve)
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("POST /_sandbox/tokens/expire", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Platform string `json:"platform"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Platform == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want platform"})
			return
		}
		s.ExpireTokens(req.Platform)
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("POST /_sandbox/x/users", s.adminXUser)
	s.mux.HandleFunc("GET /_sandbox/posts", s.adminPosts)
	s.routesAdminEngagement()
}

func (s *Sandbox) adminAddFault(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Fault
		RetryAfter string `json:"retry_after"`
		Latency    string `json:"latency"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed fault: " + err.Error()})
		return
	}
	f := req.Fault
	var err error
	if f.RetryAfter, err = parseDuration(req.RetryAfter); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "retry_after: " + err.Error()})
		return
	}
	if f.Latency, err = parseDuration(req.Latency); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "latency: " + err.Error()})
		return
	}
	if _, ok := platformHosts[f.Platform]; !ok && f.Host == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("unknown platform %q", f.Platform)})
		return
	}
	switch f.Kind {
	case "", FaultRateLimit, FaultServerError, FaultTokenExpired:
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("unknown kind %q", f.Kind)})
		return
	}
	switch f.Mode {
	case "", ModeRespond, ModeAcceptThenFail, ModeAcceptThenDrop:
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("unknown mode %q", f.Mode)})
		return
	}
	if f.Kind == "" && f.Status == 0 && f.Latency == 0 && f.Mode != ModeAcceptThenDrop {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "a fault needs a kind, a status, a latency or mode accept_then_drop"})
		return
	}
	id := s.InjectFault(f)
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

// parseDuration reads "90s" or a number of seconds.
func parseDuration(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(n * float64(time.Second)), nil
	}
	return time.ParseDuration(v)
}

// SetConsent decides what the platform's consent page does from now on:
// approve (the default) or deny with error=access_denied.
func (s *Sandbox) SetConsent(platform string, approve bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deny == nil {
		s.deny = map[string]bool{}
	}
	s.deny[platform] = !approve
}

// consentDenied reports whether consent for platform is set to deny; callers hold s.mu.
func (s *Sandbox) consentDenied(platform string) bool { return s.deny[platform] }

func (s *Sandbox) adminIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "Marketing Minds platform sandbox. Nothing here reaches a real platform.\n\n")
	fmt.Fprintf(w, "Each real host is served under its own first path segment:\n")
	for _, p := range []string{"facebook", "instagram", "twitter", "linkedin", "zoho"} {
		fmt.Fprintf(w, "  %-10s", p)
		for _, h := range platformHosts[p] {
			fmt.Fprintf(w, " %s/%s", s.base(r), h)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nAdmin API: GET|POST|DELETE /_sandbox/faults, GET /_sandbox/calls, POST /_sandbox/apps, POST /_sandbox/consent, POST /_sandbox/tokens/expire, POST /_sandbox/x/users, GET /_sandbox/posts, POST /_sandbox/webhooks/meta, POST /_sandbox/comments, POST /_sandbox/x/mentions\n")
}
