package sandbox

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// FaultKind names a ready-made failure, answered in the platform's own shape.
type FaultKind string

const (
	// FaultRateLimit: the platform's 429 (or Graph error code 4 / Zoho limit)
	// with its rate-limit headers, reset RetryAfter from now.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultServerError: a 500 with the platform's error body.
	FaultServerError FaultKind = "server_error"
	// FaultTokenExpired: the platform's expired-token answer (Graph code 190,
	// X/LinkedIn 401, Zoho INVALID_TOKEN).
	FaultTokenExpired FaultKind = "token_expired"
)

// Mode is how a fault answers.
type Mode string

const (
	// ModeRespond answers with the fault's status and body; nothing happens.
	ModeRespond Mode = "respond"
	// ModeAcceptThenFail serves the request for real (the post is created),
	// then answers with the fault's status and body instead.
	ModeAcceptThenFail Mode = "accept_then_fail"
	// ModeAcceptThenDrop serves the request for real, then drops the
	// connection without answering.
	ModeAcceptThenDrop Mode = "accept_then_drop"
)

// Fault is an injected failure. It matches requests by platform (or host),
// method and path prefix; Times bounds how many it hits (0: until cleared).
type Fault struct {
	ID       int64  `json:"id"`
	Platform string `json:"platform"`         // facebook, instagram, twitter, linkedin, zoho; or "" with Host
	Host     string `json:"host,omitempty"`   // e.g. api.x.com; overrides Platform
	Method   string `json:"method,omitempty"` // "" matches every method
	Path     string `json:"path,omitempty"`   // real path prefix, e.g. /2/tweets; "" matches all
	Mode     Mode   `json:"mode,omitempty"`   // default ModeRespond

	Kind       FaultKind         `json:"kind,omitempty"`   // a ready-made answer ...
	Status     int               `json:"status,omitempty"` // ... or this status,
	Body       string            `json:"body,omitempty"`   // body
	Headers    map[string]string `json:"headers,omitempty"`
	RetryAfter time.Duration     `json:"retry_after,omitempty"` // for FaultRateLimit; default 60 s
	Latency    time.Duration     `json:"latency,omitempty"`     // added before answering
	Times      int               `json:"times,omitempty"`

	hits int
}

// platformHosts maps each platform to the real hosts the sandbox serves for it.
var platformHosts = map[string][]string{
	"facebook":  {"graph.facebook.com", "graph-video.facebook.com", "www.facebook.com"},
	"instagram": {"graph.instagram.com", "api.instagram.com", "www.instagram.com"},
	"twitter":   {"api.x.com", "x.com", "api.twitter.com", "twitter.com"},
	"linkedin":  {"api.linkedin.com", "www.linkedin.com"},
	"zoho":      {"accounts.zoho.com", "www.zohoapis.com", "campaigns.zoho.com"},
}

// hostPlatform returns the platform serving host (zoho for every zoho DC).
func hostPlatform(host string) string {
	for p, hosts := range platformHosts {
		for _, h := range hosts {
			if h == host {
				return p
			}
		}
	}
	if strings.Contains(host, "zoho") {
		return "zoho"
	}
	return ""
}

// InjectFault adds f and returns its id.
func (s *Sandbox) InjectFault(f Fault) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.ID = s.nextID()
	if f.Mode == "" {
		f.Mode = ModeRespond
	}
	s.faults = append(s.faults, &f)
	return f.ID
}

// ClearFaults removes every fault.
func (s *Sandbox) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Faults lists the active faults.
func (s *Sandbox) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, *f)
	}
	return out
}

// matchFault finds the first live fault for r and counts the hit; callers hold s.mu.
func (s *Sandbox) matchFault(r *http.Request) *Fault {
	host, path := splitHostPath(r.URL.Path)
	for i, f := range s.faults {
		if f.Host != "" && f.Host != host {
			continue
		}
		if f.Host == "" && f.Platform != "" && hostPlatform(host) != f.Platform &&
			!(f.Platform == "instagram" && host == "graph.facebook.com" && isInstagramGraphPath(path)) {
			continue
		}
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.Path != "" && !matchPathPrefix(path, f.Path) {
			continue
		}
		f.hits++
		if f.Times > 0 && f.hits >= f.Times {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

// matchPathPrefix matches a real path against a fault's path prefix; a Graph
// version segment in either may be left out ("/me/accounts" matches
// "/v26.0/me/accounts").
func matchPathPrefix(path, prefix string) bool {
	return strings.HasPrefix(path, prefix) || strings.HasPrefix(stripGraphVersion(path), stripGraphVersion(prefix))
}

func stripGraphVersion(p string) string {
	rest := strings.TrimPrefix(p, "/")
	seg, tail, _ := strings.Cut(rest, "/")
	if len(seg) > 1 && seg[0] == 'v' && strings.Contains(seg, ".") {
		return "/" + tail
	}
	return p
}

// splitHostPath splits "/api.x.com/2/tweets" into "api.x.com" and "/2/tweets".
func splitHostPath(p string) (host, path string) {
	rest := strings.TrimPrefix(p, "/")
	host, path, _ = strings.Cut(rest, "/")
	return host, "/" + path
}

func (f *Fault) apply(s *Sandbox, w http.ResponseWriter, r *http.Request) {
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-r.Context().Done():
			return
		}
	}
	switch f.Mode {
	case ModeAcceptThenFail, ModeAcceptThenDrop:
		rec := httptest.NewRecorder()
		s.mux.ServeHTTP(rec, r)
		if f.Mode == ModeAcceptThenDrop {
			dropConnection(w)
			return
		}
	}
	if f.Kind == "" && f.Status == 0 {
		// Latency only: serve for real.
		s.mux.ServeHTTP(w, r)
		return
	}
	status, header, body := f.Status, http.Header{}, []byte(f.Body)
	if f.Kind != "" {
		host, _ := splitHostPath(r.URL.Path)
		platform := f.Platform
		if platform == "" {
			platform = hostPlatform(host)
		}
		retry := f.RetryAfter
		if retry == 0 {
			retry = time.Minute
		}
		status, header, body = s.faultResponse(platform, f.Kind, retry)
		if f.Status != 0 {
			status = f.Status
		}
		if f.Body != "" {
			body = []byte(f.Body)
		}
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	for k, v := range f.Headers {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// faultResponse renders a ready-made fault in platform's shape.
func (s *Sandbox) faultResponse(platform string, kind FaultKind, retry time.Duration) (int, http.Header, []byte) {
	now := s.now()
	switch platform {
	case "facebook", "instagram":
		return graphFault(kind, now, retry)
	case "twitter":
		return xFault(kind, now, retry)
	case "linkedin":
		return linkedInFault(kind, now, retry)
	case "zoho":
		return zohoFault(kind, now, retry)
	}
	return http.StatusInternalServerError, http.Header{}, []byte("sandbox: fault for unknown platform " + platform)
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
