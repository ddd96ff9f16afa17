package safehttp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestPublic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ip     string
		public bool
	}{
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fd00:ec2::254", false},   // AWS metadata over IPv6
		{"fe80::1", false},
		{"100.64.0.1", false}, // CGNAT
		{"0.0.0.0", false},
		{"::", false},
		{"::ffff:127.0.0.1", false}, // v4-mapped loopback
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
		{"224.0.0.1", false},
		{"fc00::1", false},
	} {
		if got := Public(netip.MustParseAddr(tc.ip)); got != tc.public {
			t.Errorf("Public(%s) = %v, want %v", tc.ip, got, tc.public)
		}
	}
}

func TestFetchRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("secret internal data"))
	}))
	defer srv.Close()
	c := New(Options{})
	ctx := context.Background()
	for _, u := range []string{
		srv.URL + "/image.jpg", // loopback by IP
		strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/x.jpg", // loopback by name, refused after resolution
		"http://169.254.169.254/latest/meta-data/",
		"http://[::1]:80/",
	} {
		_, err := c.Fetch(ctx, u)
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("Fetch(%s): err = %v, want ErrBlocked", u, err)
		}
	}
	for _, u := range []string{"file:///etc/passwd", "gopher://example.com/", "ftp://example.com/x.jpg", "javascript:alert(1)"} {
		if _, err := c.Fetch(ctx, u); !errors.Is(err, ErrBlocked) {
			t.Errorf("Fetch(%s): err = %v, want ErrBlocked", u, err)
		}
	}
}

func TestFetchRefusesRedirectToPrivate(t *testing.T) {
	t.Parallel()
	// With private addresses allowed for the first hop, a redirect to another
	// scheme is still refused.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer srv.Close()
	_, err := New(Options{AllowPrivate: true}).Fetch(context.Background(), srv.URL)
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("redirect to file://: err = %v, want ErrBlocked", err)
	}
}

func TestFetchLimits(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a", 2048)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/declared":
			w.Header().Set("Content-Length", "2048")
			_, _ = w.Write([]byte(big))
		case "/chunked":
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte(big))
		case "/slow":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		case "/missing":
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "image/jpeg")
			_, _ = w.Write([]byte("\xff\xd8\xff jpeg"))
		}
	}))
	defer srv.Close()
	c := New(Options{AllowPrivate: true, MaxBytes: 1024, Timeout: 300 * time.Millisecond})
	ctx := context.Background()

	m, err := c.Fetch(ctx, srv.URL+"/ok.jpg")
	if err != nil || m.ContentType != "image/jpeg" || string(m.Data) != "\xff\xd8\xff jpeg" {
		t.Fatalf("ok: %+v, %v", m, err)
	}
	for _, p := range []string{"/declared", "/chunked"} {
		if _, err := c.Fetch(ctx, srv.URL+p); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", p, err)
		}
	}
	if _, err := c.Fetch(ctx, srv.URL+"/slow"); err == nil {
		t.Error("slow: no timeout")
	}
	if _, err := c.Fetch(ctx, srv.URL+"/missing"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing: err = %v, want one naming HTTP 404", err)
	}
}

// Our own media URLs are read from the store by Local, with no HTTP
// request (a loopback address would be refused anyway); other URLs are
// fetched as before, and Local's refusal is a FetchError.
func TestLocalReadsOurMediaWithoutHTTP(t *testing.T) {
	t.Parallel()
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		_, _ = w.Write([]byte("remote"))
	}))
	defer srv.Close()
	ours := srv.URL + "/media/"
	c := New(Options{AllowPrivate: true, MaxBytes: 8, Local: func(_ context.Context, raw string) (Media, bool, error) {
		tok, ok := strings.CutPrefix(raw, ours)
		switch {
		case !ok:
			return Media{}, false, nil
		case tok == "gone":
			return Media{}, true, errors.New("no such media")
		case tok == "big":
			return Media{Data: make([]byte, 9)}, true, nil
		}
		return Media{Data: []byte("local"), ContentType: "image/jpeg"}, true, nil
	}})
	ctx := context.Background()
	if m, err := c.Fetch(ctx, ours+"tok"); err != nil || string(m.Data) != "local" || m.ContentType != "image/jpeg" {
		t.Fatalf("ours = %q %v", m.Data, err)
	}
	var fe *FetchError
	if _, err := c.Fetch(ctx, ours+"gone"); !errors.As(err, &fe) {
		t.Fatalf("gone = %v", err)
	}
	if _, err := c.Fetch(ctx, ours+"big"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("big = %v", err)
	}
	if hits != 0 {
		t.Fatalf("%d HTTP requests for our own media", hits)
	}
	if m, err := c.Fetch(ctx, srv.URL+"/elsewhere.jpg"); err != nil || string(m.Data) != "remote" || hits != 1 {
		t.Fatalf("elsewhere = %q %v, %d hits", m.Data, err, hits)
	}
}
