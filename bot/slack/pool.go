package slack

import (
	"net/http"
	"time"
)

// webAPIConns bounds the connections to the Web API, open at once and kept
// open between calls: in a burst, calls wait for one of them (as Slack's
// own SDKs queue past their concurrency) instead of opening (with the real
// Slack: a TLS handshake each) a new connection per call.
const webAPIConns = 256

// NewHTTPClient is the Web API client the door uses when Deps.HTTP is nil:
// Go's default transport keeps 2 idle connections per host, so a burst of
// calls opens a new connection for almost every one.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost, t.MaxConnsPerHost = webAPIConns, webAPIConns, webAPIConns
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}
