package app

import (
	"testing"

	"github.com/assaynet/assay/consensus/state"
)

// TestEventIndexing: the per-round and per-entry events are not marked for
// CometBFT's kv indexer; the rare ones (penalties, sources, txs) are.
func TestEventIndexing(t *testing.T) {
	for _, c := range []struct {
		typ  string
		want bool
	}{
		{state.EventAssign, false}, {state.EventRevealPhase, false}, {state.EventRoundClosed, false},
		{state.EventCommit, false}, {state.EventReveal, false}, {state.EventSeed, false},
		{state.EventPenalty, true}, {state.EventTx, true}, {state.EventRegisterSource, true},
		{state.EventStoreCode, true}, {state.EventUnjail, true},
	} {
		evs := events([]state.Event{{Type: c.typ, Attrs: []state.Attr{{Key: "k", Value: "v"}, {Key: "k2", Value: "v2"}}}})
		for _, a := range evs[0].Attributes {
			if a.Index != c.want {
				t.Errorf("%s.%s: Index = %v, want %v", c.typ, a.Key, a.Index, c.want)
			}
		}
	}
}
