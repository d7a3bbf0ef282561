package app_test

import (
	"context"
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/assaynet/assay/consensus/app"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/store"
	"github.com/assaynet/assay/consensus/tx"
)

func TestQueryCodes(t *testing.T) {
	s := newSim(t, 7, 4)
	s.step()
	tests := []struct {
		path string
		code uint32
	}{
		{"params", 0},
		{"/validators", 0},
		{"sources", 0},
		{"source/nope", uint32(state.CodeNotFound)},
		{"code/bafkreinope", uint32(state.CodeNotFound)},
		{"round/x/notanumber", uint32(state.CodeInvalid)},
		{"datasets/src-0?from=1&to=10", uint32(state.CodeNotFound)}, // not registered yet
		{"datasets/nope/latest", uint32(state.CodeNotFound)},
		{"rounds/nope", uint32(state.CodeNotFound)},
		{"evidence", 0},
		{"no/such/path", uint32(state.CodeInvalid)},
	}
	for _, tt := range tests {
		res, err := s.replicas[0].Query(context.Background(), &abci.RequestQuery{Path: tt.path})
		if err != nil {
			t.Fatal(err)
		}
		if res.Code != tt.code {
			t.Errorf("%s: code %d (%s), want %d", tt.path, res.Code, res.Log, tt.code)
		}
		if res.Code == 0 && !json.Valid(res.Value) {
			t.Errorf("%s: invalid JSON %q", tt.path, res.Value)
		}
	}
	// a past height is answered from that height's state (the tree keeps
	// versions), never from the latest; a height not held is refused
	s.step()
	s.step()
	h := int64(s.replicas[0].Height())
	for _, q := range []struct {
		height, at int64
		code       uint32
	}{{0, h, 0}, {h, h, 0}, {h - 1, h - 1, 0}, {h + 5, 0, uint32(state.CodeInvalid)}} {
		res, err := s.replicas[0].Query(context.Background(), &abci.RequestQuery{Path: "params", Height: q.height})
		if err != nil || res.Code != q.code || res.Height != q.at {
			t.Errorf("query at height %d: code %d (%s) at %d, want code %d at %d (%v)", q.height, res.Code, res.Log, res.Height, q.code, q.at, err)
		}
	}
	var p map[string]any
	if err := json.Unmarshal(s.query("params"), &p); err != nil || p["commit_window"] != "3" {
		t.Fatalf("params %v (%v)", p, err)
	}
}

func TestInfoOnNewChain(t *testing.T) {
	a, err := app.New(store.NewMemory(), simConfig())
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Info(context.Background(), &abci.RequestInfo{})
	if err != nil || res.LastBlockHeight != 0 || len(res.LastBlockAppHash) != 0 {
		t.Fatalf("info %+v %v", res, err)
	}
	if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: "x", AppStateBytes: []byte(`{"validators":[]}`)}); err == nil {
		t.Fatal("genesis without validators accepted")
	}
}

// FuzzCheckTx feeds arbitrary bytes to CheckTx: it must answer with a code,
// never panic, and accept only well-signed txs with the right sequence.
func FuzzCheckTx(f *testing.F) {
	s := newSim(f, 11, 4)
	v := s.vals[0]
	good := s.sign(v, tx.UnjailBody())
	v.seq--
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x02, 0x3a, 0x00})
	for _, raw := range s.setupTxs() {
		f.Add(raw)
	}
	a := s.replicas[0]
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := a.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: raw})
		if err != nil {
			t.Fatal(err)
		}
		if res.Code == 0 {
			d, err := tx.Decode(raw, 1<<22)
			if err != nil {
				t.Fatalf("accepted an undecodable tx: %v", err)
			}
			if err := d.Verify(simChain); err != nil {
				t.Fatalf("accepted a badly signed tx")
			}
		}
		if _, err := a.Commit(context.Background(), &abci.RequestCommit{}); err != nil { // reset pending sequences
			t.Fatal(err)
		}
	})
}
