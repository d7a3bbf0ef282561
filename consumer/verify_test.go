package consumer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/apitest"
	"github.com/assaynet/assay/internal/liar"
)

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

// startChain starts the one-validator devnet of apitest.Start and waits
// for an ACCEPTED dataset; it trusts header 2.
func startChain(t *testing.T) *chainFixture {
	t.Helper()
	net := apitest.Start(t)
	n := net.Nodes[0]
	f := &chainFixture{gateway: n.Gateway, source: apitest.Source, trustHeight: 2}
	cfg, err := cometnode.LoadConfig(n.Home)
	if err != nil {
		t.Fatal(err)
	}
	f.rpc = strings.Replace(cfg.RPC.ListenAddress, "tcp://", "http://", 1)
	if f.genesis, err = os.ReadFile(filepath.Join(n.Home, "config", "genesis.json")); err != nil {
		t.Fatal(err)
	}
	d := apitest.Accepted(t, net)
	f.round, f.outputCID = d.Round, d.OutputCID
	f.trustHash = apitest.TrustHash(t, net, f.trustHeight)
	return f
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
	honestGW := liar.Gateway(t, f.gateway, false)

	// Honest, and measured: one verification from a fresh Verifier.
	p := liar.RPC(t, f.rpc, nil)
	v, err := consumer.NewVerifier(consumer.Options{Nodes: []string{p.URL}, TrustHeight: f.trustHeight, TrustHash: f.trustHash, Gateway: honestGW})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d, err := v.Verify(ctx, f.source, f.round)
	if err != nil {
		t.Fatalf("honest node: %v", err)
	}
	t.Logf("one verification: %d RPC calls + 1 gateway GET, %v", p.Calls(), time.Since(start))
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
					liar.FlipB64(liar.Dig(res, "response"), "value")
				}
			}},
		{name: "record and proof value", part: consumer.PartProof, want: "does not lead to app hash",
			lie: func(_ *testing.T, m string, res map[string]any) {
				// Alter the value and the proof's copy of it consistently.
				if m == "abci_query" {
					r := liar.Dig(res, "response")
					old, _ := base64.StdEncoding.DecodeString(r["value"].(string))
					liar.FlipB64(r, "value")
					op := liar.Dig(r, "proofOps", "ops")
					pb, _ := base64.StdEncoding.DecodeString(op["data"].(string))
					neu := bytes.Clone(old)
					neu[len(neu)-1] ^= 1
					op["data"] = base64.StdEncoding.EncodeToString(bytes.Replace(pb, old, neu, 1))
				}
			}},
		{name: "proof bytes", part: consumer.PartProof, want: "proof",
			lie: func(_ *testing.T, m string, res map[string]any) {
				if m == "abci_query" {
					liar.FlipB64(liar.Dig(res, "response", "proofOps", "ops"), "data")
				}
			}},
		{name: "header app hash", part: consumer.PartHeader, want: "does not verify from the trust root",
			lie: func(_ *testing.T, m string, res map[string]any) {
				if m == "commit" && liar.AboveTrust(res, f.trustHeight) {
					h := liar.Dig(res, "signed_header", "header")
					b, _ := hex.DecodeString(h["app_hash"].(string))
					b[0] ^= 1
					h["app_hash"] = strings.ToUpper(hex.EncodeToString(b))
				}
			}},
		{name: "commit signature", part: consumer.PartHeader, want: "does not verify from the trust root",
			lie: func(_ *testing.T, m string, res map[string]any) {
				if m == "commit" && liar.AboveTrust(res, f.trustHeight) {
					liar.FlipB64(liar.Dig(res, "signed_header", "commit", "signatures"), "signature")
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
			p := liar.RPC(t, f.rpc, lie)
			gw := honestGW
			if tc.lyingGW {
				gw = liar.Gateway(t, f.gateway, true)
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

	t.Run("prove any record", func(t *testing.T) {
		// Prove serves any record path: the round record of the dataset
		// and the source record, proven against the same kind of header;
		// a code CID never stored is proven absent.
		v, err := consumer.NewVerifier(consumer.Options{Nodes: []string{f.rpc}, TrustHeight: f.trustHeight, TrustHash: f.trustHash})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{fmt.Sprintf("round/%s/%d", f.source, f.round), "source/" + f.source} {
			rec, err := v.Prove(ctx, path)
			if err != nil || len(rec.Value) == 0 || rec.Path != path || rec.HeaderHeight != rec.StateHeight+1 ||
				!bytes.Contains(rec.Value, []byte(f.source)) {
				t.Fatalf("Prove(%s) = %+v, %v", path, rec, err)
			}
		}
		if _, err := v.Prove(ctx, "code/bafkreinotstored"); consumer.PartOf(err) != consumer.PartAbsent {
			t.Fatalf("Prove of a code never stored: %v, want its absence proven", err)
		}
	})
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
		liar := liar.RPC(t, f.rpc, func(m string, res map[string]any) {
			if m == "commit" && liar.AboveTrust(res, f.trustHeight) {
				h := liar.Dig(res, "signed_header", "header")
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
