package httpfetch_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/httpfetch"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

// fetchURL runs one fetch of url with f, bounded by a short deadline so
// that a dial the guard fails to refuse cannot hang the test.
func fetchURL(f *httpfetch.Fetcher, url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rc, err := f.Fetch(ctx, plugins.Request{Kind: "http", Config: []byte(`{"url":"` + url + `"}`)})
	if err == nil {
		rc.Close()
	}
	return err
}

// hasIPv6 reports whether this host can open an IPv6 socket.
func hasIPv6() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// TestDeniedByDefault dials one address of every denied range through a
// fetcher without an allow list: each is refused before it connects, and
// is not retried.
func TestDeniedByDefault(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "secret")
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name, host string
		v6         bool
	}{
		{"test server", "127.0.0.1", false},
		{"localhost resolves to loopback", "localhost", false},
		{"loopback elsewhere in 127/8", "127.1.2.3", false},
		{"unspecified reaches loopback", "0.0.0.0", false},
		{"this network", "0.1.2.3", false},
		{"private 10/8", "10.0.0.1", false},
		{"private 172.16/12", "172.31.255.254", false},
		{"private 192.168/16", "192.168.1.1", false},
		{"cloud metadata", "169.254.169.254", false},
		{"CGNAT", "100.64.0.1", false},
		{"IETF protocol assignments", "192.0.0.8", false},
		{"benchmarking", "198.19.0.1", false},
		{"documentation", "203.0.113.5", false},
		{"multicast", "224.0.0.1", false},
		{"reserved", "240.0.0.1", false},
		{"broadcast", "255.255.255.255", false},
		{"IPv4-mapped loopback", "[::ffff:127.0.0.1]", false},
		{"IPv6 loopback", "[::1]", true},
		{"IPv6 unspecified", "[::]", true},
		{"unique-local", "[fd00:ec2::254]", true},
		{"link-local", "[fe80::1]", true},
		{"multicast v6", "[ff02::1]", true},
		{"NAT64 of private", "[64:ff9b::a00:1]", true},
		{"6to4 of loopback", "[2002:7f00:1::1]", true},
	}
	v6 := hasIPv6()
	f := httpfetch.New(httpfetch.Options{RetryBase: time.Millisecond})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.v6 && !v6 {
				t.Skip("no IPv6 on this host")
			}
			hits.Store(0)
			err := fetchURL(f, fmt.Sprintf("http://%s:%d/status", tt.host, port))
			if !errors.Is(err, httpfetch.ErrRefused) {
				t.Fatalf("err = %v, want ErrRefused", err)
			}
			if !strings.Contains(err.Error(), "host \""+tt.host) {
				t.Errorf("error does not name the host %s: %v", tt.host, err)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the server saw %d requests", n)
			}
		})
	}
}

// TestAllowList: a node that lists 127.0.0.0/8 reaches a loopback server,
// by address and by a name that resolves there, and nothing else.
func TestAllowList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	f := httpfetch.New(httpfetch.Options{Allow: loopback})
	for _, host := range []string{"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"} {
		if err := fetchURL(f, fmt.Sprintf("http://%s:%d/", host, port)); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if err := fetchURL(f, "http://169.254.169.254/latest/meta-data/"); !errors.Is(err, httpfetch.ErrRefused) {
		t.Errorf("metadata address: err = %v, want ErrRefused", err)
	}
	narrow := httpfetch.New(httpfetch.Options{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err := fetchURL(narrow, srv.URL); !errors.Is(err, httpfetch.ErrRefused) {
		t.Errorf("10/8 allowed, loopback dialled: err = %v, want ErrRefused", err)
	}
}

// TestRedirectToDeniedAddress: an allowed server redirects to refused
// addresses; every redirect is dialled through the guard.
func TestRedirectToDeniedAddress(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		fmt.Fprint(w, "internal")
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	// Only 127.0.0.1 is allowed; 0.0.0.0 reaches the same server on Linux.
	f := httpfetch.New(httpfetch.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	for _, to := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/",
		fmt.Sprintf("http://0.0.0.0:%d/", port),
		fmt.Sprintf("http://127.0.0.2:%d/", port),
	} {
		hits.Store(0)
		err := fetchURL(f, srv.URL+"/?to="+to)
		if !errors.Is(err, httpfetch.ErrRefused) || !strings.Contains(err.Error(), to) {
			t.Errorf("redirect to %s: err = %v, want ErrRefused naming it", to, err)
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("redirect to %s: the server saw %d requests, want 1", to, n)
		}
	}
}

// TestRefusedIsUnavailable: through the Manager a refused fetch is a
// fetch_failed FetchError (the worker's UNAVAILABLE) whose text names
// the URL, its host and the refused address.
func TestRefusedIsUnavailable(t *testing.T) {
	m, err := plugins.NewManager(plugins.Options{
		Builtins: []plugins.Fetcher{httpfetch.New(httpfetch.Options{})},
		Limits:   plugins.Limits{Timeout: 2 * time.Second, MaxBytes: 1024},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, err = m.Fetch(context.Background(), plugins.FetchSpec{Kind: "http", Config: []byte(`{"url":"http://localhost:26657/status"}`)}, round)
	if !errors.Is(err, plugins.ReasonFailed) || !errors.Is(err, httpfetch.ErrRefused) {
		t.Fatalf("err = %v, want fetch_failed wrapping ErrRefused", err)
	}
	for _, want := range []string{"http://localhost:26657/status", `host "localhost:26657"`, "127.0.0.1", "127.0.0.0/8", "allow_private_ranges"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
