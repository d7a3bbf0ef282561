package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	sm "github.com/cometbft/cometbft/state"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/app"
	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/store"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
)

// thousandsBlocks is how many blocks builtChain makes: datasets resolve
// from block 5 on (round h-2 in block h), so 1,101 of them.
const thousandsBlocks = 1105

// TestDatasetLatestAmongThousands: a real node (consensus/node, CometBFT
// and the app over its on-disk store, RPC on loopback) holds 1,101
// datasets of one source, and the CLI reads the newest through `dataset
// latest`, and as the first item of `dataset list`'s first page, which is
// truncated and pages on with its cursor.
//
// A live chain would need 1,105 blocks of commits and reveals, too slow
// for `go test`; so the state is built through the app's own ABCI calls
// (InitChain, PrepareProposal, FinalizeBlock, Commit, as CometBFT makes
// them) with the home's operator and VRF keys, and the node then starts on
// it: its genesis gets initial_height = the next height and app_hash = the
// built state's, so CometBFT's handshake finds an app that is exactly
// where the chain starts and goes on making blocks on top of it.
func TestDatasetLatestAmongThousands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,105 blocks and runs a node")
	}
	home := filepath.Join(t.TempDir(), "home")
	var out, errb bytes.Buffer
	if code := run([]string{"init", "--home", home, "--chain-id", "thousands", "--base-port", fmt.Sprint(freeBase(t, 1))}, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	newest := builtChain(t, home)
	n, err := cometnode.Open(home, cometnode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Stop() })
	addr := n.RPCAddress()
	// The node goes on from the built state: wait for its first block.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	blocks, err := n.Client().Subscribe(ctx, "thousands", "tm.event='NewBlock'")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-blocks:
		if h := ev.Data.(cmttypes.EventDataNewBlock).Block.Height; h != thousandsBlocks+1 {
			t.Fatalf("the node's first block is %d, want %d", h, thousandsBlocks+1)
		}
	case <-ctx.Done():
		t.Fatal("the node made no block on the built state")
	}

	latest := cliJSON[state.DatasetView](t, "dataset", "latest", "feed", "--node", addr, "--json")
	if latest.Round != newest || latest.Height != newest+2 || latest.Status != "ACCEPTED" {
		t.Fatalf("latest %+v, want round %d resolved at %d", latest, newest, newest+2)
	}
	page := cliJSON[state.Page[state.DatasetView]](t, "dataset", "list", "feed", "--node", addr, "--json")
	if len(page.Items) != state.DefaultLimit || page.Items[0].Round != newest || !page.Truncated || page.Next == "" {
		t.Fatalf("first page: %d items, first round %d, truncated %v, next %q", len(page.Items), page.Items[0].Round, page.Truncated, page.Next)
	}
	last := page.Items[len(page.Items)-1].Round
	next := cliJSON[state.Page[state.DatasetView]](t, "dataset", "list", "feed", "--node", addr, "--json", "--limit", "5", "--cursor", page.Next)
	if len(next.Items) != 5 || next.Items[0].Round != last-1 {
		t.Fatalf("second page starts at round %d, want %d", next.Items[0].Round, last-1)
	}
	// The text forms, as a person reads them.
	text := cliText(t, "dataset", "latest", "feed", "--node", addr)
	if !strings.Contains(text, fmt.Sprint(newest)) {
		t.Fatalf("dataset latest printed\n%s\nwithout round %d", text, newest)
	}
	text = cliText(t, "dataset", "list", "feed", "--node", addr, "--limit", "3")
	if lines := strings.Split(strings.TrimSpace(text), "\n"); len(lines) < 2 || !strings.Contains(lines[1], fmt.Sprint(newest)) {
		t.Fatalf("dataset list printed\n%s\nwant round %d on its first row", text, newest)
	}
}

// cliJSON runs the CLI and decodes its stdout.
func cliJSON[T any](t *testing.T, args ...string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(cliText(t, args...)), &v); err != nil {
		t.Fatalf("assay %s: %v", strings.Join(args, " "), err)
	}
	return v
}

