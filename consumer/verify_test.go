package consumer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/devnet"
	"github.com/assaynet/assay/internal/testports"
)

// echoWasm is a tiny validator (its output is its input).
const echoWasm = "../consensus/worker/testdata/echo.wasm"

// chainFixture is one real single-validator devnet with an ACCEPTED
// dataset, shared by the subtests.
type chainFixture struct {
	rpc, gateway string // the node's RPC (http://…) and gateway URLs
	genesis      []byte
	trustHeight  int64
	trustHash    []byte
	source       string
	round        uint64
	outputCID    string
}

// startChain starts a one-validator devnet, registers one source and
// waits (at most 2 minutes) for an ACCEPTED dataset.
func startChain(t *testing.T) *chainFixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	net, err := devnet.Start(ctx, t.TempDir(), devnet.Config{Validators: 1, BasePort: testports.FreeBase(t, 1),
		BlockTime: 100 * time.Millisecond, CacheDir: t.TempDir(), GenesisParams: `{"commit_window":"3","reveal_window":"3"}`})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(net.Stop)
	wasm, _, err := devnet.ExampleFiles(echoWasm, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := devnet.RegisterSources(ctx, net, wasm, nil, devnet.Sources{Symbols: []string{"BTC-USD"}, Every: 2, Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	n := net.Nodes[0]
	f := &chainFixture{gateway: n.Gateway, source: "btc-usd"}
	cfg, err := cometnode.LoadConfig(n.Home)
	if err != nil {
		t.Fatal(err)
	}
	f.rpc = strings.Replace(cfg.RPC.ListenAddress, "tcp://", "http://", 1)
	if f.genesis, err = os.ReadFile(filepath.Join(n.Home, "config", "genesis.json")); err != nil {
		t.Fatal(err)
	}
	for {
		d, _, err := n.RPC.Chain().LatestDataset(ctx, f.source, "ACCEPTED")
		if err == nil {
			f.round, f.outputCID = d.Round, d.OutputCID
			break
		}
		if !errors.Is(err, state.ErrNotFound) {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("no ACCEPTED dataset within 2 minutes")
		case <-time.After(100 * time.Millisecond):
		}
	}
	// The trust root: header 2, read from the node in process (a source
	// the test trusts, as a consumer trusts a friend or a website).
	f.trustHeight = 2
	c, err := n.Client().Commit(ctx, &f.trustHeight)
	if err != nil {
		t.Fatal(err)
	}
	f.trustHash = c.SignedHeader.Hash()
	return f
}

// rpcProxy is a lying node: it forwards JSON-RPC calls to the real RPC
// and lets lie rewrite a method's result. It counts the calls.
type rpcProxy struct {
	*httptest.Server
	calls atomic.Int64
}

func newRPCProxy(t *testing.T, target string, lie func(method string, result map[string]any)) *rpcProxy {
	p := &rpcProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Method string `json:"method"`
		}
		_ = json.Unmarshal(body, &req)
		resp, err := http.Post(target, "application/json", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if lie != nil {
			var m map[string]any
			if json.Unmarshal(out, &m) == nil {
				if res, ok := m["result"].(map[string]any); ok {
					lie(req.Method, res)
					out, _ = json.Marshal(m)
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	}))
	t.Cleanup(p.Close)
	return p
}

// gatewayProxy forwards to the real gateway, flipping a byte of every
// body when lie is set.
func gatewayProxy(t *testing.T, target string, lie bool) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(target + r.URL.RequestURI())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if lie && len(b) > 0 {
			b[len(b)/2] ^= 1
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// flipB64 flips a bit of the last byte of base64 field k of m.
func flipB64(m map[string]any, k string) {
	b, _ := base64.StdEncoding.DecodeString(m[k].(string))
	if len(b) > 0 {
		b[len(b)-1] ^= 1
	}
	m[k] = base64.StdEncoding.EncodeToString(b)
}

// dig follows keys through nested JSON objects (and index 0 of arrays).
func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		switch v := m[k].(type) {
		case map[string]any:
			m = v
		case []any:
			m = v[0].(map[string]any)
		default:
			return nil
		}
	}
	return m
}

// aboveTrust reports whether a commit result is of a height above the
// trust height (the lies spare the trusted header itself).
func aboveTrust(res map[string]any, trust int64) bool {
	h := dig(res, "signed_header", "header")
	var n int64
	fmt.Sscan(fmt.Sprint(h["height"]), &n)
	return n > trust
}

// TestVerifyLyingNode verifies a real node's ACCEPTED dataset through an
// honest proxy, then through proxies that alter the record, the proof,
// a header (app hash, commit signature) or the gateway's bytes: each
// fails with the Part that was altered and a message naming it.
func TestVerifyLyingNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	f := startChain(t)
	ctx := context.Background()
	honestGW := gatewayProxy(t, f.gateway, false)

	// Honest, and measured: one verification from a fresh Verifier.
	p := newRPCProxy(t, f.rpc, nil)
	v, err := consumer.NewVerifier(consumer.Options{Nodes: []string{p.URL}, TrustHeight: f.trustHeight, TrustHash: f.trustHash, Gateway: honestGW})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d, err := v.Verify(ctx, f.source, f.round)
	if err != nil {
		t.Fatalf("honest node: %v", err)
	}
	t.Logf("one verification: %d RPC calls + 1 gateway GET, %v", p.calls.Load(), time.Since(start))
	if d.OutputCID != f.outputCID || d.Status != "ACCEPTED" || len(d.Bytes) == 0 || d.HeaderHeight != d.StateHeight+1 {
		t.Fatalf("verified %+v, want ACCEPTED %s with bytes", d, f.outputCID)
	}

	tests := []struct {
		name    string
		lie     func(t *testing.T, method string, res map[string]any)
		round   uint64
		hash    []byte // trust hash ("" = the right one)
		lyingGW bool
		part    consumer.Part
		want    string
	}{
		{name: "record value", part: consumer.PartRecord, want: "is not the value the proof commits to",
			lie: func(_ *testing.T, m string, res map[string]any) {
				if m == "abci_query" {
					flipB64(dig(res, "response"), "value")
				}
			}},
		{name: "record and proof value", part: consumer.PartProof, want: "does not lead to app hash",
			lie: func(_ *testing.T, m string, res map[string]any) {
				// Alter the value and the proof's copy of it consistently.
				if m == "abci_query" {
					r := dig(res, "response")
					old, _ := base64.StdEncoding.DecodeString(r["value"].(string))
					flipB64(r, "value")
					op := dig(r, "proofOps", "ops")
					pb, _ := base64.StdEncoding.DecodeString(op["data"].(string))
					neu := bytes.Clone(old)
					neu[len(neu)-1] ^= 1
					op["data"] = base64.StdEncoding.EncodeToString(bytes.Replace(pb, old, neu, 1))
				}
			}},
		{name: "proof bytes", part: consumer.PartProof, want: "proof",
			lie: func(_ *testing.T, m string, res map[string]any) {
				if m == "abci_query" {
					flipB64(dig(res, "response", "proofOps", "ops"), "data")
				}
			}},
		{name: "header app hash", part: consumer.PartHeader, want: "does not verify from the trust root",
			lie: func(_ *testing.T, m string, res map[string]any) {
				if m == "commit" && aboveTrust(res, f.trustHeight) {
					h := dig(res, "signed_header", "header")
					b, _ := hex.DecodeString(h["app_hash"].(string))
					b[0] ^= 1
					h["app_hash"] = strings.ToUpper(hex.EncodeToString(b))
				}
			}},
		{name: "commit signature", part: consumer.PartHeader, want: "does not verify from the trust root",
			lie: func(_ *testing.T, m string, res map[string]any) {
				if m == "commit" && aboveTrust(res, f.trustHeight) {
					flipB64(dig(res, "signed_header", "commit", "signatures"), "signature")
				}
			}},
		{name: "gateway bytes", lyingGW: true, part: consumer.PartBytes, want: "that are not its content"},
		{name: "wrong trust hash", hash: bytes.Repeat([]byte{7}, 32), part: consumer.PartHeader, want: "header 2"},
		{name: "absent round", round: f.round + 1_000_000, part: consumer.PartAbsent, want: "absence proven"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var lie func(string, map[string]any)
			if tc.lie != nil {
				lie = func(m string, res map[string]any) { tc.lie(t, m, res) }
			}
			p := newRPCProxy(t, f.rpc, lie)
			gw := honestGW
			if tc.lyingGW {
				gw = gatewayProxy(t, f.gateway, true)
			}
			hash := f.trustHash
			if tc.hash != nil {
				hash = tc.hash
			}
			round := f.round
			if tc.round != 0 {
				round = tc.round
			}
			v, err := consumer.NewVerifier(consumer.Options{Nodes: []string{p.URL}, TrustHeight: f.trustHeight, TrustHash: hash, Gateway: gw})
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Verify(ctx, f.source, round)
			if consumer.PartOf(err) != tc.part || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v (part %q), want part %q with %q", err, consumer.PartOf(err), tc.part, tc.want)
			}
			t.Logf("%s: %v", tc.name, err)
		})
	}

	t.Run("genesis", func(t *testing.T) {
		v, err := consumer.NewVerifier(consumer.Options{Nodes: []string{f.rpc}, Genesis: f.genesis})
		if err != nil {
			t.Fatal(err)
		}
		d, err := v.Verify(ctx, f.source, f.round)
		if err != nil || d.OutputCID != f.outputCID {
			t.Fatalf("from genesis: %v, %+v", err, d)
		}
	})
	t.Run("lying witness", func(t *testing.T) {
		// The witness's headers are altered: the light client drops it,
		// is left without a witness to cross-check, and refuses.
		liar := newRPCProxy(t, f.rpc, func(m string, res map[string]any) {
			if m == "commit" && aboveTrust(res, f.trustHeight) {
				h := dig(res, "signed_header", "header")
				h["app_hash"] = strings.Repeat("AB", 32)
			}
		})
		v, err := consumer.NewVerifier(consumer.Options{Nodes: []string{f.rpc, liar.URL}, TrustHeight: f.trustHeight, TrustHash: f.trustHash})
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(ctx, f.source, f.round)
		if consumer.PartOf(err) != consumer.PartHeader {
			t.Fatalf("lying witness: %v, want a header error (the light client refuses to go on without a witness)", err)
		}
	})
}
