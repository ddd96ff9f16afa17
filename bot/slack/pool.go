package slack

import (
	"net"
	"net/http"
	"time"
)

// webAPIConns is how many connections to the Web API are kept open between
// calls: enough for the door's workers in a burst, so calls reuse them
// instead of opening (with the real Slack: a TLS handshake each) a new one.
const webAPIConns = 256

// NewHTTPClient is the Web API client the door uses when Deps.HTTP is nil:
// Go's default transport keeps 2 idle connections per host, so a burst of
// calls opens a new connection for almost every one.
func NewHTTPClient() *http.Client {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          webAPIConns,
		MaxIdleConnsPerHost:   webAPIConns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}
