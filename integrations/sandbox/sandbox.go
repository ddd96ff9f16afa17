// Package sandbox is an offline emulator of every platform API the adapters
// use: Facebook Graph, Instagram, X API v2, LinkedIn and Zoho (accounts, CRM,
// Campaigns). One http.Handler serves every real host under its own first path
// segment ("/api.x.com/2/tweets", "/graph.facebook.com/v26.0/me/accounts"), at
// the real paths, with the real parameters, headers, JSON shapes, status codes
// and error bodies, so pointing an adapter at it replaces "https://<host>" with
// "<sandbox>/<host>" and nothing else.
//
// It is never more permissive than the real APIs: what they reject, it rejects
// the same way. Faults (status + body, latency, accept-then-fail) are injected
// per platform and endpoint through the admin API under /_sandbox/ or from Go.
package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Options configure a Sandbox. The zero value is usable: real token lifetimes,
// state in memory, the wall clock.
type Options struct {
	// StatePath, when set, is the file the state is kept in across restarts.
	// Only hashes of issued tokens and codes are written.
	StatePath string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// AccessTokenTTL, when non-zero, replaces every platform's access token
	// lifetime (short values make refresh paths run in tests).
	AccessTokenTTL time.Duration
	// ContainerDelay is how long an Instagram media container stays
	// IN_PROGRESS; default 2 s.
	ContainerDelay time.Duration
	// BaseURL is the sandbox's own public base URL, used in URLs it hands
	// out (LinkedIn upload URLs); default derived from each request's Host.
	BaseURL string
	// WebhookClient delivers webhooks (meta_webhook.go); default a client
	// with a 20 s timeout.
	WebhookClient *http.Client
	// MediaClient, when set, downloads the media URLs Instagram and Facebook
	// would fetch, so their bytes are checked as the platforms check them
	// (format, size, aspect ratio); without it only the URL is looked at.
	MediaClient *http.Client
	Logger      zerolog.Logger
}

// Sandbox is the emulator. It is safe for concurrent use.
type Sandbox struct {
	opts Options
	mux  *http.ServeMux

	mu     sync.Mutex
	st     *state
	faults []*Fault
	calls  map[string]int  // "METHOD /host/path" → count
	deny   map[string]bool // platform → consent pages deny
	dirty  bool

	stopSave chan struct{}
	saveDone chan struct{}
}

// state is everything the sandbox remembers; it is what StatePath holds.
type state struct {
	Seq    int64                 `json:"seq"`
	Apps   map[string]*App       `json:"apps"`   // platform/clientID
	Codes  map[string]*authCode  `json:"codes"`  // sha256(code)
	Tokens map[string]*tokenInfo `json:"tokens"` // sha256(token)

	Facebook *fbState   `json:"facebook"`
	X        *xState    `json:"x"`
	LinkedIn *liState   `json:"linkedin"`
	Zoho     *zohoState `json:"zoho"`
	// Engagement is comments and webhooks (engagement.go).
	Engagement *engState `json:"engagement,omitempty"`
}

// New returns a Sandbox, loading its state from opts.StatePath when the file
// exists, seeding a fresh one otherwise.
func New(opts Options) (*Sandbox, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ContainerDelay == 0 {
		opts.ContainerDelay = 2 * time.Second
	}
	s := &Sandbox{opts: opts, calls: map[string]int{}}
	if err := s.load(); err != nil {
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.routes()
	if opts.StatePath != "" {
		s.stopSave = make(chan struct{})
		s.saveDone = make(chan struct{})
		go s.saveLoop()
	}
	return s, nil
}

func newState() *state {
	st := &state{
		Apps:   map[string]*App{},
		Codes:  map[string]*authCode{},
		Tokens: map[string]*tokenInfo{},
	}
	st.Facebook = newFBState()
	st.X = newXState()
	st.LinkedIn = newLIState()
	st.Zoho = newZohoState()
	return st
}

func (s *Sandbox) routes() {
	s.routesAdmin()
	s.routesFacebook()
	s.routesInstagram()
	s.routesX()
	s.routesLinkedIn()
	s.routesZoho()
}

// ServeHTTP counts the call, applies any matching fault, then serves it.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	announceH2C(w, r)
	if !strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.mu.Lock()
		s.calls[r.Method+" "+r.URL.Path]++
		f := s.matchFault(r)
		s.mu.Unlock()
		if f != nil {
			f.apply(s, w, r)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// Close stops the background saver and writes the state one last time.
func (s *Sandbox) Close() error {
	if s.stopSave == nil {
		return nil
	}
	close(s.stopSave)
	<-s.saveDone
	s.stopSave = nil
	return s.save()
}

// Calls counts the requests received for method on paths starting with
// pathPrefix ("/api.x.com/2/oauth2/token"); method "" counts every method.
func (s *Sandbox) Calls(method, pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, c := range s.calls {
		m, p, _ := strings.Cut(k, " ")
		if (method == "" || m == method) && strings.HasPrefix(p, pathPrefix) {
			n += c
		}
	}
	return n
}

func (s *Sandbox) now() time.Time { return s.opts.Now().UTC() }

// nextID returns a fresh number for ids; callers hold s.mu.
func (s *Sandbox) nextID() int64 {
	s.st.Seq++
	s.dirty = true
	return s.st.Seq
}

// base is the sandbox's public base URL as seen by the request.
func (s *Sandbox) base(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimSuffix(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + mountPrefix(r)
}

// mountPrefix is the path prefix the sandbox is mounted under when a
// server strips one before handing requests over (serve mounts it at
// /sandbox with http.StripPrefix): what RequestURI has before URL.Path.
func mountPrefix(r *http.Request) string {
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		return ""
	}
	prefix, ok := strings.CutSuffix(u.Path, r.URL.Path)
	if !ok {
		return ""
	}
	return strings.TrimSuffix(prefix, "/")
}

func hashSecret(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Sandbox) load() error {
	s.st = newState()
	if s.opts.StatePath == "" {
		return nil
	}
	data, err := os.ReadFile(s.opts.StatePath)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: load state: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(data, st); err != nil {
		return fmt.Errorf("sandbox: load state %s: %w", s.opts.StatePath, err)
	}
	s.st = st
	return nil
}

func (s *Sandbox) saveLoop() {
	defer close(s.saveDone)
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stopSave:
			return
		case <-t.C:
			if err := s.save(); err != nil {
				s.opts.Logger.Error().Err(err).Msg("sandbox: save state")
			}
		}
	}
}

// save writes the state when it changed since the last save.
func (s *Sandbox) save() error {
	s.mu.Lock()
	if !s.dirty {
		s.mu.Unlock()
		return nil
	}
	data, err := json.Marshal(s.st)
	s.dirty = false
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sandbox: encode state: %w", err)
	}
	tmp := s.opts.StatePath + ".tmp"
	if err := os.MkdirAll(filepath.Dir(s.opts.StatePath), 0o700); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if err := os.Rename(tmp, s.opts.StatePath); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	return nil
}

// touch marks the state changed; callers hold s.mu.
func (s *Sandbox) touch() { s.dirty = true }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
