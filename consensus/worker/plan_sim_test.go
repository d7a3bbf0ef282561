package worker

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
)

// simRound is a round of the simulated chain.
type simRound struct {
	k                    key
	commitEnd, revealEnd uint64
	committed, revealed  bool
}

// simTx is a batch in the simulated mempool.
type simTx struct {
	b    *batch
	lost bool
}

// planSim drives a planner over a simulated chain: three sources open
// rounds (commit window 4 blocks, reveal window 5), the mempool loses or
// refuses some txs, jobs take 0–3 blocks and the node catches up for the
// first blocks. Every plan is checked against what the worker may do.
type planSim struct {
	t        *testing.T
	rng      *rand.Rand
	r        *planRun // the planner, its journal and checkBatch
	lossy    bool
	rounds   map[key]*simRound
	order    []key          // rounds in the chain's order
	mempool  []simTx        // accepted, landing at the next block
	running  map[key]uint64 // job → the height it returns at
	started  map[key]bool
	sentAt   map[[2]any]uint64 // (key, reveal) → height of the last reported send
	resentAt uint64            // height of the last resend
}

func newPlanSim(t *testing.T, seed uint64, lossy bool) *planSim {
	rng := rand.New(rand.NewPCG(seed, 99))
	s := &planSim{
		t: t, rng: rng, lossy: lossy,
		rounds: map[key]*simRound{}, running: map[key]uint64{}, started: map[key]bool{}, sentAt: map[[2]any]uint64{},
	}
	s.r = &planRun{t: t, dir: t.TempDir(), lastBat: map[bool]*batch{}}
	s.r.op = tx.Address(operatorKey(0).Public().(ed25519.PublicKey))
	s.r.cfg = Config{ChainID: testChainID, Concurrency: 1 + rng.IntN(4), ResendAfter: uint64(2 + rng.IntN(2)), MaxBatch: 1 + rng.IntN(3)}
	if !lossy {
		s.r.cfg.Concurrency, s.r.cfg.MaxBatch = 16, 100
	}
	s.r.reset(nil)
	t.Cleanup(func() { _ = s.r.j.Close() })
	return s
}

// view is the chain at h as the worker reads it.
func (s *planSim) view(h uint64, catchingUp bool) chainView {
	v := chainView{Height: h, CatchingUp: catchingUp}
	for _, k := range s.order {
		sr := s.rounds[k]
		if h > sr.revealEnd || sr.revealed && h > sr.commitEnd {
			continue // resolved or expired
		}
		r := &pb.Round{Source: k.source, Round: k.round, CommitEnd: sr.commitEnd, Phase: pb.Phase_PHASE_COMMIT}
		if h > sr.commitEnd {
			r.Phase = pb.Phase_PHASE_REVEAL
		}
		me := &pb.Assignee{Operator: s.r.op}
		if sr.committed {
			me.Commit = []byte{1}
		}
		if sr.revealed {
			me.Verdict = &pb.Verdict{}
		}
		r.Assignees = []*pb.Assignee{me}
		v.Rounds = append(v.Rounds, r)
	}
	return v
}

// block commits height h: the mempool's txs land (or are lost) and new
// rounds open.
func (s *planSim) block(h uint64) {
	for _, m := range s.mempool {
		if m.lost {
			continue
		}
		for _, k := range m.b.Keys {
			sr := s.rounds[k]
			switch {
			case !m.b.Reveal && h <= sr.commitEnd:
				sr.committed = true
			case m.b.Reveal && sr.committed && h > sr.commitEnd && h <= sr.revealEnd:
				sr.revealed = true
			}
		}
	}
	s.mempool = nil
	for i, src := range []string{"a", "b", "c"} {
		if h%uint64(i+1) == 0 {
			k := key{src, h}
			s.rounds[k] = &simRound{k: k, commitEnd: h + 4, revealEnd: h + 9}
			s.order = append(s.order, k)
		}
	}
}