// cliText runs the CLI and returns its stdout.
func cliText(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("assay %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// builtChain makes thousandsBlocks blocks on home's app store through the
// app's ABCI calls: block 1 stores the code, block 2 registers source
// "feed" (a round every block, one replica), and from then on block h
// holds the operator's commit of round h-1 and reveal of round h-2. It
// then points the genesis at the result and returns the newest round.
func builtChain(t *testing.T, home string) uint64 {
	cfg, err := cometnode.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := cmttypes.GenesisDocFromFile(cfg.GenesisFile())
	if err != nil {
		t.Fatal(err)
	}
	op, err := cometnode.LoadOrGenOperatorKey(home)
	if err != nil {
		t.Fatal(err)
	}
	vrf, err := cometnode.LoadOrGenVRFKey(home)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := store.Open(cfg.DBDir(), store.DefaultKeep)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(kv, rules.V1(), vrf)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.InitChain(ctx, &abci.RequestInitChain{ChainId: gen.ChainID, AppStateBytes: gen.AppState, InitialHeight: 1, Time: gen.GenesisTime}); err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile("../../consensus/testdata/minimal.wasm")
	if err != nil {
		t.Fatal(err)
	}
	codeCID, err := rules.V1().Code.Check(wasm)
	if err != nil {
		t.Fatal(err)
	}
	owner := ed25519.NewKeyFromSeed(make([]byte, 32))
	b := &blockMaker{t: t, chainID: gen.ChainID, op: op, opAddr: tx.Address(op.Public().(ed25519.PublicKey))}
	for h := uint64(1); h <= thousandsBlocks; h++ {
		var txs [][]byte
		switch h {
		case 1:
			txs = append(txs, b.sign(owner, 0, tx.StoreCodeBody(wasm)))
		case 2:
			spec := &pb.SourceSpec{Fetch: &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: "http://127.0.0.1:9/{{height}}"}}},
				CodeCid: codeCID, Every: 1, Replicas: 1, GasLimit: 1_000_000, MaxOutputBytes: 1024, MemoryPages: 16}
			txs = append(txs, b.sign(owner, 1, tx.RegisterSourceBody("feed", spec)))
		}
		if h >= 4 {
			txs = append(txs, b.commit(h-1))
		}
		if h >= 5 {
			txs = append(txs, b.reveal(h-2))
		}
		// Block times end before the genesis time, which CometBFT gives
		// the first block it makes on top.
		when := gen.GenesisTime.Add(-time.Duration(thousandsBlocks+1-h) * time.Second)
		proposer := gen.Validators[0].Address
		prep, err := a.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: int64(h), Txs: txs, MaxTxBytes: 1 << 22, ProposerAddress: proposer, Time: when})
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: int64(h), Txs: prep.Txs, ProposerAddress: proposer, Time: when})
		if err != nil {
			t.Fatalf("block %d: %v", h, err)
		}
		for i, r := range res.TxResults {
			if r.Code != 0 {
				t.Fatalf("block %d tx %d: code %d: %s", h, i, r.Code, r.Log)
			}
		}
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
	}
	info, err := a.Info(ctx, &abci.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if err := kv.Close(); err != nil {
		t.Fatal(err)
	}
	gen.InitialHeight, gen.AppHash = thousandsBlocks+1, info.LastBlockAppHash
	if err := gen.SaveAs(cfg.GenesisFile()); err != nil {
		t.Fatal(err)
	}
	bootstrapState(t, cfg.DBBackend, cfg.DBDir(), gen)
	return thousandsBlocks - 2
}

// bootstrapState saves CometBFT's state for gen, as its InitChain path
// would have: the handshake skips InitChain for an app past height 0.
func bootstrapState(t *testing.T, backend, dir string, gen *cmttypes.GenesisDoc) {
	db, err := dbm.NewDB("state", dbm.BackendType(backend), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := sm.MakeGenesisState(gen)
	if err != nil {
		t.Fatal(err)
	}
	if err := sm.NewStore(db, sm.StoreOptions{}).Bootstrap(st); err != nil {
		t.Fatal(err)
	}
}

// blockMaker signs the operator's commits and reveals.
type blockMaker struct {
	t       *testing.T
	chainID string
	op      ed25519.PrivateKey
	opAddr  []byte
	opSeq   uint64
}

func (b *blockMaker) sign(key ed25519.PrivateKey, seq uint64, body *pb.TxBody) []byte {
	raw, err := tx.Sign(b.chainID, key, seq, body)
	if err != nil {
		b.t.Fatal(err)
	}
	return raw
}

func (b *blockMaker) opTx(body *pb.TxBody) []byte {
	raw := b.sign(b.op, b.opSeq, body)
	b.opSeq++
	return raw
}

// verdict is round's ACCEPTED verdict and salt.
func (b *blockMaker) verdict(round uint64) (*pb.Verdict, []byte) {
	out, err := pin.SumBytes([]byte(fmt.Sprintf("output %d", round)))
	if err != nil {
		b.t.Fatal(err)
	}
	in, _ := pin.SumBytes([]byte(fmt.Sprintf("input %d", round)))
	salt := sha256.Sum256([]byte(fmt.Sprint("salt ", round)))
	return &pb.Verdict{Status: uint32(abi.StatusAccepted), OutputCid: out.Bytes(), InputCid: in.Bytes(), GasUsed: 1}, salt[:]
}

func (b *blockMaker) commit(round uint64) []byte {
	v, salt := b.verdict(round)
	h := tx.CommitHash(b.chainID, "feed", round, b.opAddr, v, salt)
	return b.opTx(tx.CommitBody(&pb.CommitEntry{Source: "feed", Round: round, Hash: h[:]}))
}

func (b *blockMaker) reveal(round uint64) []byte {
	v, salt := b.verdict(round)
	return b.opTx(tx.RevealBody(&pb.RevealEntry{Source: "feed", Round: round, Verdict: v, Salt: salt}))
}
