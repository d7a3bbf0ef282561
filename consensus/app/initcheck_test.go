package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/assaynet/assay/consensus/codecheck/codechecktest"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// TestStoreCodeInitializerABCI: through ABCI, a StoreCode whose module's
// _initialize traps, loops past the v1 bound or calls a job-only host
// function is refused by CheckTx with code 9 and the reason, and in a
// block (a faulty proposer includes them) every replica, in memory and on
// disk, answers code 9 with the same reason and the same app hash, while a
// Go guest in the same block is stored. A recheck (CheckTxType_Recheck)
// does not run the module check again: it answers on the sequence alone.
func TestStoreCodeInitializerABCI(t *testing.T) {
	s := newSim(t, 5, 4)
	ctx := context.Background()
	tests := codechecktest.InitCases
	var block [][]byte
	for _, tt := range tests {
		body := tx.StoreCodeBody(tt.Wasm(t))
		first, err := tx.Sign(simChain, s.owner.key, s.owner.seq, body)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.replicas[0].CheckTx(ctx, &abci.RequestCheckTx{Tx: first, Type: abci.CheckTxType_New})
		if err != nil || state.Code(r.Code) != tt.Code || !strings.Contains(r.Log, tt.Reason) {
			t.Errorf("%s: CheckTx code %d %q (%v), want %d with %q", tt.Module, r.Code, r.Log, err, tt.Code, tt.Reason)
		}
		if tt.Code != state.CodeOK {
			// The mempool never holds it; were it rechecked, the module
			// check would not run again.
			r, err = s.replicas[0].CheckTx(ctx, &abci.RequestCheckTx{Tx: first, Type: abci.CheckTxType_Recheck})
			if err != nil || r.Code != 0 {
				t.Errorf("%s: recheck code %d %q (%v), want 0 (sequence only)", tt.Module, r.Code, r.Log, err)
			}
		}
		block = append(block, s.sign(s.owner, body))
	}
	s.height++
	p, vrf := s.vrfTx()
	req := &abci.RequestFinalizeBlock{Height: int64(s.height), Txs: append([][]byte{vrf}, block...), ProposerAddress: p.ca}
	var hash []byte
	for i, a := range s.replicas {
		res, err := a.FinalizeBlock(ctx, req)
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
		for j, tt := range tests {
			r := res.TxResults[j+1]
			if state.Code(r.Code) != tt.Code || !strings.Contains(r.Log, tt.Reason) {
				t.Errorf("replica %d %s: in a block code %d %q, want %d with %q", i, tt.Module, r.Code, r.Log, tt.Code, tt.Reason)
			}
		}
		if i > 0 && !bytes.Equal(res.AppHash, hash) {
			t.Fatalf("replica %d app hash %x, replica 0 %x", i, res.AppHash, hash)
		}
		hash = res.AppHash
	}
	// After the block, a recheck of a delivered StoreCode fails on its
	// sequence, as every recheck does.
	r, err := s.replicas[0].CheckTx(ctx, &abci.RequestCheckTx{Tx: block[3], Type: abci.CheckTxType_Recheck})
	if err != nil || state.Code(r.Code) != state.CodeSequence {
		t.Fatalf("recheck of a delivered tx: code %d %q (%v), want %d", r.Code, r.Log, err, state.CodeSequence)
	}
}
