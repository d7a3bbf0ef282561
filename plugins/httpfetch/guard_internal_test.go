package httpfetch

import (
	"errors"
	"net/netip"
	"testing"
)

func TestGuardCheck(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("fd00:1::/32")}
	tests := []struct {
		addr      string
		refused   bool   // by default
		withAllow bool   // refused by a guard with allow
		rng       string // the denied range named, when refused
	}{
		{"8.8.8.8", false, false, ""},
		{"2606:4700::1111", false, false, ""},
		{"0.0.0.0", true, true, "0.0.0.0/8"},
		{"10.0.0.1", true, true, "10.0.0.0/8"},
		{"10.1.2.3", true, false, "10.0.0.0/8"},
		{"100.64.0.1", true, true, "100.64.0.0/10"},
		{"100.128.0.1", false, false, ""},
		{"127.0.0.1", true, true, "127.0.0.0/8"},
		{"169.254.169.254", true, true, "169.254.0.0/16"},
		{"172.15.255.255", false, false, ""},
		{"172.16.0.1", true, true, "172.16.0.0/12"},
		{"192.0.0.192", true, true, "192.0.0.0/24"},
		{"192.0.2.1", true, true, "192.0.2.0/24"},
		{"192.168.255.255", true, true, "192.168.0.0/16"},
		{"198.18.0.1", true, true, "198.18.0.0/15"},
		{"198.20.0.1", false, false, ""},
		{"198.51.100.1", true, true, "198.51.100.0/24"},
		{"203.0.113.1", true, true, "203.0.113.0/24"},
		{"224.0.0.251", true, true, "224.0.0.0/4"},
		{"239.255.255.250", true, true, "224.0.0.0/4"},
		{"240.0.0.1", true, true, "240.0.0.0/4"},
		{"255.255.255.255", true, true, "240.0.0.0/4"},
		{"::", true, true, "::/128"},
		{"::1", true, true, "::1/128"},
		{"::7f00:1", true, true, "::/96"},
		{"::ffff:127.0.0.1", true, true, "127.0.0.0/8"},
		{"::ffff:10.1.0.1", true, false, "10.0.0.0/8"},
		{"::ffff:8.8.8.8", false, false, ""},
		{"64:ff9b::8.8.8.8", false, false, ""},
		{"64:ff9b::169.254.169.254", true, true, "169.254.0.0/16"},
		{"64:ff9b::10.1.0.1", true, false, "10.0.0.0/8"},
		{"64:ff9b:1::1", true, true, "64:ff9b:1::/48"},
		{"100::1", true, true, "100::/64"},
		{"2001:db8::1", true, true, "2001:db8::/32"},
		{"2002:0808:0808::1", false, false, ""},
		{"2002:a9fe:a9fe::1", true, true, "169.254.0.0/16"},
		{"fc00::1", true, true, "fc00::/7"},
		{"fd00:ec2::254", true, true, "fc00::/7"},
		{"fd00:1::5", true, false, "fc00::/7"},
		{"fe80::1%eth0", true, true, "fe80::/10"},
		{"fec0::1", true, true, "fec0::/10"},
		{"ff02::1", true, true, "ff00::/8"},
	}
	for _, tt := range tests {
		a := netip.MustParseAddr(tt.addr)
		err := (guard{}).check(a)
		var re *refusedError
		if got := errors.As(err, &re); got != tt.refused {
			t.Errorf("%s: refused = %v (%v), want %v", tt.addr, got, err, tt.refused)
		} else if got && (re.rng.prefix.String() != tt.rng || !errors.Is(err, ErrRefused)) {
			t.Errorf("%s: refused as %v, want range %s", tt.addr, err, tt.rng)
		}
		g := guard{allow: allow}
		if got := g.check(a) != nil; got != tt.withAllow {
			t.Errorf("%s with %v allowed: refused = %v, want %v", tt.addr, allow, got, tt.withAllow)
		}
	}
}

// TestGuardControl: the dial hook refuses what it cannot parse.
func TestGuardControl(t *testing.T) {
	if err := (guard{}).control("tcp4", "93.184.215.14:443", nil); err != nil {
		t.Errorf("public address: %v", err)
	}
	for _, addr := range []string{"127.0.0.1:80", "[::1]:80", "[fe80::1%lo]:80", "not-an-address"} {
		if err := (guard{}).control("tcp", addr, nil); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: err = %v, want ErrRefused", addr, err)
		}
	}
}

// TestTransportHasNoProxy: a proxy from the environment would dial the
// refused address on the fetcher's behalf.
func TestTransportHasNoProxy(t *testing.T) {
	tr := (guard{}).transport()
	if tr.Proxy != nil || tr.DialContext == nil {
		t.Fatalf("transport: proxy set %v, guarded dial %v", tr.Proxy != nil, tr.DialContext != nil)
	}
}

func TestDeniedRangesListed(t *testing.T) {
	rs := DeniedRanges()
	if len(rs) != len(deniedRanges) || rs[0] != deniedRanges[0].prefix {
		t.Fatalf("DeniedRanges = %v", rs)
	}
	rs[0] = netip.Prefix{} // a copy: the deny list itself stays
	if !deniedRanges[0].prefix.IsValid() {
		t.Fatal("DeniedRanges handed out the list itself")
	}
}
