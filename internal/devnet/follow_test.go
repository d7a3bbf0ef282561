package devnet

import (
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/assaynet/assay/consensus/pb"
)

func event(typ string, kv ...string) abci.Event {
	e := abci.Event{Type: typ}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Attributes = append(e.Attributes, abci.EventAttribute{Key: kv[i], Value: kv[i+1]})
	}
	return e
}

func TestRoundLogApply(t *testing.T) {
	l := newRoundLog()
	blocks := map[uint64][]abci.Event{
		10: {event("assign", "source", "a", "round", "10"), event("assign", "source", "b", "round", "10"), event("tx")},
		11: {event("assign", "source", "c", "round", "11")},
		13: {event("round_closed", "source", "a", "round", "10", "phase", "PHASE_RESOLVED", "status", "ACCEPTED", "output_cid", "bafyA"),
			event("round_closed", "source", "b", "round", "10", "phase", "PHASE_UNRESOLVED", "status", "", "output_cid", "")},
		16: {event("round_closed", "source", "c", "round", "11", "phase", "PHASE_RESOLVED", "status", "REJECTED", "output_cid", "bafyC")},
	}
	for _, h := range []uint64{10, 11, 13, 16} {
		if err := l.apply(h, blocks[h]); err != nil {
			t.Fatal(err)
		}
	}
	if l.assigned != 3 || l.unresolved != 1 || len(l.datasets) != 2 || l.open() != 0 {
		t.Fatalf("assigned %d unresolved %d datasets %d open %d", l.assigned, l.unresolved, len(l.datasets), l.open())
	}
	if l.resolveBlocks != 3+5 || l.maxResolve != 5 {
		t.Errorf("resolveBlocks = %d, maxResolve = %d; want 8, 5", l.resolveBlocks, l.maxResolve)
	}
	want := Dataset{Source: "c", Height: 11, Status: "REJECTED", CID: "bafyC", ResolvedAt: 16}
	if l.datasets[1] != want {
		t.Errorf("dataset = %+v, want %+v", l.datasets[1], want)
	}
	for _, bad := range []string{"x", "", "17"} {
		if err := newRoundLog().apply(16, []abci.Event{event("round_closed", "round", bad, "phase", "PHASE_RESOLVED")}); err == nil {
			t.Errorf("round %q: no error", bad)
		}
	}
}

func TestRegistrationGroups(t *testing.T) {
	txs := make([]*pb.TxBody, 25)
	for i := range txs {
		txs[i] = &pb.TxBody{}
	}
	for _, tc := range []struct {
		n      int
		spread bool
		every  uint64
		sizes  []int
	}{
		{25, false, 10, []int{25}},
		{25, true, 1, []int{25}},
		{25, true, 10, []int{2, 3, 2, 3, 2, 3, 2, 3, 2, 3}},
		{3, true, 10, []int{1, 1, 1}},
		{0, true, 10, nil},
	} {
		groups := registrationGroups(txs[:tc.n], Sources{Spread: tc.spread, Every: tc.every})
		var sizes []int
		total := 0
		for _, g := range groups {
			sizes = append(sizes, len(g))
			total += len(g)
		}
		if total != tc.n || !slices.Equal(sizes, tc.sizes) {
			t.Errorf("%+v: sizes %v, want %v", tc, sizes, tc.sizes)
		}
	}
}
