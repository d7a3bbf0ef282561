package worker

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// TestSlowSourceStarvesNoOne: a source whose URL never answers opens a
// round every block and would need every slot of both workers (the
// defect: it held them all, so an unrelated source's rounds were never
// run and the honest nodes were counted as missing). With deadlines, fair
// shares and cancellation, every round of the unrelated fast source
// resolves, and every round of the slow one gets an UNAVAILABLE commit
// from both nodes before its window ends: no node misses a commit.
func TestSlowSourceStarvesNoOne(t *testing.T) {
	const (
		blockTime = 400 * time.Millisecond // the chain's pace, and the commit margin
		blocks    = 24                     // blocks after the sources are registered
		wc, wr    = 4, 5                   // commit and reveal windows, as in params
	)
	params := `{"commit_window":"4","reveal_window":"5","jail_blocks":"20","miss_window":8,"miss_max":1}`
	f := &fixture{t: t, source: "fast", keys: []ed25519.PrivateKey{operatorKey(0), operatorKey(1)}}
	f.chain = newMemChain(t, f.keys, params)
	f.rt = newRuntime(t)
	srv := slowFastServer(t, []byte(`{"price":"1"}`))

	dir := t.TempDir()
	for i := range f.keys {
		stop := start(f.newWorker(i, dir+"/"+opHex(f.keys[i]), FaultNone))
		defer stop()
	}
	pace := func(n int) {
		for i := 0; i < n; i++ {
			time.Sleep(blockTime) // block production, not synchronisation
			f.chain.block()
		}
	}
	pace(3) // the workers learn the block interval
	owner := operatorKey(100)
	wasm, codeCID := echoCode(t)
	f.chain.submit(owner, tx.StoreCodeBody(wasm))
	pace(1) // one tx per block: submit reads the committed sequence
	for _, s := range []struct {
		id    string
		every uint64
	}{{"slow", 1}, {"fast", 2}} {
		f.chain.submit(owner, tx.RegisterSourceBody(s.id, &pb.SourceSpec{
			Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: srv.URL + "/" + s.id + "/{{height}}"}}},
			CodeCid: codeCID, Every: s.every, Replicas: 2, GasLimit: 50_000_000, MaxOutputBytes: 65536, MemoryPages: 64,
		}))
		pace(1)
	}
	pace(blocks)
	end, _ := f.chain.Height(context.Background())

	var fastPage, slowPage state.Page[state.RoundView]
	f.query(state.PathRounds("fast", state.ListOptions{Limit: state.MaxLimit}), &fastPage)
	f.query(state.PathRounds("slow", state.ListOptions{Limit: state.MaxLimit}), &slowPage)
	fast, slow := fastPage.Items, slowPage.Items
	if len(fast) < blocks/2-1 || len(slow) < blocks-1 {
		t.Fatalf("only %d fast and %d slow rounds opened", len(fast), len(slow))
	}
	for _, r := range fast {
		if r.ID+wc+wr < end && (r.Phase != "RESOLVED" || r.OutputCID == "") {
			t.Errorf("fast round %d: %s %q, want RESOLVED with an output", r.ID, r.Phase, r.OutputCID)
		}
	}
	for _, r := range append(fast, slow...) {
		if r.CommitEnd >= end {
			continue // its commit window is still open
		}
		for _, a := range r.Assignees {
			if a.CommitHeight == 0 {
				t.Errorf("%s round %d: operator %s did not commit", r.Source, r.ID, a.Operator[:8])
			}
		}
	}
	var vals []state.ValidatorView
	f.query("validators", &vals)
	for _, v := range vals {
		if v.Misses != 0 || v.Jailed {
			t.Errorf("validator %s: %d misses, jailed %v", v.Operator[:8], v.Misses, v.Jailed)
		}
	}
	if ev := f.evidence(); len(ev) != 0 {
		t.Errorf("honest nodes penalised: %+v", ev)
	}
}

// slowFastServer serves body at /fast/… at once and never answers /slow/…
// until the client gives up or the test ends.
func slowFastServer(t *testing.T, body []byte) *httptest.Server {
	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/fast/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) })
	mux.HandleFunc("/slow/", func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-quit:
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(quit) }) // runs first: release hung handlers
	return srv
}
