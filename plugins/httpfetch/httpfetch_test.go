package httpfetch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/httpfetch"
)

var round = plugins.Round{Source: "prices", Height: 42, Time: 1_700_000_000e9, Window: 60}

// upstream serves the paths the tests use and counts requests.
type upstream struct {
	hits  atomic.Int32
	flaky atomic.Int32 // 503s left to serve on /flaky
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.hits.Add(1)
	switch r.URL.Path {
	case "/echo":
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s?%s h=%s body=%s", r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("X-Round"), body)
	case "/flaky":
		if u.flaky.Add(-1) >= 0 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "finally")
	case "/missing":
		http.Error(w, "no such block", http.StatusNotFound)
	case "/slow":
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	case "/big":
		w.Write(make([]byte, 2048))
	case "/bigstream":
		w.Header().Set("Content-Type", "application/octet-stream")
		for i := 0; i < 4; i++ {
			w.Write(make([]byte, 1024))
			w.(http.Flusher).Flush()
		}
	case "/loop":
		http.Redirect(w, r, "/loop", http.StatusFound)
	case "/hop":
		http.Redirect(w, r, "/echo?hopped=1", http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

func newManager(t *testing.T) *plugins.Manager {
	t.Helper()
	m, err := plugins.NewManager(plugins.Options{
		Builtins: []plugins.Fetcher{httpfetch.New(httpfetch.Options{RetryBase: time.Millisecond, Allow: loopback})},
		Limits:   plugins.Limits{Timeout: 2 * time.Second, MaxBytes: 1024},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestHTTP(t *testing.T) {
	up := &upstream{}
	srv := httptest.NewServer(up)
	defer srv.Close()
	m := newManager(t)
	tests := []struct {
		name   string
		config string
		flaky  int32
		want   string
		reason plugins.Reason
		hits   int32
	}{
		{"get templated", `{"url":"URL/echo?h={{height}}&w={{window_start}}","headers":{"X-Round":"{{source}}@{{unix}}"}}`,
			0, "GET /echo?h=42&w=1699999920 h=prices@1700000000 body=", "", 1},
		{"post body", `{"url":"URL/echo","method":"post","body":"{\"height\":{{height}}}"}`,
			0, `POST /echo? h= body={"height":42}`, "", 1},
		{"retry 5xx", `{"url":"URL/flaky"}`, 2, "finally", "", 3},
		{"retries bounded", `{"url":"URL/flaky"}`, 5, "", plugins.ReasonFailed, 3},
		{"no retry on 404", `{"url":"URL/missing"}`, 0, "", plugins.ReasonFailed, 1},
		{"config timeout", `{"url":"URL/slow","timeout":"100ms"}`, 0, "", plugins.ReasonTimeout, 1},
		{"node timeout", `{"url":"URL/slow"}`, 0, "", plugins.ReasonTimeout, 1},
		{"cap by length", `{"url":"URL/big"}`, 0, "", plugins.ReasonByteCap, 1},
		{"cap while streaming", `{"url":"URL/bigstream"}`, 0, "", plugins.ReasonByteCap, 1},
		{"redirect followed", `{"url":"URL/hop"}`, 0, "GET /echo?hopped=1 h= body=", "", 2},
		{"redirects capped", `{"url":"URL/loop"}`, 0, "", plugins.ReasonFailed, 6},
		{"bad method", `{"url":"URL/echo","method":"PUT"}`, 0, "", plugins.ReasonFailed, 0},
		{"bad scheme", `{"url":"file:///etc/passwd"}`, 0, "", plugins.ReasonFailed, 0},
		{"unknown field", `{"url":"URL/echo","mthod":"GET"}`, 0, "", plugins.ReasonFailed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up.hits.Store(0)
			up.flaky.Store(tt.flaky)
			cfg := strings.ReplaceAll(tt.config, "URL", srv.URL)
			got, err := m.Fetch(context.Background(), plugins.FetchSpec{Kind: "http", Config: []byte(cfg)}, round)
			if tt.reason == "" {
				if err != nil || string(got) != tt.want {
					t.Fatalf("fetch = %q, %v; want %q", got, err, tt.want)
				}
			} else if !errors.Is(err, tt.reason) {
				t.Fatalf("err = %v, want reason %s", err, tt.reason)
			}
			if h := up.hits.Load(); h != tt.hits {
				t.Errorf("upstream saw %d requests, want %d", h, tt.hits)
			}
		})
	}
}

func TestConnectionErrorsAreRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there now
	var attempts atomic.Int32
	f := httpfetch.New(httpfetch.Options{RetryBase: time.Millisecond, Retries: 3, Transport: countingTransport{&attempts}})
	_, err := f.Fetch(context.Background(), plugins.Request{Kind: "http", Config: []byte(`{"url":"` + addr + `"}`)})
	if err == nil || attempts.Load() != 4 {
		t.Errorf("err = %v after %d attempts, want an error after 4", err, attempts.Load())
	}
}

type countingTransport struct{ n *atomic.Int32 }

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// TestConnectionsReused: waves of concurrent fetches to one host reuse
// the connections of the wave before (a node's jobs fetch from the same
// API at once); with net/http's default of 2 idle connections per host,
// each wave dialled afresh and left its connections in TIME_WAIT.
func TestConnectionsReused(t *testing.T) {
	const perWave, waves = 16, 3
	var dialled, arrived atomic.Int32
	release := make([]chan struct{}, waves)
	for i := range release {
		release[i] = make(chan struct{})
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hold each wave's requests until all of them are in flight, so
		// that the wave needs perWave connections at once.
		n := int(arrived.Add(1))
		if n%perWave == 0 {
			close(release[n/perWave-1])
		}
		<-release[(n-1)/perWave]
		fmt.Fprint(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	f := httpfetch.New(httpfetch.Options{Allow: loopback})
	fetch := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rc, err := f.Fetch(ctx, plugins.Request{Kind: "http", Config: []byte(`{"url":"` + srv.URL + `/"}`)})
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.ReadAll(rc) // to EOF, as the Manager reads it
		return err
	}
	for w := 0; w < waves; w++ {
		errs := make(chan error, perWave)
		for i := 0; i < perWave; i++ {
			go func() { errs <- fetch() }()
		}
		for i := 0; i < perWave; i++ {
			if err := <-errs; err != nil {
				t.Fatalf("wave %d: %v", w, err)
			}
		}
	}
	// All but a few of each later wave's fetches find an idle connection
	// (one returns to the pool just after its body's EOF, so a fetch can
	// race it and dial); with 2 idle per host, 14 of each dialled.
	if n, most := dialled.Load(), perWave+perWave/2; n > int32(most) {
		t.Errorf("%d waves of %d concurrent fetches dialled %d connections, want at most %d (reused)", waves, perWave, n, most)
	}
}
