package sandbox

import (
	"net/http"
	"net/url"
	"sync"
)

// Protocols are what a server of the sandbox speaks: HTTP/1.1 (curl, a
// browser on the consent pages) and HTTP/2 without TLS (h2c, with prior
// knowledge). The platforms serve HTTP/2, where calls to one host share a
// few connections; over h2c the sandbox is reached the same way, so a load
// test measures the platform's latency rather than a cap on HTTP/1.1
// connections.
func Protocols() *http.Protocols {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &p
}

// H2CHeader is the response header by which a sandbox announces that the
// server it answers from also speaks h2c with prior knowledge. Only a
// server that announced it is spoken to over h2c (see NewTransport).
const H2CHeader = "Mm-Sandbox-H2c"

// announceH2C sets H2CHeader when the server that received r serves h2c.
func announceH2C(w http.ResponseWriter, r *http.Request) {
	srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if ok && srv.Protocols != nil && srv.Protocols.UnencryptedHTTP2() {
		w.Header().Set(H2CHeader, "1")
	}
}

// Transport reaches a sandbox, or anything put in its place (a recording
// proxy, another mock): over HTTP/1.1 (or HTTP/2 over TLS for https://)
// until a server announces h2c with H2CHeader, then over h2c to that host,
// whose calls then share a few connections.
type Transport struct {
	h1, h2c *http.Transport
	mu      sync.RWMutex
	h2cHost map[string]bool // host:port of the http:// servers that announced h2c
}

// NewTransport wraps base, which is cloned twice: as given for HTTP/1.1
// (and TLS), and speaking only h2c for the hosts that announce it.
func NewTransport(base *http.Transport) *Transport {
	h1 := base.Clone()
	h2c := base.Clone()
	var p http.Protocols
	p.SetUnencryptedHTTP2(true) // h2c with prior knowledge: HTTP/1.1 left out
	h2c.Protocols = &p
	return &Transport{h1: h1, h2c: h2c, h2cHost: map[string]bool{}}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" {
		return t.h1.RoundTrip(req)
	}
	key := hostKey(req.URL)
	t.mu.RLock()
	h2c := t.h2cHost[key]
	t.mu.RUnlock()
	if h2c {
		return t.h2c.RoundTrip(req)
	}
	resp, err := t.h1.RoundTrip(req)
	if err == nil && resp.Header.Get(H2CHeader) == "1" {
		t.mu.Lock()
		t.h2cHost[key] = true
		t.mu.Unlock()
	}
	return resp, err
}

// CloseIdleConnections closes both transports' idle connections.
func (t *Transport) CloseIdleConnections() {
	t.h1.CloseIdleConnections()
	t.h2c.CloseIdleConnections()
}

func hostKey(u *url.URL) string {
	if u.Port() == "" {
		return u.Host + ":80"
	}
	return u.Host
}
