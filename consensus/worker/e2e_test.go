package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// TestResolveAndSlash runs four workers, one of them lying about its
// output, over the real state machine: rounds resolve to the golden
// output CID of the fixture and the liar is slashed for a wrong verdict.
func TestResolveAndSlash(t *testing.T) {
	f := newFixture(t, 4, 4)
	dir := t.TempDir()
	for i := range f.keys {
		fault := FaultNone
		if i == 3 {
			fault = FaultWrongOutput
		}
		stop := start(f.newWorker(i, dir+"/"+opHex(f.keys[i]), fault))
		defer stop()
	}
	liar := opHex(f.keys[3])
	ok := f.until(60, func() bool {
		slashed := false
		for _, e := range f.evidence() {
			slashed = slashed || (e.Operator == liar && e.Kind == "WRONG_VERDICT")
		}
		return len(f.datasets()) >= 2 && slashed
	})
	if !ok {
		t.Fatalf("after 60 blocks: datasets %+v, evidence %+v", f.datasets(), f.evidence())
	}
	for _, d := range f.datasets() {
		if d.Status != "ACCEPTED" || d.OutputCID != f.want {
			t.Errorf("round %d: %s %s, want ACCEPTED %s", d.Round, d.Status, d.OutputCID, f.want)
		}
		for _, a := range d.Attesters {
			if a == liar {
				t.Errorf("round %d: the liar attested", d.Round)
			}
		}
	}
	for _, e := range f.evidence() {
		if e.Operator != liar {
			t.Errorf("honest validator penalised: %+v", e)
		}
	}
}

