// Package sandboxtest is what tests of code that talks to the platforms
// share: a sandbox served over real HTTP, a clock the test moves, and a
// browser that follows a consent page.
package sandboxtest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/sandbox"
)

// Clock is a time the test sets. With Step, every reading moves it on by
// Step, so time-based progress (an Instagram container finishing) happens
// after a known number of readings without the test sleeping.
type Clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

// NewClock returns a clock at t that moves on by step at every reading.
func NewClock(t time.Time, step time.Duration) *Clock { return &Clock{t: t, step: step} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Server is a sandbox served over HTTP for one test.
type Server struct {
	*sandbox.Sandbox
	URL string
	// Hosts points an adapter at this sandbox.
	Hosts platform.Hosts
	// Client reaches it.
	Client *http.Client
}

// Start serves a new sandbox with opts until the test ends.
func Start(t testing.TB, opts sandbox.Options) *Server {
	t.Helper()
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(sb)
	srv.Config.Protocols = sandbox.Protocols() // HTTP/1.1 and h2c, as served for real
	srv.Start()
	t.Cleanup(srv.Close)
	return &Server{Sandbox: sb, URL: srv.URL, Hosts: platform.Hosts{Sandbox: srv.URL}, Client: srv.Client()}
}

// Consent opens authURL like a browser and returns the query of the
// redirect the consent page answers with (code and state, or error).
func Consent(t testing.TB, authURL string) url.Values {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode/100 != 3 || err != nil || loc.String() == "" {
		t.Fatalf("consent page answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query()
}
