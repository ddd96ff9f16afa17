// Package safehttp builds the HTTP client that fetches media from URLs people
// give us (before re-uploading it to X or LinkedIn). Such URLs are untrusted: the
// client refuses every scheme but http and https and, after DNS resolution,
// every loopback, private, link-local, unspecified and cloud-metadata address,
// so a post cannot make the server read its own network. Sizes and times are
// bounded.
package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Options tune a client.
type Options struct {
	// AllowPrivate lets the client reach every loopback and private address
	// (tests of the adapters).
	AllowPrivate bool
	// Allow are the only authorities ("host:port", as URLs spell them)
	// the client may reach whatever they resolve to: in sandbox mode, the
	// sandbox's own (it serves media from there), and no private address
	// besides.
	Allow []string
	// Resolver resolves host names, for CheckHost and for every dial
	// (default net.DefaultResolver); tests inject one.
	Resolver Resolver
	// Timeout bounds a whole fetch; default 60 s.
	Timeout time.Duration
	// MaxBytes bounds a body; default 512 MiB (the largest X video).
	MaxBytes int64
	// Local, when set, reads the URLs of our own media (signed URLs under
	// MM_PUBLIC_URL) straight from the media store instead of over HTTP:
	// ok is false for any other URL, which is fetched as usual.
	Local func(ctx context.Context, rawURL string) (m Media, ok bool, err error)
}

// DefaultMaxBytes bounds a body unless Options say otherwise: 512 MiB,
// the largest X video.
const DefaultMaxBytes = 512 << 20

// ErrBlocked is returned for a URL the client refuses to fetch.
var ErrBlocked = errors.New("address not allowed")

// ErrUnresolved is returned for a host name that does not resolve.
var ErrUnresolved = errors.New("host name does not resolve")

// ErrTooLarge is returned when a body is larger than MaxBytes.
var ErrTooLarge = errors.New("media too large")

// Resolver resolves a host name (*net.Resolver).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Client fetches untrusted URLs.
type Client struct {
	http     *http.Client
	maxBytes int64
	guard    guard
	local    func(ctx context.Context, rawURL string) (Media, bool, error)
}

// New returns a Client with opts.
func New(opts Options) *Client {
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	g := guard{allowPrivate: opts.AllowPrivate, resolver: opts.Resolver}
	for _, a := range opts.Allow {
		g.allow = append(g.allow, strings.ToLower(a))
	}
	open := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	checked := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	checked.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrBlocked, address)
		}
		return g.check(ap)
	}
	transport := &http.Transport{
		DialContext:           g.dialContext(open, checked),
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Client{
		maxBytes: opts.MaxBytes,
		guard:    g,
		local:    opts.Local,
		http: &http.Client{
			Transport: transport,
			Timeout:   opts.Timeout,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 5 {
					return errors.New("too many redirects")
				}
				return checkScheme(req.URL)
			},
		},
	}
}

// Public reports whether ip is a globally routable unicast address: not
// loopback, private (RFC 1918, RFC 4193), link-local (including the cloud
// metadata address 169.254.169.254), CGNAT, multicast or unspecified.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // CGNAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("fd00:ec2::254/128"), // AWS IMDS over IPv6
	netip.MustParsePrefix("64:ff9b::/96"),      // NAT64 can reach private IPv4
}

func checkScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: scheme %q (only http and https)", ErrBlocked, u.Scheme)
	}
	return nil
}

// Media is a fetched body.
type Media struct {
	Data        []byte
	ContentType string
}

// FetchError is a download that failed: the link is the person's, so the
// message names it and says what it did.
type FetchError struct {
	URL    string // redacted of credentials
	Status int    // the HTTP status answered, 0 when there was none
	Err    error
}

func (e *FetchError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("fetch media %s: HTTP %d", e.URL, e.Status)
	}
	if e.URL == "" {
		return fmt.Sprintf("fetch media: %v", e.Err)
	}
	return fmt.Sprintf("fetch media %s: %v", e.URL, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// Reason says in plain words why the download failed ("the address does
// not exist", "it answered HTTP 404").
func (e *FetchError) Reason() string {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case e.Status != 0:
		return fmt.Sprintf("it answered HTTP %d %s", e.Status, http.StatusText(e.Status))
	case errors.Is(e.Err, ErrBlocked):
		return "it is not a public web address"
	case errors.Is(e.Err, ErrTooLarge):
		return "the file is larger than the platform accepts"
	case errors.As(e.Err, &dns) && dns.IsNotFound:
		return "the address does not exist"
	case errors.As(e.Err, &ne) && ne.Timeout():
		return "it did not answer in time"
	case errors.As(e.Err, &dns), errors.As(e.Err, &ne):
		return "it could not be reached"
	}
	return "it could not be downloaded"
}

// Fetch downloads rawURL (or reads it from the media store, see
// Options.Local).
func (c *Client) Fetch(ctx context.Context, rawURL string) (Media, error) {
	if c.local != nil {
		if m, ok, err := c.local(ctx, rawURL); ok {
			if err != nil {
				return Media{}, &FetchError{URL: redact(rawURL), Err: err}
			}
			if int64(len(m.Data)) > c.maxBytes {
				return Media{}, &FetchError{URL: redact(rawURL), Err: fmt.Errorf("%w (limit %d bytes)", ErrTooLarge, c.maxBytes)}
			}
			return m, nil
		}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return Media{}, &FetchError{URL: redact(rawURL), Err: err}
	}
	if err := checkScheme(u); err != nil {
		return Media{}, &FetchError{URL: redact(rawURL), Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Media{}, &FetchError{URL: redact(rawURL), Err: err}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return Media{}, &FetchError{URL: u.Redacted(), Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Media{}, &FetchError{URL: u.Redacted(), Status: resp.StatusCode}
	}
	if resp.ContentLength > c.maxBytes {
		return Media{}, &FetchError{URL: u.Redacted(), Err: fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, resp.ContentLength, c.maxBytes)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return Media{}, &FetchError{URL: u.Redacted(), Err: err}
	}
	if int64(len(data)) > c.maxBytes {
		return Media{}, &FetchError{URL: u.Redacted(), Err: fmt.Errorf("%w (limit %d bytes)", ErrTooLarge, c.maxBytes)}
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	return Media{Data: data, ContentType: ct}, nil
}

// redact is rawURL without its credentials, or "" when it does not parse.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Redacted()
}
