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
	allow        []netip.AddrPort
	resolver     Resolver
}

// check refuses an address that is neither public nor allowed.
func (g guard) check(ap netip.AddrPort) error {
	ip := ap.Addr().Unmap()
	if g.allowPrivate || Public(ip) || slices.Contains(g.allow, netip.AddrPortFrom(ip, ap.Port())) {
		return nil
	}
	return fmt.Errorf("%w: %s is not a public address", ErrBlocked, ip)
}

// resolve returns the addresses of host (an IP literal or a name) at port.
func (g guard) resolve(ctx context.Context, host string, port uint16) ([]netip.AddrPort, error) {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.AddrPort{netip.AddrPortFrom(ip.Unmap(), port)}, nil
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
	out := make([]netip.AddrPort, len(ips))
	for i, ip := range ips {
		out[i] = netip.AddrPortFrom(ip.Unmap(), port)
	}
	return out, nil
}

// dialContext resolves through the guard's resolver and dials the first
// address that answers; the dialer's Control checks each one.
func (g guard) dialContext(d *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, portStr, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		port, err := strconv.ParseUint(portStr, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("dial %s: bad port: %w", address, err)
		}
		aps, err := g.resolve(ctx, host, uint16(port))
		if err != nil {
			return nil, err
		}
		var errs []error
		for _, ap := range aps {
			conn, err := d.DialContext(ctx, network, ap.String())
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
	port := uint64(80)
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.ParseUint(p, 10, 16); err != nil {
			return fmt.Errorf("%w: bad port %q", ErrBlocked, p)
		}
	}
	aps, err := c.guard.resolve(ctx, u.Hostname(), uint16(port))
	if err != nil {
		return err
	}
	for _, ap := range aps {
		if err := c.guard.check(ap); err != nil {
			return err
		}
	}
	return nil
}
