package chain_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/codecheck"
	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/node/nodetest"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/meter"
)

const chainID = "assay-chain-test"

// startNode starts a one-validator chain in-process and returns its node.
func startNode(t *testing.T) *node.Node {
	t.Helper()
	nd := nodetest.Start(t, node.TestnetConfig{ChainID: chainID, Validators: 1,
		Fast: true, TimeoutCommit: 50 * time.Millisecond})
	// the genesis records are committed with block 1: until the app has
	// committed it, Params says so (the block store's height can run ahead)
	c := chain.New(nd.Client())
	for i := 0; ; i++ {
		if _, err := c.Params(context.Background()); err == nil {
			return nd
		}
		if i == 200 {
			t.Fatal("no block 1 after 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// clients returns the node's local client and an HTTP client of its RPC.
func clients(t *testing.T, nd *node.Node) []struct {
	name string
	c    *chain.Client
} {
	t.Helper()
	h, err := rpchttp.New(nd.RPCAddress(), "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name string
		c    *chain.Client
	}{{"local", chain.New(nd.Client())}, {"http", chain.New(h)}}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func minimalCode(t *testing.T) ([]byte, string) {
	t.Helper()
	wasm, err := os.ReadFile("../testdata/minimal.wasm")
	if err != nil {
		t.Fatal(err)
	}
	cc, err := codecheck.New(meter.DefaultLimits()).Check(wasm)
	if err != nil {
		t.Fatal(err)
	}
	return wasm, cc
}

func sourceSpec(cc string) *pb.SourceSpec {
	return &pb.SourceSpec{Fetch: &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: "http://127.0.0.1/{{height}}"}}},
		CodeCid: cc, Every: 1000, Replicas: 1, GasLimit: 1000, MaxOutputBytes: 100, MemoryPages: 1}
}

// TestClient runs the client against a real node over both transports:
// typed answers, errors matched by code, a tx sent and waited for, and a
// tx that fails in its block.
func TestClient(t *testing.T) {
	nd := startNode(t)
	wasm, cc := minimalCode(t)
	for i, tc := range clients(t, nd) {
		t.Run(tc.name, func(t *testing.T) {
			ctx, c := ctxT(t), tc.c
			st, err := c.Status(ctx)
			if err != nil || st.ChainID != chainID {
				t.Fatalf("status %+v, %v", st, err)
			}
			if _, err := c.Height(ctx); err != nil {
				t.Fatal(err)
			}
			if p, err := c.Params(ctx); err != nil || p.MaxBatchEntries == 0 {
				t.Fatalf("params %v, %v", p, err)
			}
			vs, err := c.Validators(ctx)
			if err != nil || len(vs) != 1 {
				t.Fatalf("validators %+v, %v", vs, err)
			}
			_, err = c.Source(ctx, "missing")
			var qe *chain.QueryError
			if !errors.Is(err, state.ErrNotFound) || errors.Is(err, state.ErrBadQuery) || !errors.As(err, &qe) || qe.Code != state.CodeNotFound {
				t.Fatalf("missing source: %v", err)
			}
			if _, _, err := c.Query(ctx, "/no/such/path"); !errors.Is(err, state.ErrBadQuery) {
				t.Fatalf("unknown path: %v", err)
			}
			if tm, err := c.BlockTime(ctx, 1); err != nil || tm <= 0 {
				t.Fatalf("block time %d, %v", tm, err)
			}

			s := chain.NewSender(c, chainID, nd.Operator)
			id := []string{"feed-local", "feed-http"}[i]
			if i == 0 {
				if _, _, err := s.SendAndWait(ctx, c, tx.StoreCodeBody(wasm)); err != nil {
					t.Fatal(err)
				}
			}
			h, _, err := s.SendAndWait(ctx, c, tx.RegisterSourceBody(id, sourceSpec(cc)))
			if err != nil || h == 0 {
				t.Fatalf("register: height %d, %v", h, err)
			}
			src, err := c.Source(ctx, id)
			if err != nil || src.ID != id || src.Spec.CodeCID != cc {
				t.Fatalf("source %+v, %v", src, err)
			}
			code, err := c.Code(ctx, cc)
			if err != nil || code.CID != cc || code.Size != len(wasm) {
				t.Fatalf("code %+v, %v", code, err)
			}
			// passes CheckTx, fails in the block: the source exists
			_, _, err = s.SendAndWait(ctx, c, tx.RegisterSourceBody(id, sourceSpec(cc)))
			var te *chain.TxError
			if !errors.As(err, &te) || te.Stage != chain.StageDeliver || te.Code != state.CodeExists ||
				!errors.Is(err, &state.Error{Code: state.CodeExists}) {
				t.Fatalf("duplicate source: %v", err)
			}
			if seq, err := c.Sequence(ctx, s.Address()); err != nil || seq != s.Next() {
				t.Fatalf("sequence %d, %v; sender's next %d", seq, err, s.Next())
			}
		})
	}
}

// noLog is a mempool whose refusals carry no log text: a Sender must
// resync from the result code alone.
type noLog struct{ *chain.Client }

func (m noLog) Broadcast(ctx context.Context, raw []byte) (chain.TxResult, error) {
	res, err := m.Client.Broadcast(ctx, raw)
	res.Log = ""
	return res, err
}

// TestSendResyncsSequence: a CodeSequence refusal makes the Sender reread
// the account's sequence and sign once more, without any log text; a
// refusal for another reason is a *TxError at StageCheck.
func TestSendResyncsSequence(t *testing.T) {
	nd := startNode(t)
	c := chain.New(nd.Client())
	ctx := ctxT(t)
	wasm, _ := minimalCode(t)
	base := chain.NewSender(c, chainID, nd.Operator)
	if _, _, err := base.SendAndWait(ctx, c, tx.StoreCodeBody(wasm)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		next    uint64 // a stale or future sequence
		refused int
	}{
		{"behind", 0, 1},
		{"ahead", 50, 1},
		{"right", 0, 0}, // next set from the chain below
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := chain.NewSender(noLog{c}, chainID, nd.Operator)
			seq, err := c.Sequence(ctx, s.Address())
			if err != nil {
				t.Fatal(err)
			}
			if tt.refused == 0 {
				tt.next = seq
			}
			s.SetNext(tt.next)
			var codes []state.Code
			s.OnRefused = func(r chain.TxResult) { codes = append(codes, r.Code) }
			hash, err := s.Send(ctx, tx.UnjailBody())
			if err != nil {
				t.Fatalf("send: %v (refusals %v)", err, codes)
			}
			if len(codes) != tt.refused || tt.refused > 0 && codes[0] != state.CodeSequence {
				t.Fatalf("refusals %v, want %d CodeSequence", codes, tt.refused)
			}
			if s.Next() != seq+1 {
				t.Fatalf("next %d, want %d", s.Next(), seq+1)
			}
			if _, err := c.Wait(ctx, hash); !errors.Is(err, &state.Error{Code: state.CodeJailed}) {
				t.Fatalf("unjail of a free validator: %v, want CodeJailed in the block", err)
			}
		})
	}
	// a refusal that is not about the sequence is returned as it is
	s := chain.NewSender(c, "another-chain", nd.Operator)
	_, err := s.Send(ctx, tx.UnjailBody())
	var te *chain.TxError
	if !errors.As(err, &te) || te.Stage != chain.StageCheck || te.Code != state.CodeSignature {
		t.Fatalf("wrong chain id: %v", err)
	}
}

// TestParamsBeforeBlockOne: a node whose app has committed no block (the
// lone validator 0 of a two-validator chain waits for its peer) answers
// queries from the empty state; Params says there is no state rather than
// answering zero params, which the worker would take for the chain's.
func TestParamsBeforeBlockOne(t *testing.T) {
	nd := nodetest.Start(t, node.TestnetConfig{ChainID: chainID, Validators: 2, Fast: true})
	if _, err := chain.New(nd.Client()).Params(ctxT(t)); !errors.Is(err, chain.ErrNoState) {
		t.Fatalf("Params before block 1: %v, want ErrNoState", err)
	}
}
