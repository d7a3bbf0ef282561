package worker

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/codecheck"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// testParams are short windows so a test resolves rounds in a few blocks.
const testParams = `{"commit_window":"4","reveal_window":"5","jail_blocks":"20"}`

type fixture struct {
	t      testing.TB
	chain  *memChain
	keys   []ed25519.PrivateKey
	rt     *sandbox.Runtime
	input  []byte
	want   string // output CID the honest validators must agree on
	source string
}

func operatorKey(i int) ed25519.PrivateKey {
	s := sha256.Sum256(fmt.Appendf(nil, "op-%d", i))
	return ed25519.NewKeyFromSeed(s[:])
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newFixture starts a chain of n validators with a source validated by
// testdata/echo.wasm (every 2 blocks, k replicas) whose input a local HTTP
// server serves; the agreed output is the input itself.
func newFixture(t testing.TB, n int, k uint32) *fixture {
	return newFixtureParams(t, n, k, testParams)
}

// newFixtureParams is newFixture on a chain with the given genesis params.
func newFixtureParams(t testing.TB, n int, k uint32, params string) *fixture {
	f := &fixture{t: t, source: "prices"}
	for i := 0; i < n; i++ {
		f.keys = append(f.keys, operatorKey(i))
	}
	owner := operatorKey(100)
	f.chain = newMemChain(t, f.keys, params)
	f.input = []byte(`{"symbol":"BTC-USD","price":"37123.50"}`)
	want, err := pin.SumBytes(f.input)
	if err != nil {
		t.Fatal(err)
	}
	f.want = want.String()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(f.input) }))
	t.Cleanup(srv.Close)
	wasm, codeCID := echoCode(t)
	f.chain.submit(owner, tx.StoreCodeBody(wasm))
	f.chain.block()
	f.chain.submit(owner, tx.RegisterSourceBody(f.source, &pb.SourceSpec{
		Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: srv.URL + "/{{height}}"}}},
		CodeCid: codeCID,
		Every:   2, Replicas: k, GasLimit: 50_000_000, MaxOutputBytes: 65536, MemoryPages: 64,
	}))
	f.chain.block()
	// A second source on the other parity, sorting before the first, so
	// batches hold entries whose chain order differs from height order.
	f.chain.submit(owner, tx.RegisterSourceBody("aaa", &pb.SourceSpec{
		Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: srv.URL + "/aaa/{{height}}"}}},
		CodeCid: codeCID, Every: 2, Replicas: k, GasLimit: 50_000_000, MaxOutputBytes: 65536, MemoryPages: 64,
	}))
	f.chain.block()
	f.rt = newRuntime(t)
	return f
}

// echoCode returns testdata/echo.wasm and its code CID.
func echoCode(t testing.TB) ([]byte, string) {
	t.Helper()
	wasm := readFile(t, "echo.wasm")
	cid, err := codecheck.New(meter.DefaultLimits()).Check(wasm)
	if err != nil {
		t.Fatal(err)
	}
	return wasm, cid
}

// newRuntime makes a sandbox runtime that is closed when the test ends.
func newRuntime(t testing.TB) *sandbox.Runtime {
	t.Helper()
	rt, err := sandbox.New(context.Background(), sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	return rt
}

// newWorker makes a worker for validator i with its own store and
// journal under dir.
func (f *fixture) newWorker(i int, dir string, fault Fault) *Worker {
	f.t.Helper()
	store, err := pin.OpenDeferredSync(filepath.Join(dir, "pins")) // as assay start opens it
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = store.Close() })
	j, err := OpenJournalDeferred(filepath.Join(dir, "journal")) // as assay start opens it
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = j.Close() })
	w, err := New(Config{
		ChainID: testChainID, Key: f.keys[i], Chain: f.chain, Fetcher: httpFetcher{},
		Runtime: f.rt, Store: store, Journal: j, Poll: 5 * time.Millisecond, Fault: fault,
		Logger: slog.New(slog.NewTextHandler(testWriter{f.t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return w
}

// start runs w until the returned stop is called.
func start(w *Worker) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = w.Run(ctx) }()
	return func() { cancel(); wg.Wait() }
}

// until produces blocks, pausing so workers can act, until cond holds or
// max blocks have passed; it reports whether cond held.
func (f *fixture) until(max int, cond func() bool) bool {
	for i := 0; i < max; i++ {
		if cond() {
			return true
		}
		time.Sleep(40 * time.Millisecond)
		f.chain.block()
	}
	return cond()
}

func (f *fixture) query(path string, v any) {
	f.t.Helper()
	b, err := f.chain.query(path)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) datasets() []state.DatasetView {
	var ds state.Page[state.DatasetView]
	f.query(state.PathDatasets(f.source, state.ListOptions{Limit: state.MaxLimit}), &ds)
	return ds.Items
}

func (f *fixture) evidence() []state.EvidenceView {
	var ev state.Page[state.EvidenceView]
	f.query(state.PathEvidencePage(state.ListOptions{Limit: state.MaxLimit}), &ev)
	return ev.Items
}

func opHex(k ed25519.PrivateKey) string {
	return fmt.Sprintf("%x", tx.Address(k.Public().(ed25519.PublicKey)))
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// newFixtureB is newFixture for benchmarks: one validator, k = 1, and a
// few blocks so its first round is open.
func newFixtureB(b *testing.B) *fixture {
	f := newFixture(b, 1, 1)
	for i := 0; i < 3; i++ {
		f.chain.block()
	}
	return f
}

// newWorkerB is newWorker without debug logs.
func (f *fixture) newWorkerB(b *testing.B, i int, dir string) *Worker {
	w := f.newWorker(i, dir, FaultNone)
	w.log = slog.New(slog.DiscardHandler)
	return w
}

// execute is executeBy with no deadline.
func (w *Worker) execute(ctx context.Context, r *pb.Round) (Entry, error) {
	return w.executeBy(ctx, r, time.Time{})
}
