package app_test

import (
	"context"
	"encoding/hex"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"
)

// TestIndexEntriesProvable: the index entries (h/ datasets in resolution
// order, o/ open rounds per assignee) are leaves ICS-23 accepts, so they
// can be proven, and so can the absence of a key next to them (ICS-23
// refuses a leaf with an empty value: an absent key whose neighbour was
// an index entry could not be proven absent, e.g. the next round of the
// last source).
func TestIndexEntriesProvable(t *testing.T) {
	s := newSim(t, 1, 4)
	for i := 0; i < 40; i++ {
		s.step()
	}
	a := s.replicas[0]
	ctx := context.Background()
	info, _ := a.Info(ctx, &abci.RequestInfo{})
	keys := [][]byte{firstKey(t, a, "h/"), firstKey(t, a, "o/"), []byte("g"), []byte("n")}
	for _, k := range keys {
		res, err := a.Query(ctx, &abci.RequestQuery{Path: "key/" + hex.EncodeToString(k), Prove: true})
		if err != nil || res.Code != 0 {
			t.Fatalf("prove %q: %v %s", k, err, res.GetLog())
		}
		var p ics23.CommitmentProof
		if err := p.Unmarshal(res.ProofOps.Ops[0].Data); err != nil {
			t.Fatal(err)
		}
		ok := ics23.VerifyNonMembership(ics23.IavlSpec, info.LastBlockAppHash, &p, k)
		if len(res.Value) > 0 {
			ok = ics23.VerifyMembership(ics23.IavlSpec, info.LastBlockAppHash, &p, k, res.Value)
		}
		if !ok {
			t.Errorf("key %q (value %x): proof does not verify against the app hash", k, res.Value)
		}
	}
}
