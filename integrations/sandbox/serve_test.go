package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
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
	var only http.Protocols
	only.SetUnencryptedHTTP2(true)
	h2c := &http.Client{Transport: &http.Transport{Protocols: &only}}
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

// TestTransportH2COnlyWhenAnnounced (issue 20, point 13): the transport
// speaks HTTP/1.1 to a server that never announced h2c (a recording proxy,
// another mock: h2c with prior knowledge would fail there with "http2:
// frame too large"), and switches to h2c for a sandbox once it announced it.
func TestTransportH2COnlyWhenAnnounced(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(sb) // HTTP/1.1 only: the sandbox does not announce h2c there
	t.Cleanup(plain.Close)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"id":"1"}}`)
	}))
	t.Cleanup(proxy.Close)
	ours := sandboxtest.Start(t, sandbox.Options{})

	tr := sandbox.NewTransport(&http.Transport{})
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Transport: tr}
	protos := func(base string, n int) []string {
		var got []string
		for range n {
			resp, err := c.Get(base + "/api.x.com/2/users/me")
			if err != nil {
				t.Fatalf("%s: %v", base, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			got = append(got, resp.Proto)
		}
		return got
	}
	for _, tc := range []struct {
		name, base string
		want       []string
	}{
		{"an HTTP/1.1 mock", proxy.URL, []string{"HTTP/1.1", "HTTP/1.1", "HTTP/1.1"}},
		{"the sandbox on an HTTP/1.1-only server", plain.URL, []string{"HTTP/1.1", "HTTP/1.1", "HTTP/1.1"}},
		{"the sandbox serving h2c", ours.URL, []string{"HTTP/1.1", "HTTP/2.0", "HTTP/2.0"}},
	} {
		if got := protos(tc.base, 3); !slices.Equal(got, tc.want) {
			t.Errorf("%s: answered over %v; want %v", tc.name, got, tc.want)
		}
	}
}
