package replay

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/internal/testports"
	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/runtime/sandbox"
)

// TestReplayChainWithTwoInputs: two real nodes fetch a live source that
// answers every fetch differently and run a program that ignores its
// input, so they agree on the output from different inputs: the chain
// stores a dataset of two input CIDs. The replay fetches each from the
// gateway that has it (two gateways, tried in order) and matches.
func TestReplayChainWithTwoInputs(t *testing.T) {
	var fetches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s answer %d", r.URL.Path, fetches.Add(1))
	}))
	defer srv.Close()
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetOptions{ChainID: "replay-two", Nodes: 2, Stake: 1000,
		BasePort: testports.FreeBase(t, 2), TimeoutCommit: 100 * time.Millisecond,
		Params: `{"commit_window":"6","reveal_window":"6"}`, AllowPrivateRanges: []string{"127.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	var gws []string
	var nodes []*node.Node
	for _, h := range homes {
		n, err := node.Start(ctx, h.Dir, node.Options{NoPrometheus: true, Runtime: rt})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Stop()
		nodes = append(nodes, n)
		gws = append(gws, n.Gateway)
	}
	c := nodes[0].RPC.Chain()
	wasm, err := os.ReadFile("../../consensus/testdata/minimal.wasm")
	if err != nil {
		t.Fatal(err)
	}
	owner := ed25519.NewKeyFromSeed(make([]byte, 32))
	codeCID, _, err := submit.StoreCode(ctx, c, owner, wasm)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := submit.One(ctx, c, owner, tx.RegisterSourceBody("live", &pb.SourceSpec{
		Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: srv.URL + "/{{height}}"}}},
		CodeCid: codeCID, Every: 3, Replicas: 2, GasLimit: 1_000_000, MaxOutputBytes: 64, MemoryPages: 1,
	})); err != nil {
		t.Fatal(err)
	}
	var round uint64
	for i := 0; round == 0; i++ {
		if d, _, err := c.LatestDataset(ctx, "live", ""); err == nil && len(d.InputCIDs) == 2 {
			round = d.Round
		} else if i == 600 {
			t.Fatalf("no dataset of two inputs after 60 s: %+v, %v", d, err)
		}
		time.Sleep(100 * time.Millisecond) // polling the chain, bounded
	}
	start := time.Now()
	rep, err := Replay(ctx, FromChain(c, "the test node"), Gateway(gws...), "live", round, Options{})
	t.Logf("replay of two inputs took %v", time.Since(start))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Match || len(rep.Runs) != 2 || rep.Runs[0].InputCID == rep.Runs[1].InputCID {
		t.Fatalf("report %+v: want two matching runs of distinct inputs", rep)
	}
	if _, err := Replay(ctx, FromChain(c, "the test node"), Gateway(gws[0]), "live", round, Options{}); err == nil {
		t.Fatal("one node's gateway served both inputs: want the other's input not found")
	}
}
