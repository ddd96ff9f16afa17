package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/sandbox"
	"github.com/marketingminds/marketingminds/integrations/sandbox/sandboxtest"
)

// TestServesHTTP1AndH2C: the sandbox answers HTTP/1.1 and h2c on one
// listener; many h2c calls in flight share one connection.
func TestServesHTTP1AndH2C(t *testing.T) {
	t.Parallel()
	srv := sandboxtest.Start(t, sandbox.Options{})
	h1 := &http.Client{Transport: &http.Transport{}}
	h2c := &http.Client{Transport: &http.Transport{Protocols: sandbox.ClientProtocols()}}
	t.Cleanup(h1.CloseIdleConnections)
	t.Cleanup(h2c.CloseIdleConnections)
	var mu sync.Mutex
	conns := map[string]bool{}
	get := func(c *http.Client) (string, error) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/api.x.com/2/users/me", nil)
		if err != nil {
			return "", err
		}
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "Unauthorized") {
			t.Errorf("%s: %d %s; want X's 401 without a token", resp.Proto, resp.StatusCode, body)
		}
		return resp.Proto, nil
	}
	for _, tc := range []struct {
		client *http.Client
		proto  string
	}{{h1, "HTTP/1.1"}, {h2c, "HTTP/2.0"}} {
		proto, err := get(tc.client)
		if err != nil || proto != tc.proto {
			t.Fatalf("answered over %q, %v; want %s", proto, err, tc.proto)
		}
	}
	// 50 h2c calls at once: the server sees them on one connection.
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api.x.com/2/users/me", nil)
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
				mu.Lock()
				conns[info.Conn.LocalAddr().String()] = true
				mu.Unlock()
			}}))
			resp, err := h2c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.Proto != "HTTP/2.0" {
				t.Errorf("answered over %s", resp.Proto)
			}
		}()
	}
	wg.Wait()
	if len(conns) != 1 {
		t.Fatalf("50 h2c calls used %d connections (%v); want them to share one", len(conns), conns)
	}
}
