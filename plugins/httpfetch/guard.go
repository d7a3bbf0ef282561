package httpfetch

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrRefused is wrapped by the error of a fetch that would have dialled a
// refused address (see DeniedRanges): the URL or one of its redirects
// named such an address, or its host resolved to one.
var ErrRefused = errors.New("address refused")

// deniedRange is one range of the default deny list.
type deniedRange struct {
	prefix netip.Prefix
	what   string
}

// deniedRanges is the default deny list, checked on every address the
// fetcher dials (docs/operators.md lists it; keep the two in step).
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked as their IPv4
// address, and the IPv4 address embedded in NAT64 (64:ff9b::/96) and 6to4
// (2002::/16) addresses is checked too.
var deniedRanges = []deniedRange{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network (unspecified)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (cloud metadata)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (and broadcast)"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("fc00::/7"), "unique-local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local (deprecated)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// Prefixes whose addresses embed an IPv4 address that is checked too.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// DeniedRanges returns the default deny list: the ranges the fetcher
// refuses to dial unless Options.Allow lists them.
func DeniedRanges() []netip.Prefix {
	out := make([]netip.Prefix, len(deniedRanges))
	for i, d := range deniedRanges {
		out[i] = d.prefix
	}
	return out
}

// refusedError is the dial error of a refused address.
type refusedError struct {
	addr netip.Addr // as dialled
	in   netip.Addr // the address found in a denied range (addr or the IPv4 inside it)
	rng  deniedRange
}

func (e *refusedError) Error() string {
	inside := ""
	if e.in != e.addr {
		inside = fmt.Sprintf(" (embeds %s)", e.in)
	}
	return fmt.Sprintf("%v: %s%s is in %s, %s; a node allows it only if [fetch] allow_private_ranges lists it",
		ErrRefused, e.addr, inside, e.rng.prefix, e.rng.what)
}

func (e *refusedError) Is(target error) bool { return target == ErrRefused }

// guard decides which addresses may be dialled.
type guard struct {
	allow []netip.Prefix
}

// check returns a *refusedError when a is in a denied range that no
// allowed range covers.
func (g guard) check(a netip.Addr) error {
	a = a.WithZone("").Unmap()
	cands := []netip.Addr{a}
	if v4, ok := embeddedV4(a); ok {
		cands = append(cands, v4)
	}
	for _, c := range cands {
		for _, d := range deniedRanges {
			if d.prefix.Contains(c) && !g.allowed(c) {
				return &refusedError{addr: a, in: c, rng: d}
			}
		}
	}
	return nil
}

func (g guard) allowed(a netip.Addr) bool {
	for _, p := range g.allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// embeddedV4 returns the IPv4 address inside a NAT64 or 6to4 address.
func embeddedV4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case !a.Is6():
		return netip.Addr{}, false
	case nat64Prefix.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// control is the net.Dialer Control hook: it runs after DNS resolution,
// on every address actually dialled (each redirect dials too), before
// the connection is made.
func (g guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse dialled address %q (%s)", ErrRefused, address, network)
	}
	return g.check(ap.Addr())
}

// maxIdlePerHost is the idle connections kept per upstream host. A
// node's jobs fetch from the same few APIs at once (a worker runs up to
// its concurrency, 16–64, in flight); net/http's default of 2 made all
// but 2 of them dial afresh each round, a TCP (and TLS) handshake per
// fetch and a socket left in TIME_WAIT.
const maxIdlePerHost = 64

// transport returns the fetcher's transport: http.DefaultTransport's
// settings with the guard on every dial, no proxy (a proxy would dial
// the refused address for us) and maxIdlePerHost idle connections kept
// per host.
func (g guard) transport() *http.Transport {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = d.DialContext
	t.MaxIdleConnsPerHost = maxIdlePerHost
	t.MaxIdleConns = max(t.MaxIdleConns, 4*maxIdlePerHost)
	return t
}