// TestRevealAfterRestart stops a worker after it committed and before the
// reveal phase, starts a new one over the same journal and store, and
// checks that the round resolves with its reveal and no NO_REVEAL penalty.
func TestRevealAfterRestart(t *testing.T) {
	f := newFixture(t, 2, 2)
	dir := t.TempDir()
	// Wait until validator 1 has committed somewhere; then kill it.
	f.killOnceCommitted(dir, func(w1 *Worker) bool { return w1.Stats().Commits > 0 })
	// Let blocks pass while it is down, so the reveal phase opens, but
	// fewer than the reveal window.
	for i := 0; i < 2; i++ {
		f.chain.block()
	}
	stop1b := start(f.newWorker(1, dir+"/1", FaultNone))
	defer stop1b()
	op := opHex(f.keys[1])
	ok := f.until(30, func() bool {
		for _, d := range f.datasets() {
			for _, a := range d.Attesters {
				if a == op {
					return true
				}
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("restarted validator never attested: datasets %+v evidence %+v", f.datasets(), f.evidence())
	}
	for _, e := range f.evidence() {
		if e.Operator == op && e.Kind == "NO_REVEAL" {
			t.Errorf("restart cost a no-reveal penalty: %+v", e)
		}
	}
}

// killOnceCommitted starts validators 0 and 1 (their stores and journals
// under dir/0 and dir/1; validator 0 runs until the test ends), produces
// up to 20 blocks until committed(validator 1's worker) holds, then stops
// validator 1 and releases its store and journal as a killed process
// would. It fails the test if committed never held.
func (f *fixture) killOnceCommitted(dir string, committed func(w1 *Worker) bool) {
	f.t.Helper()
	f.t.Cleanup(start(f.newWorker(0, dir+"/0", FaultNone)))
	w1 := f.newWorker(1, dir+"/1", FaultNone)
	stop1 := start(w1)
	ok := f.until(20, func() bool { return committed(w1) })
	stop1()
	_ = w1.cfg.Store.Close() // as a killed process would release them
	_ = w1.cfg.Journal.Close()
	if !ok {
		f.t.Fatal("validator 1 never committed")
	}
}

// TestRevealWhileCatchingUp restarts a worker, after it committed, on a
// node that reports it is still catching up: the worker reveals its
// journaled verdict at once, in the same reveal window, instead of
// waiting for the catch-up to end (which can outlast the window); it
// starts no job and sends no commit until the node has caught up.
func TestRevealWhileCatchingUp(t *testing.T) {
	f := newFixture(t, 2, 2)
	dir := t.TempDir()
	committed := func(w1 *Worker) *pb.Round { // a round holding validator 1's commit
		_, rs, err := f.chain.Assigned(context.Background(), w1.operator)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if a := w1.plan.mine(r); a != nil && len(a.Commit) > 0 && a.Verdict == nil {
				return r
			}
		}
		return nil
	}
	var r *pb.Round
	f.killOnceCommitted(dir, func(w1 *Worker) bool { r = committed(w1); return r != nil })
	f.chain.setCatchingUp(true)
	w1b := f.newWorker(1, dir+"/1", FaultNone)
	stop1b := start(w1b)
	defer stop1b()
	revealed := func() bool {
		var rv struct {
			Assignees []struct {
				Operator string          `json:"operator"`
				Verdict  json.RawMessage `json:"verdict"`
			} `json:"assignees"`
		}
		f.query(fmt.Sprintf("round/%s/%d", r.Source, r.Round), &rv)
		for _, a := range rv.Assignees {
			if a.Operator == opHex(f.keys[1]) {
				return len(a.Verdict) > 0 && string(a.Verdict) != "null"
			}
		}
		return false
	}
	// The reveal phase opens by the commit window's end (4 blocks); the
	// reveal must land before the reveal window (5 blocks) closes.
	if !f.until(8, revealed) {
		t.Fatalf("round %s/%d: no reveal while the node catches up; stats %+v, evidence %+v", r.Source, r.Round, w1b.Stats(), f.evidence())
	}
	if c := w1b.Stats().Commits; c != 0 {
		t.Errorf("%d commits sent while the node was catching up", c)
	}
	f.chain.setCatchingUp(false)
	if !f.until(20, func() bool { return w1b.Stats().Commits > 0 }) {
		t.Fatalf("no commit after the catch-up: stats %+v", w1b.Stats())
	}
	for _, e := range f.evidence() {
		if e.Operator == opHex(f.keys[1]) && e.Kind == "NO_REVEAL" {
			t.Errorf("restart cost a no-reveal penalty: %+v", e)
		}
	}
}

// TestResendLostTx makes the mempool silently lose txs; the worker sends
// them again and rounds still resolve.
func TestResendLostTx(t *testing.T) {
	f := newFixture(t, 1, 1)
	w := f.newWorker(0, t.TempDir(), FaultNone)
	stop := start(w)
	defer stop()
	f.chain.mu.Lock()
	f.chain.dropNext = 2
	f.chain.mu.Unlock()
	if !f.until(40, func() bool { return len(f.datasets()) >= 2 }) {
		t.Fatalf("no datasets after lost txs: stats %+v", w.Stats())
	}
}

// TestSequenceRefusalResyncs: a lost tx leaves the worker's sequence
// ahead of the chain's; its next tx is refused with CodeSequence (whose
// log the chain here leaves empty), the worker rereads the sequence from
// the account and sends again, and rounds resolve.
func TestSequenceRefusalResyncs(t *testing.T) {
	f := newFixture(t, 1, 1)
	f.chain.noLog = true
	w := f.newWorker(0, t.TempDir(), FaultNone)
	stop := start(w)
	defer stop()
	f.chain.mu.Lock()
	f.chain.dropNext = 1
	f.chain.mu.Unlock()
	if !f.until(40, func() bool { return len(f.datasets()) >= 2 && w.Stats().Rejected > 0 }) {
		t.Fatalf("no recovery from a sequence refusal: datasets %d, stats %+v", len(f.datasets()), w.Stats())
	}
}

// TestBatchCapFromChain: on a chain whose max_batch_entries is 1, a
// worker that finds two rounds to commit at once sends them one per tx (a
// batch of two would be refused whole, every block) and both resolve.
func TestBatchCapFromChain(t *testing.T) {
	f := newFixtureParams(t, 1, 1, `{"commit_window":"4","reveal_window":"5","jail_blocks":"20","max_batch_entries":1}`)
	w := f.newWorker(0, t.TempDir(), FaultNone)
	f.chain.block()
	_, open, err := f.chain.Assigned(context.Background(), w.operator)
	if err != nil || len(open) < 2 {
		t.Fatalf("want two open rounds before the worker starts: %v, %d", err, len(open))
	}
	stop := start(w)
	defer stop()
	resolved := func(r *pb.Round) bool {
		var ds state.Page[state.DatasetView]
		f.query(state.PathDatasets(r.Source, state.ListOptions{From: r.Round, To: r.Round}), &ds)
		for _, d := range ds.Items {
			if d.Round == r.Round {
				return true
			}
		}
		return false
	}
	if !f.until(20, func() bool { return resolved(open[0]) && resolved(open[1]) }) {
		t.Fatalf("rounds %s/%d and %s/%d did not resolve; stats %+v",
			open[0].Source, open[0].Round, open[1].Source, open[1].Round, w.Stats())
	}
	if got := w.plan.maxEntries(); got != 1 {
		t.Errorf("entries per tx = %d, want the chain's 1", got)
	}
}
