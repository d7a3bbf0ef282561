package replica

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/runtime/pin"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// store opens a persistent pin store under the test's temp dir.
func store(t *testing.T) *pin.Store {
	s, err := pin.Open(filepath.Join(t.TempDir(), "pins"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newHost starts a libp2p host with bitswap over s on a free loopback port.
func newHost(t *testing.T, s *pin.Store) *Host {
	key, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "key"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHost(ctxT(t), key, []string{"/ip4/127.0.0.1/tcp/0"}, s.Blockstore())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

// content is 1 MiB of random bytes: a DAG of four leaves and a root.
func content(t *testing.T) []byte {
	b := make([]byte, 1<<20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBitswapFetchPinned: a node's store, served by its bitswap, is
// fetched block by block by another node, which pins it; the bytes are
// the original's.
func TestBitswapFetchPinned(t *testing.T) {
	ctx := ctxT(t)
	src, dst := store(t), store(t)
	data := content(t)
	c, err := src.AddPinned(ctx, bytes.NewReader(data), "assay/x/1/output")
	if err != nil {
		t.Fatal(err)
	}
	hs, hd := newHost(t, src), newHost(t, dst)
	if n, err := hd.Connect(ctx, hs.Addrs()); n != 1 {
		t.Fatalf("connect: %d peers, %v", n, err)
	}
	if err := dst.FetchPinned(ctx, c, "assay/x/1/output", hd.Bitswap); err != nil {
		t.Fatal(err)
	}
	checkPinned(t, dst, c, data)
}

// TestKeyPersists: the libp2p identity is created once and read back.
func TestKeyPersists(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config", "libp2p_key")
	k1, err := LoadOrCreateKey(p)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(p)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equals(k2) {
		t.Fatal("a second load made a new key")
	}
}

// TestGatewayFallback: with no libp2p host, a dataset comes from an
// attester's trustless gateway as a CAR, every block checked; a gateway
// that answers a CAR of other content, or too many bytes, is refused and
// nothing is pinned.
func TestGatewayFallback(t *testing.T) {
	ctx := ctxT(t)
	src := store(t)
	data := content(t)
	c, err := src.AddPinned(ctx, bytes.NewReader(data), "d")
	if err != nil {
		t.Fatal(err)
	}
	other, err := src.AddPinned(ctx, bytes.NewReader(content(t)), "other")
	if err != nil {
		t.Fatal(err)
	}
	gw, err := src.Gateway()
	if err != nil {
		t.Fatal(err)
	}
	honest := httptest.NewServer(gw)
	defer honest.Close()
	// a lying gateway answers every request with the CAR of other
	lying := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.ipld.car")
		_ = src.ExportCAR(r.Context(), other, w)
	}))
	defer lying.Close()

	cases := []struct {
		name     string
		base     string
		maxBytes int64
		ok       bool
	}{
		{"lying gateway", lying.URL, DefaultMaxBytes, false},
		{"over max_bytes", honest.URL, 1000, false},
		{"honest gateway", honest.URL, DefaultMaxBytes, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := store(t)
			r := New(Config{Store: dst, MaxBytes: tc.maxBytes})
			err := r.viaGateway(ctx, c, "d", tc.base)
			if tc.ok != (err == nil) {
				t.Fatalf("err %v, want ok %v", err, tc.ok)
			}
			if !tc.ok {
				if ok, _ := dst.IsPinned(ctx, c); ok {
					t.Fatal("pinned after a failed fetch")
				}
				if tc.maxBytes < DefaultMaxBytes && !errors.Is(err, errTooLarge) {
					t.Fatalf("err %v, want errTooLarge", err)
				}
				return
			}
			checkPinned(t, dst, c, data)
		})
	}
}

// checkPinned checks that s pins c and that c's bytes are want.
func checkPinned(t *testing.T, s *pin.Store, c cid.Cid, want []byte) {
	t.Helper()
	ctx := ctxT(t)
	if ok, err := s.IsPinned(ctx, c); !ok || err != nil {
		t.Fatalf("%s not pinned: %v", c, err)
	}
	got, err := s.Get(ctx, c)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes (%v), want the %d original bytes", c, len(got), err, len(want))
	}
}

// TestFallbackWhenBitswapUnreachable: an attester whose multiaddr
// cannot be dialled is fetched from through its gateway, and the fetch
// is counted as a gateway fetch.
func TestFallbackWhenBitswapUnreachable(t *testing.T) {
	ctx := ctxT(t)
	src, dst := store(t), store(t)
	data := content(t)
	c, err := src.AddPinned(ctx, bytes.NewReader(data), "d")
	if err != nil {
		t.Fatal(err)
	}
	gw, err := src.Gateway()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	defer srv.Close()
	// a peer id that listens nowhere: the dial fails at once
	gone := newHost(t, store(t))
	addr := gone.Addrs()[0]
	_ = gone.Close()
	r := New(Config{Store: dst, Host: newHost(t, dst), Timeout: 5 * time.Second})
	r.addrs = map[string]state.RetrievalView{"aa": {Operator: "aa", Gateway: srv.URL, Multiaddrs: []string{addr}}}
	if err := r.fetch(ctx, c, "d", []string{"aa"}); err != nil {
		t.Fatal(err)
	}
	checkPinned(t, dst, c, data)
	if s := r.Stats(); s.Fetched != 1 || s.Gateway != 1 {
		t.Fatalf("stats %+v, want one fetch, from the gateway", s)
	}
}

// TestPresentDatasetPinnedUnderItsName: a dataset whose bytes the node
// already holds under another name (the worker's pin of another round or
// source) is pinned under the dataset's own name too, without a fetch,
// so that unpinning the other name keeps it.
func TestPresentDatasetPinnedUnderItsName(t *testing.T) {
	ctx := ctxT(t)
	s, b := store(t), content(t)
	c, err := s.AddPinned(ctx, bytes.NewReader(b), "assay/feed/7/input")
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{Store: s, Attempts: 1})
	if err := r.fetchRetry(ctx, c.String(), "assay/other/9/output", nil); err != nil {
		t.Fatalf("replicate a present dataset: %v", err)
	}
	if st := r.Stats(); st.Present != 1 || st.Fetched != 0 {
		t.Fatalf("stats %+v, want 1 present, 0 fetched", st)
	}
	if _, err := s.UnpinNames(ctx, []pin.Pinned{{Cid: c, Name: "assay/feed/7/input"}}); err != nil {
		t.Fatal(err)
	}
	checkPinned(t, s, c, b)
}
