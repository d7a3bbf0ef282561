package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/liar"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/node"
)

// TestDatasetReplayCLI: `assay dataset replay` against a real node's
// dataset exits 0 on both engines (text and --json), trusting the node
// or, with a trust root, from proven records, and says which; 2 with a
// gateway that serves wrong bytes or for a round without a dataset, and
// 2 on bad usage. A node that alters the round record fools the trusting
// replay (exit 1, MISMATCH) and fails the proven one (exit 3, NOT
// PROVEN). (Mismatches are internal/replay's TestReplayMismatch.)
func TestDatasetReplayCLI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "input at %s", r.URL.Path) }))
	defer srv.Close()
	base := freeBase(t, 1)
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetOptions{ChainID: "replay-cli", Nodes: 1, Stake: 1000, BasePort: base,
		TimeoutCommit: 100 * time.Millisecond, Params: `{"commit_window":"4","reveal_window":"5"}`, AllowPrivateRanges: []string{"127.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, err := node.Start(ctx, homes[0].Dir, node.Options{NoPrometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Stop()
	c := n.RPC.Chain()
	wasm, err := os.ReadFile(echoWasm)
	if err != nil {
		t.Fatal(err)
	}
	owner := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	codeCID, _, err := submit.StoreCode(ctx, c, owner, wasm)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := submit.One(ctx, c, owner, tx.RegisterSourceBody("feed", &pb.SourceSpec{
		Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: srv.URL + "/{{height}}"}}},
		CodeCid: codeCID, Every: 3, Replicas: 1, GasLimit: 10_000_000, MaxOutputBytes: 4096, MemoryPages: 64,
	})); err != nil {
		t.Fatal(err)
	}
	var round uint64
	for i := 0; round == 0; i++ {
		if d, _, err := c.LatestDataset(ctx, "feed", ""); err == nil {
			round = d.Round
		} else if i == 600 {
			t.Fatalf("no dataset after 60 s: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // polling the chain, bounded
	}
	badGW := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("lies")) }))
	defer badGW.Close()
	rpc := fmt.Sprintf("tcp://127.0.0.1:%d", homes[0].Ports.RPC)
	r := strconv.FormatUint(round, 10)
	roundKey, err := state.RecordKey("round/feed/" + r)
	if err != nil {
		t.Fatal(err)
	}
	h2 := int64(2)
	commit, err := n.Client().Commit(ctx, &h2)
	if err != nil {
		t.Fatal(err)
	}
	trust := []string{"--trust-height", "2", "--trust-hash", hex.EncodeToString(commit.SignedHeader.Hash())}
	lying := liar.RPC(t, strings.Replace(rpc, "tcp://", "http://", 1), func(m string, res map[string]any) {
		if m == "abci_query" { // the round's output limit, so the program fails where the chain accepted
			liar.Record(res, string(roundKey), func(b []byte) []byte {
				rd := &pb.Round{}
				if proto.Unmarshal(b, rd) != nil {
					return b
				}
				rd.Spec.MaxOutputBytes = 3
				out, _ := proto.Marshal(rd)
				return out
			})
		}
	})
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"compiler", []string{"feed", r}, 0, "compiler engine: MATCH"},
		{"trusting says so", []string{"feed", r}, 0, "records: trusted from " + rpc},
		{"proven", append([]string{"feed", r}, trust...), 0, "records: proven at height"},
		{"proven interpreter", append([]string{"feed", r, "--engine", "interpreter"}, trust...), 0, "records: proven at height"},
		{"proven json", append([]string{"--json", "feed", r}, trust...), 0, `"proven":true`},
		{"lying node, trusted", []string{"--node", lying.URL, "feed", r}, 1, "MISMATCH"},
		{"lying node, proven", append([]string{"--node", lying.URL, "feed", r}, trust...), 3, "NOT PROVEN"},
		{"bad trust hash", []string{"feed", r, "--trust-height", "2", "--trust-hash", "zz"}, 2, "not hex"},
		{"interpreter", []string{"feed", r, "--engine", "interpreter"}, 0, "interpreter engine: MATCH"},
		{"json", []string{"--json", "feed", r}, 0, `"match":true`},
		{"lying gateway", []string{"--gateway", badGW.URL, "feed", r}, 2, "does not match the CID"},
		{"no dataset", []string{"feed", strconv.FormatUint(round+1, 10)}, 2, "has no dataset"},
		{"bad engine", []string{"--engine", "jit", "feed", r}, 2, ""},
		{"bad round", []string{"feed", "x"}, 2, ""},
		{"one argument", []string{"feed"}, 2, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"dataset", "replay", "--node", rpc, "--gateway", n.Gateway}, tt.args...)
			start := time.Now()
			code := run(args, &out, &errb)
			t.Logf("exit %d in %v\n%s%s", code, time.Since(start), out.String(), errb.String())
			if code != tt.code || !strings.Contains(out.String(), tt.want) {
				t.Fatalf("exit %d, output %q; want %d and %q", code, out.String(), tt.code, tt.want)
			}
			if tt.name == "json" {
				var v struct {
					Match bool
					Runs  []struct {
						InputCID string `json:"input_cid"`
					}
				}
				if err := json.Unmarshal(out.Bytes(), &v); err != nil || !v.Match || len(v.Runs) != 1 {
					t.Fatalf("--json %s: %+v, %v", out.String(), v, err)
				}
			}
		})
	}
}
