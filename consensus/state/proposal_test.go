package state_test

import (
	"slices"
	"testing"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// TestOrderProposal: each signer's txs go into the block in sequence
// order, from its next sequence, in the places its txs held; used
// sequences, gaps, what does not fit and what does not decode stay out;
// and every tx chosen is delivered without a sequence error.
func TestOrderProposal(t *testing.T) {
	c := newChain(t, 100)
	a, b := newAccount("a"), newAccount("b")
	if r := c.block(signedAt(t, a, 0)).TxResults[0]; r.Code == state.CodeSequence {
		t.Fatal(r.Log) // the Unjail fails (a is no validator) but uses sequence 0
	}
	at := func(acc *account, seq uint64) []byte { return signedAt(t, acc, seq) }
	a1, a1x, a2, a3, a4 := at(a, 1), signedAtSalt(t, a, 1), at(a, 2), at(a, 3), at(a, 4)
	b0, b1, b2 := at(b, 0), at(b, 1), at(b, 2)
	size := int64(len(a1))
	for _, tc := range []struct {
		name     string
		in, want [][]byte
		maxBytes int64
	}{
		{"in order", [][]byte{a1, b0, a2, b1}, [][]byte{a1, b0, a2, b1}, 0},
		{"swapped", [][]byte{a2, b1, a1, b0, a3}, [][]byte{a1, b0, a2, b1, a3}, 0},
		{"gap ends the run", [][]byte{a1, a3, a4, b0}, [][]byte{a1, b0}, 0},
		{"used sequence left out", [][]byte{at(a, 0), a1, a1x, a2}, [][]byte{a1, a2}, 0},
		{"not decodable", [][]byte{[]byte("junk"), b0, nil, b1}, [][]byte{b0, b1}, 0},
		{"byte limit", [][]byte{b0, a1, b1, a2, b2}, [][]byte{b0, a1, b1}, 3 * size},
		{"empty", nil, [][]byte{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.m.OrderProposal(tc.in, tc.maxBytes)
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Fatalf("got %d txs, want %d (order or choice differs)", len(got), len(tc.want))
			}
		})
	}
	// What it chooses delivers without sequence errors.
	res := c.block(c.m.OrderProposal([][]byte{b2, a3, b0, a2, b1, a1}, 0)...)
	if len(res.TxResults) != 6 {
		t.Fatalf("%d txs delivered, want 6", len(res.TxResults))
	}
	for i, r := range res.TxResults {
		if r.Code == state.CodeSequence {
			t.Errorf("tx %d: %s", i, r.Log)
		}
	}
}

// signedAt signs an Unjail tx (it fails for a non-validator but uses its
// sequence) from acc at seq.
func signedAt(t *testing.T, acc *account, seq uint64) []byte {
	t.Helper()
	raw, err := tx.Sign(chainID, acc.key, seq, tx.UnjailBody())
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// signedAtSalt is a second, different tx from acc at seq.
func signedAtSalt(t *testing.T, acc *account, seq uint64) []byte {
	t.Helper()
	raw, err := tx.Sign(chainID, acc.key, seq, tx.RetireSourceBody("nothing"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
