package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// guard decides which addresses a Client may reach, and resolves names
// through its resolver.
type guard struct {
	allowPrivate bool
	allow        []string // lower-case host:port authorities reachable whatever they resolve to
	resolver     Resolver
}

// allowed reports whether host:port is one of the allowed authorities.
func (g guard) allowed(host, port string) bool {
	return slices.Contains(g.allow, strings.ToLower(net.JoinHostPort(host, port)))
}

// check refuses an address that is not public (unless private ones are allowed).
func (g guard) check(ap netip.AddrPort) error {
	ip := ap.Addr().Unmap()
	if g.allowPrivate || Public(ip) {
		return nil
	}
	return fmt.Errorf("%w: %s is not a public address", ErrBlocked, ip)
}

// resolve returns the addresses of host (an IP literal or a name).
func (g guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	ips, err := g.resolver.LookupNetIP(ctx, "ip", host)
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return nil, fmt.Errorf("%w: %s", ErrUnresolved, host)
	case err != nil:
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	case len(ips) == 0:
		return nil, fmt.Errorf("%w: %s", ErrUnresolved, host)
	}
	for i := range ips {
		ips[i] = ips[i].Unmap()
	}
	return ips, nil
}

// dialContext dials an allowed authority with open, and anything else by
// resolving it through the guard's resolver and dialing each address in
// turn with checked, whose Control refuses a non-public one.
func (g guard) dialContext(open, checked *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		if g.allowed(host, port) {
			return open.DialContext(ctx, network, address)
		}
		ips, err := g.resolve(ctx, host)
		if err != nil {
			return nil, err
		}
		var errs []error
		for _, ip := range ips {
			conn, err := checked.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return conn, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
}

// CheckHost resolves rawURL's host as a fetch would and says whether the
// client may reach it: nil, or an error wrapping ErrBlocked (a scheme other
// than http and https, a non-public address) or ErrUnresolved (a name that
// does not resolve). It is the check made when a post is created, before
// the per-connection check at fetch time.
func (c *Client) CheckHost(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("check media host: %w", err)
	}
	if err := checkScheme(u); err != nil {
		return err
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%w: bad port %q", ErrBlocked, port)
	}
	if c.guard.allowed(u.Hostname(), port) {
		return nil
	}
	ips, err := c.guard.resolve(ctx, u.Hostname())
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if err := c.guard.check(netip.AddrPortFrom(ip, 0)); err != nil {
			return err
		}
	}
	return nil
}
