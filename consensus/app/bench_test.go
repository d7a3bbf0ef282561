package app_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/assaynet/assay/consensus/app"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/store"
	"github.com/assaynet/assay/consensus/tx"
)

// benchChain is a chain of 100 honest validators with 300 sources whose
// rounds (100 with k = 4, 200 with k = 3: 1,000 assignees) have all
// committed; the next block carries 1,000 reveals and closes 300 rounds.
type benchChain struct {
	kv       *store.Tree
	reveals  [][]byte
	height   uint64
	proposer []byte
	vrf      []byte // the proposer's VRF tx
}

// vrfTx returns block s.height's proposer and its VRF tx.
func (s *sim) vrfTx() (*simVal, []byte) {
	p := s.vals[s.height%uint64(len(s.vals))]
	return p, seed.EncodeTx(seed.Prove(p.vrf, s.lastSeed))
}

func (s *sim) finalize(a *app.App, txs [][]byte) *abci.ResponseFinalizeBlock {
	s.height++
	p, vrf := s.vrfTx()
	res, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: int64(s.height), Txs: append([][]byte{vrf}, txs...), ProposerAddress: p.ca})
	if err != nil {
		s.t.Fatal(err)
	}
	s.process(res) // follows the seed
	for i, r := range res.TxResults {
		if r.Code != 0 {
			s.t.Fatalf("h %d tx %d: %s", s.height, i, r.Log)
		}
	}
	if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		s.t.Fatal(err)
	}
	return res
}

func newBenchChain(b *testing.B, kv *store.Tree) *benchChain {
	s := &sim{t: b, seed: 9, byHex: map[string]*simVal{}, rounds: map[string]*simRound{}, stats: map[string]int{}}
	for i := 0; i < 100; i++ {
		v := newSimVal(9, i, honest, 1000)
		s.vals = append(s.vals, v)
		s.byHex[v.hexAddr] = v
	}
	s.owner = newSimVal(9, 1000, honest, 0)
	a, err := app.New(kv, simConfig())
	if err != nil {
		b.Fatal(err)
	}
	s.replicas = []*app.App{a}
	s.initChain()
	wasm, err := os.ReadFile("../testdata/minimal.wasm")
	if err != nil {
		b.Fatal(err)
	}
	cc, _ := simConfig().Code.Check(wasm)
	s.finalize(a, [][]byte{s.sign(s.owner, tx.StoreCodeBody(wasm))})
	var regs [][]byte
	for i := 0; i < 300; i++ {
		k := uint32(3)
		if i < 100 {
			k = 4
		}
		sp := &pb.SourceSpec{Fetch: &pb.FetchSpec{Kind: "http"}, CodeCid: cc, Every: 1000, Replicas: k, GasLimit: 1000, MaxOutputBytes: 1000, MemoryPages: 1}
		regs = append(regs, s.sign(s.owner, tx.RegisterSourceBody(fmt.Sprintf("src-%03d", i), sp)))
	}
	s.finalize(a, regs)
	s.finalize(a, nil) // assigns the 300 rounds
	s.finalize(a, s.workTxs(s.height+1))
	s.height++
	p, vrf := s.vrfTx()
	s.height--
	bc := &benchChain{kv: kv, height: s.height, proposer: p.ca, vrf: vrf}
	for _, raw := range s.workTxs(s.height + 1) { // only reveals are due now
		bc.reveals = append(bc.reveals, raw)
	}
	return bc
}

// BenchmarkFinalizeBlockReveals is FinalizeBlock of one block with 1,000
// reveal entries (in 100 batched txs) that closes 300 rounds (goal ≤ 50 ms).
// The yardstick is the 100 ed25519 verifications alone.
func BenchmarkFinalizeBlockReveals(b *testing.B) {
	bc := newBenchChain(b, store.NewMemory())
	req := &abci.RequestFinalizeBlock{Height: int64(bc.height + 1), Txs: append([][]byte{bc.vrf}, bc.reveals...), ProposerAddress: bc.proposer}
	entries := 0
	for _, raw := range bc.reveals {
		d, _ := tx.Decode(raw, 1<<22)
		entries += len(d.Body.GetReveal().GetEntries())
	}
	if entries != 1000 {
		b.Fatalf("%d reveal entries, want 1000", entries)
	}
	b.Run("finalize", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			kv, err := bc.kv.CloneMemory()
			if err != nil {
				b.Fatal(err)
			}
			a, err := app.New(kv, simConfig())
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := a.FinalizeBlock(context.Background(), req)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			closed := 0
			for _, e := range res.Events {
				if e.Type == "round_closed" {
					closed++
				}
			}
			if closed != 300 {
				b.Fatalf("%d rounds closed, want 300", closed)
			}
			b.StartTimer()
		}
	})
	b.Run("finalize+commit", func(b *testing.B) {
		benchFinalizeCommit(b, req, func() (*store.Tree, error) { return bc.kv.CloneMemory() })
	})
	// The same block on disk: a synced goleveldb, as on a node, each run
	// from a copy of the chain's database (node cache cold).
	diskDir := b.TempDir()
	disk, err := store.Open(diskDir, 0)
	if err != nil {
		b.Fatal(err)
	}
	dc := newBenchChain(b, disk)
	if err := disk.Close(); err != nil {
		b.Fatal(err)
	}
	dreq := &abci.RequestFinalizeBlock{Height: int64(dc.height + 1), Txs: append([][]byte{dc.vrf}, dc.reveals...), ProposerAddress: dc.proposer}
	b.Run("finalize+commit-disk", func(b *testing.B) {
		benchFinalizeCommit(b, dreq, func() (*store.Tree, error) {
			dir := b.TempDir()
			if err := os.CopyFS(dir, os.DirFS(diskDir)); err != nil {
				return nil, err
			}
			return store.Open(dir, 0)
		})
	})
	b.Run("yardstick-verify-only", func(b *testing.B) {
		ds := make([]*tx.Decoded, len(bc.reveals))
		for i, raw := range bc.reveals {
			ds[i], _ = tx.Decode(raw, 1<<22)
		}
		for b.Loop() {
			for _, d := range ds {
				if !ed25519.Verify(d.Tx.Signer, tx.SignBytes(simChain, d.Tx.Signer, d.Tx.Sequence, d.Tx.Body), d.Tx.Signature) {
					b.Fatal("bad signature")
				}
			}
		}
	})
}

// processCPU is the process's user + system CPU time so far (all threads,
// the garbage collector's included).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchFinalizeCommit times FinalizeBlock and Commit of req on a fresh
// app over the tree open returns (opened and closed off the clock), and
// reports their process CPU time per op.
func benchFinalizeCommit(b *testing.B, req *abci.RequestFinalizeBlock, open func() (*store.Tree, error)) {
	var cpu time.Duration
	defer func() { b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op") }()
	for b.Loop() {
		b.StopTimer()
		kv, err := open()
		if err != nil {
			b.Fatal(err)
		}
		a, err := app.New(kv, simConfig())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := processCPU()
		if _, err := a.FinalizeBlock(context.Background(), req); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
			b.Fatal(err)
		}
		cpu += processCPU() - c0
		b.StopTimer()
		kv.Close()
		b.StartTimer()
	}
}
