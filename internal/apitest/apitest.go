// Package apitest holds what the tests of the HTTP API and of verifying
// consumers share: a one-validator devnet whose source resolves a dataset
// every few blocks (with its ACCEPTED dataset and a trusted header hash),
// and a TCP proxy that cuts its connections on demand (a forced
// disconnect).
package apitest

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/devnet"
	"github.com/assaynet/assay/internal/testports"
)

// Source is the id of the devnet's source ("btc-usd").
const Source = "btc-usd"

// echoWasm is the tiny validator of consensus/worker/testdata (its output
// is its input), relative to the repository root.
const echoWasm = "consensus/worker/testdata/echo.wasm"

// repoRoot is the repository root, found from this file's path.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Start starts a one-validator devnet (blocks every 100 ms, windows of
// four blocks) with source Source registered (a round every block, one
// replica, the echo validator), and stops it when t ends. Its node's API
// is at Net.Nodes[0].API and allows any origin. Under -short it skips t.
func Start(t testing.TB) *devnet.Net {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	// the nodes run until Stop: their context must outlive this call
	d, err := devnet.Start(context.Background(), t.TempDir(), devnet.Config{Validators: 1, BasePort: testports.FreeBase(t, 1),
		BlockTime: 100 * time.Millisecond, CacheDir: t.TempDir(),
		GenesisParams: `{"commit_window":"4","reveal_window":"4"}`})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	wasm, err := os.ReadFile(filepath.Join(repoRoot(), echoWasm))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := devnet.RegisterSources(ctx, d, wasm, nil, devnet.Sources{Symbols: []string{"BTC-USD"}, Every: 1, Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	return d
}

// StartClient starts the devnet (Start), makes a consumer client of its
// node's API and, when n > 0, waits (at most a minute) until the API
// lists at least n datasets of Source, which it returns newest first.
func StartClient(t testing.TB, n int) (*devnet.Net, *consumer.Client, []state.DatasetView) {
	t.Helper()
	d := Start(t)
	c, err := consumer.NewClient(d.Nodes[0].API)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return d, c, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return d, c, WaitDatasets(ctx, t, c, n)
}

// WaitDatasets waits (bounded by ctx) until c lists at least n datasets
// of Source and returns them, newest first.
func WaitDatasets(ctx context.Context, t testing.TB, c *consumer.Client, n int) []state.DatasetView {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		p, err := c.Datasets(ctx, Source, state.ListOptions{Limit: state.MaxLimit})
		if err == nil && len(p.Items) >= n {
			return p.Items
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %d datasets: %v (last error %v)", n, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// Accepted waits (at most 2 minutes) until d's node has an ACCEPTED
// dataset of Source and returns it.
func Accepted(t testing.TB, d *devnet.Net) state.DatasetView {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ds, _, err := d.Nodes[0].RPC.Chain().LatestDataset(ctx, Source, "ACCEPTED")
		switch {
		case err == nil:
			return ds
		case !errors.Is(err, state.ErrNotFound):
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("no ACCEPTED dataset within 2 minutes")
		case <-tick.C:
		}
	}
}

// TrustHash returns the hash of header h as d's node has it, read in
// process: a trust root from a source the test trusts, as a consumer
// trusts a friend or a website.
func TrustHash(t testing.TB, d *devnet.Net, h int64) []byte {
	t.Helper()
	c, err := d.Nodes[0].Client().Commit(context.Background(), &h)
	if err != nil {
		t.Fatal(err)
	}
	return c.SignedHeader.Hash()
}

// Proxy forwards TCP connections to a target; Cut closes every open one.
type Proxy struct {
	// Addr is the proxy's host:port.
	Addr string
	// URL is "http://" + Addr.
	URL string

	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
	closed bool
}

// NewProxy listens on loopback and forwards to target (host:port); it is
// closed when t ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: ln.Addr().String(), URL: "http://" + ln.Addr().String(), ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			_, _ = c.Close(), up.Close()
			return
		}
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

// pipe copies from src to dst and closes both when src ends.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	p.drop(dst, src)
}

func (p *Proxy) drop(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		_ = c.Close()
		delete(p.conns, c)
	}
}

// Cut closes every open connection (both sides) and returns how many
// client connections it cut; new connections are accepted as before.
func (p *Proxy) Cut() int {
	p.mu.Lock()
	n := len(p.conns) / 2
	cs := make([]net.Conn, 0, len(p.conns))
	for c := range p.conns {
		cs = append(cs, c)
	}
	p.mu.Unlock()
	p.drop(cs...)
	return n
}

// Close stops accepting, cuts every connection and waits for the
// copies to end.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.Cut()
	p.wg.Wait()
}
