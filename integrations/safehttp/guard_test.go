package safehttp

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// zone is a resolver over a fixed table; other names do not exist.
type zone map[string][]string

func (z zone) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ips, ok := z[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, s := range ips {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

// TestCheckHost: the check made when a post is created resolves the host
// and refuses a private address however it is spelled (a literal, a name
// that resolves to one, one private address among public ones) and a name
// that does not resolve.
func TestCheckHost(t *testing.T) {
	t.Parallel()
	c := New(Options{Resolver: zone{
		"cdn.example.com":   {"93.184.216.34"},
		"sneaky.example":    {"93.184.216.34", "10.0.0.7"},
		"metadata.example":  {"169.254.169.254"},
		"localhost.example": {"::1"},
	}})
	for _, tc := range []struct {
		url  string
		want error
	}{
		{"https://cdn.example.com/a.jpg", nil},
		{"https://93.184.216.34/a.jpg", nil},
		{"http://169.254.169.254/latest/meta-data/", ErrBlocked},
		{"http://127.0.0.1:8080/a.jpg", ErrBlocked},
		{"http://[::1]/a.jpg", ErrBlocked},
		{"http://[::ffff:10.0.0.1]/a.jpg", ErrBlocked},
		{"https://metadata.example/a.jpg", ErrBlocked},
		{"https://localhost.example/a.jpg", ErrBlocked},
		{"https://sneaky.example/a.jpg", ErrBlocked},
		{"ftp://cdn.example.com/a.jpg", ErrBlocked},
		{"https://gone.example/a.jpg", ErrUnresolved},
	} {
		err := c.CheckHost(context.Background(), tc.url)
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("CheckHost(%s) = %v, want %v", tc.url, err, tc.want)
		}
	}
}

// TestAllowOnlyTheSandbox: a client allowed one private address (the
// sandbox's, in sandbox mode) reaches it, and no other private address,
// not even another port of the same host.
func TestAllowOnlyTheSandbox(t *testing.T) {
	t.Parallel()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "media") })
	sb := httptest.NewServer(handler)
	t.Cleanup(sb.Close)
	other := httptest.NewServer(handler)
	t.Cleanup(other.Close)
	c := New(Options{Allow: []string{strings.TrimPrefix(sb.URL, "http://")}})
	ctx := context.Background()
	if err := c.CheckHost(ctx, sb.URL+"/a.jpg"); err != nil {
		t.Fatalf("the sandbox's own address: %v", err)
	}
	if m, err := c.Fetch(ctx, sb.URL+"/a.jpg"); err != nil || string(m.Data) != "media" {
		t.Fatalf("fetch from the sandbox: %q, %v", m.Data, err)
	}
	for _, u := range []string{other.URL + "/a.jpg", "http://169.254.169.254/latest/meta-data/"} {
		if err := c.CheckHost(ctx, u); !errors.Is(err, ErrBlocked) {
			t.Errorf("CheckHost(%s) = %v, want blocked", u, err)
		}
	}
	if _, err := c.Fetch(ctx, other.URL+"/a.jpg"); !errors.Is(err, ErrBlocked) {
		t.Errorf("fetch from another private address: %v, want blocked", err)
	}
}