// act checks the plan pl made at height h and performs it.
func (s *planSim) act(h uint64, v chainView, pl plan) {
	t := s.t
	t.Helper()
	p := s.r.p
	if v.CatchingUp && (len(pl.Start) > 0 || pl.Commit != nil || len(pl.Cancel)+len(pl.Dropped) > 0) {
		t.Fatalf("height %d: catching up, yet planned %+v", h, pl)
	}
	for _, k := range append(slices.Clone(pl.Dropped), pl.Cancel...) {
		if sr := s.rounds[k]; h+1 <= sr.commitEnd {
			t.Fatalf("height %d: %v dropped while its commit can land by %d", h, k, sr.commitEnd)
		}
	}
	for _, k := range pl.Dropped {
		if s.started[k] {
			t.Fatalf("height %d: %v dropped from the queue but it was started", h, k)
		}
	}
	for _, k := range pl.Cancel {
		if _, ok := s.running[k]; !ok {
			t.Fatalf("height %d: cancel of %v, which is not running", h, k)
		}
	}
	for _, j := range pl.Start {
		k := key{j.Round.Source, j.Round.Round}
		sr := s.rounds[k]
		if _, ok := s.r.j.Get(k.source, k.round); ok || s.started[k] || sr.committed || h > sr.commitEnd || j.Deadline.IsZero() {
			t.Fatalf("height %d: started %v (journaled %v, started before %v, committed %v, commit end %d, deadline %v)",
				h, k, ok, s.started[k], sr.committed, sr.commitEnd, j.Deadline)
		}
		s.started[k] = true
		s.running[k] = h + uint64(s.rng.IntN(4))
		if !s.lossy {
			s.running[k] = h
		}
	}
	if len(s.running) > s.r.cfg.Concurrency {
		t.Fatalf("height %d: %d jobs running on %d slots", h, len(s.running), s.r.cfg.Concurrency)
	}
	for _, b := range []*batch{pl.Commit, pl.Reveal} {
		if b == nil {
			continue
		}
		s.r.checkBatch(b) // sorted, capped, matches the journal
		for _, k := range b.Keys {
			sr := s.rounds[k]
			switch {
			case !b.Reveal && (sr.committed || p.height+1 > sr.commitEnd):
				t.Fatalf("height %d: commit of %v (committed %v, commit end %d)", h, k, sr.committed, sr.commitEnd)
			case b.Reveal && (!sr.committed || sr.revealed || p.height <= sr.commitEnd):
				t.Fatalf("height %d: reveal of %v (committed %v, revealed %v, commit end %d)", h, k, sr.committed, sr.revealed, sr.commitEnd)
			}
			if at, ok := s.sentAt[[2]any{k, b.Reveal}]; ok && p.height < at+s.r.cfg.ResendAfter && at > s.resentAt {
				t.Fatalf("height %d: %s of %v sent again %d blocks after %d", h, b.kind(), k, p.height-at, at)
			}
		}
		switch x := s.rng.IntN(10); {
		case s.lossy && x == 0: // refused: not reported
		default:
			p.sent(b)
			for _, k := range b.Keys {
				s.sentAt[[2]any{k, b.Reveal}] = p.height
			}
			s.mempool = append(s.mempool, simTx{b: b, lost: s.lossy && x < 3})
		}
	}
	if pl.Prune {
		if _, err := s.r.j.Prune(pl.Height, p.keep); err != nil {
			t.Fatal(err)
		}
	}
}

// finishJobs returns the jobs due at h, journaling an entry for those not
// cancelled, as the loop does between blocks.
func (s *planSim) finishJobs(h uint64, cancelled map[key]bool) {
	var due []key
	for k, at := range s.running {
		if at <= h {
			due = append(due, k)
		}
	}
	slices.SortFunc(due, entryCompare)
	for _, k := range due {
		delete(s.running, k)
		if !cancelled[k] {
			e := Entry{Source: k.source, Round: k.round, Status: 1, Salt: make([]byte, tx.SaltLen)}
			if _, err := s.r.j.Put(e); err != nil {
				s.t.Fatal(err)
			}
		}
		pl := s.r.p.finished(k, s.r.j)
		if s.rng.IntN(2) == 0 { // the broadcaster is idle: the ready commits leave
			pl.Commit = s.r.p.readyCommits()
		}
		s.act(h, chainView{Height: h}, pl)
	}
}

// run simulates blocks 1..n, the first catchUp of them while the node
// catches up, with a restart over the journal at block restartAt (0:
// none).
func (s *planSim) run(n, catchUp, restartAt uint64) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cancelled := map[key]bool{}
	for h := uint64(1); h <= n; h++ {
		s.block(h)
		if h == restartAt {
			// The running jobs die with the process (and may run again);
			// the new planner knows nothing of what was sent.
			s.r.reset(nil)
			for k := range s.running {
				delete(s.started, k)
			}
			clear(s.running)
			s.resentAt = h - 1
		}
		if s.lossy && s.rng.IntN(20) == 0 {
			s.r.p.resend()
			s.resentAt = s.r.p.height
		}
		v := s.view(h, h <= catchUp)
		pl := s.r.p.step(v, s.r.j, t0.Add(time.Duration(h)*time.Second))
		s.act(h, v, pl)
		for _, k := range pl.Cancel {
			cancelled[k] = true
		}
		s.finishJobs(h, cancelled)
	}
}

// TestPlanSimulated runs the planner over simulated chains and checks
// every plan: no job starts twice or for a round that is journaled,
// committed or past its window; no more jobs run than slots; no commit or
// reveal is planned for a round in the wrong phase or already done, nor
// sent again before ResendAfter blocks (unless the loop asked for a
// resend); batches are sorted, capped and open with the journal; nothing
// but reveals while catching up. Without losses, every round is committed
// and revealed, also across a restart.
func TestPlanSimulated(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprintf("lossy/%d", seed), func(t *testing.T) {
			s := newPlanSim(t, seed, true)
			s.run(60, 3, 30)
		})
	}
	for _, restart := range []uint64{0, 7, 12} {
		t.Run(fmt.Sprintf("lossless/restart-at-%d", restart), func(t *testing.T) {
			s := newPlanSim(t, 1, false)
			s.run(40, 0, restart)
			for _, k := range s.order {
				sr := s.rounds[k]
				if sr.revealEnd < 40 && (!sr.committed || !sr.revealed) {
					t.Errorf("round %v: committed %v, revealed %v", k, sr.committed, sr.revealed)
				}
			}
		})
	}
}
