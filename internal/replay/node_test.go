package replay

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/internal/testports"
	"github.com/assaynet/assay/node"
)

// Sources the test node runs, all validated by echo.wasm (its output is
// its input; an empty input is REJECTED "empty") or minimal.wasm (writes
// "ok", whatever the input).
const (
	srcAccepted = "acc"     // input {"height":H}: ACCEPTED
	srcRejected = "rej"     // empty input: REJECTED
	srcMinimal  = "minimal" // ACCEPTED "ok"
)

// testNet is one real node (CometBFT, the app, the worker, the pin store
// and its gateway) started once for the package's tests.
type testNet struct {
	node    *node.Node
	chain   *chain.Client
	gateway string
	rpc     string // the node's RPC, http://127.0.0.1:port
	echo    []byte // echo.wasm
	minimal []byte // minimal.wasm
	// rounds holds the first resolved round of each source.
	rounds map[string]uint64
}

var (
	netOnce sync.Once
	netErr  error
	shared  *testNet
	stopNet = func() {}
)

func TestMain(m *testing.M) {
	code := m.Run()
	stopNet()
	os.Exit(code)
}

// theNet starts the shared node the first time and waits until each
// source has a dataset.
func theNet(t *testing.T) *testNet {
	t.Helper()
	netOnce.Do(func() {
		netErr = fmt.Errorf("test node setup failed")
		shared, netErr = startNet(t)
	})
	if netErr != nil {
		t.Fatal(netErr)
	}
	return shared
}

func startNet(t testing.TB) (*testNet, error) {
	dir, err := os.MkdirTemp("", "assay-replay-test-")
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := strings.CutPrefix(r.URL.Path, "/acc/"); ok {
			fmt.Fprintf(w, `{"height":%s}`, h)
		}
	}))
	homes, err := node.WriteTestnet(dir, node.TestnetOptions{ChainID: "replay-test", Nodes: 1, Stake: 1000,
		BasePort: testports.FreeBase(t, 1), TimeoutCommit: 100 * time.Millisecond,
		Params:             `{"commit_window":"4","reveal_window":"5"}`,
		AllowPrivateRanges: []string{"127.0.0.0/8"}})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	n, err := node.Start(ctx, homes[0].Dir, node.Options{NoPrometheus: true})
	if err != nil {
		cancel()
		return nil, err
	}
	stopNet = func() { cancel(); n.Stop(); srv.Close(); os.RemoveAll(dir) }
	tn := &testNet{node: n, chain: n.RPC.Chain(), gateway: n.Gateway, rounds: map[string]uint64{},
		rpc: fmt.Sprintf("http://127.0.0.1:%d", homes[0].Ports.RPC)}
	if tn.echo, err = os.ReadFile("../../consensus/worker/testdata/echo.wasm"); err != nil {
		return nil, err
	}
	if tn.minimal, err = os.ReadFile("../../consensus/testdata/minimal.wasm"); err != nil {
		return nil, err
	}
	if err := tn.register(ctx, srv.URL); err != nil {
		return nil, err
	}
	return tn, tn.waitDatasets(ctx)
}

// register stores both codes and registers the three sources.
func (tn *testNet) register(ctx context.Context, url string) error {
	seed := sha256.Sum256([]byte("replay-test-owner"))
	owner := ed25519.NewKeyFromSeed(seed[:])
	echoCID, _, err := submit.StoreCode(ctx, tn.chain, owner, tn.echo)
	if err != nil {
		return err
	}
	minCID, _, err := submit.StoreCode(ctx, tn.chain, owner, tn.minimal)
	if err != nil {
		return err
	}
	spec := func(path, code string) *pb.SourceSpec {
		return &pb.SourceSpec{
			Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: url + "/" + path + "/{{height}}"}}},
			CodeCid: code, Params: []byte(`{"p":1}`), Every: 3, Replicas: 1,
			GasLimit: 50_000_000, MaxOutputBytes: 65536, MemoryPages: 64,
		}
	}
	return submit.Many(ctx, tn.chain, owner, []*pb.TxBody{
		tx.RegisterSourceBody(srcAccepted, spec("acc", echoCID)),
		tx.RegisterSourceBody(srcRejected, spec("rej", echoCID)),
		tx.RegisterSourceBody(srcMinimal, spec("min", minCID)),
	})
}

// waitDatasets waits (at most 60 s) until every source has a dataset.
func (tn *testNet) waitDatasets(ctx context.Context) error {
	for range 600 {
		for _, src := range []string{srcAccepted, srcRejected, srcMinimal} {
			if _, ok := tn.rounds[src]; ok {
				continue
			}
			if d, _, err := tn.chain.LatestDataset(ctx, src, ""); err == nil {
				tn.rounds[src] = d.Round
			}
		}
		if len(tn.rounds) == 3 {
			return nil
		}
		time.Sleep(100 * time.Millisecond) // polling the chain, bounded
	}
	return fmt.Errorf("no dataset for every source after 60 s: %v", tn.rounds)
}

// dataset returns the chain's dataset view of a source's first round.
func (tn *testNet) dataset(t *testing.T, src string) state.DatasetView {
	t.Helper()
	r := tn.rounds[src]
	p, _, err := tn.chain.Datasets(context.Background(), src, state.ListOptions{From: r, To: r})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("dataset %s/%d: %v, %v", src, r, p, err)
	}
	return p.Items[0]
}
