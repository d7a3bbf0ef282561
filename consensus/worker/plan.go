package worker

import (
	"bytes"
	"math"
	"slices"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
)

// planner makes every decision of the worker, in the manner of
// etcd/raft's RawNode: it is a deterministic state machine with no I/O,
// no clock, no contexts and no goroutines. The loop (worker.go) reads the
// chain and hands the planner what it saw, the journal and the time; the
// planner answers with a plan (what to start, cancel, commit, reveal and
// prune), the loop performs it and reports back what happened:
//
//  1. step(view, journal, now) at each new block → plan;
//  2. the loop cancels plan.Cancel, starts plan.Start (each job with its
//     own context and deadline), syncs the stores and broadcasts
//     plan.Commit, broadcasts plan.Reveal, and prunes the journal with
//     keep when plan.Prune;
//  3. sent(batch) for every batch as its broadcast starts, so that the
//     entries are not planned again while it is in flight nor before
//     ResendAfter blocks, and unsent(batch) if the mempool refused it,
//     so that its entries are planned again;
//  4. finished(k, journal) when the job k returns → plan (more jobs); its
//     entry joins the ready ones, which ready() plans as a commit batch
//     whenever no broadcast is in flight, so commitments reach the
//     mempool as jobs end rather than at the next block;
//  5. resend() when the loop learns that its txs were lost (the chain's
//     sequence stayed behind for ResendAfter blocks).
//
// The state that makes this level-triggered lives on the chain and in the
// journal, both inputs; the planner holds only what was started and sent
// when, so a new planner over the same journal (a restart) picks up where
// the old one stopped.
type planner struct {
	chainID     string
	operator    []byte
	fault       Fault
	resendAfter uint64
	maxBatch    int // Config.MaxBatch
	batchCap    int // entries per tx: min(maxBatch, the chain's max); 0 until known

	height     uint64            // the height of the last step
	rounds     []*pb.Round       // open rounds assigned to us, at height
	open       map[key]*pb.Round // rounds by key
	sched      *scheduler        // queued and running jobs (sched.go)
	clock      blockClock        // block interval estimate, for job deadlines
	dropped    map[key]bool      // dropped or cancelled: never started again
	commitSent map[key]uint64    // round → height its commit was sent
	revealSent map[key]uint64    // round → height its reveal was sent
	// ready holds the commit entries of jobs that returned since their
	// round was last planned in a commit batch, with the end of each
	// round's commit window: what ready() sends without rescanning every
	// open round and the journal.
	ready map[key]readyEntry
}

// readyEntry is a journaled job's commit entry, waiting to be sent.
type readyEntry struct {
	entry     *pb.CommitEntry
	commitEnd uint64
}

// chainView is what the loop read from the chain at one block.
type chainView struct {
	Height uint64
	// Rounds are the open rounds (commit or reveal phase) that list the
	// operator, read from the committed state at Height.
	Rounds []*pb.Round
	// CatchingUp is set while the node is block-syncing: its state lags
	// the chain, so only reveals are planned.
	CatchingUp bool
}

// journalView is what the planner reads from the journal; *Journal
// implements it.
type journalView interface {
	Get(source string, round uint64) (Entry, bool)
}

// plan is what the loop must do after one step, in this order.
type plan struct {
	Height     uint64
	CatchingUp bool
	Dropped    []key // queued jobs dropped: their commit window passed
	Cancel     []key // running jobs to cancel: their commit window passed
	Start      []job // jobs to start
	Commit     *batch
	Reveal     *batch
	Lost       []key // reveals due that have no journal entry
	Prune      bool  // prune the journal below Height, keeping planner.keep
}

// job is a round to run and the time its verdict is due (zero: none).
type job struct {
	Round    *pb.Round
	Deadline time.Time
}

// batch is one Commit or Reveal tx body and the rounds it names, in
// (source, round) order.
type batch struct {
	Reveal bool
	Keys   []key
	Body   *pb.TxBody
}

// kind names the batch in logs.
func (b *batch) kind() string {
	if b.Reveal {
		return "reveal"
	}
	return "commit"
}

func newPlanner(cfg Config, operator []byte) *planner {
	return &planner{
		chainID: cfg.ChainID, operator: operator, fault: cfg.Fault,
		resendAfter: cfg.ResendAfter, maxBatch: cfg.MaxBatch,
		sched:      newScheduler(cfg.Concurrency),
		dropped:    map[key]bool{},
		commitSent: map[key]uint64{},
		revealSent: map[key]uint64{},
		ready:      map[key]readyEntry{},
	}
}

// setChainMaxBatch sets the batch cap from the chain's max_batch_entries
// (0: unknown or unlimited): min(MaxBatch, n), as a larger batch would be
// refused whole.
func (p *planner) setChainMaxBatch(n uint32) {
	if n == 0 {
		p.batchCap = p.maxBatch
		return
	}
	p.batchCap = min(p.maxBatch, int(min(n, math.MaxInt32)))
}

// maxEntries is the most entries one Commit or Reveal tx may hold.
func (p *planner) maxEntries() int {
	if p.batchCap > 0 {
		return p.batchCap
	}
	return p.maxBatch
}

// step plans the worker's work at a new block, seen at now. While the
// node catches up it plans only reveals: its state lags the chain, so no
// job starts and no commit is sent, but a round that its state shows in
// the reveal phase has reached it on the chain too (phases only move
// forward), and waiting for the catch-up to end can outlast the reveal
// window.
//
// Otherwise it queues a job for every round in its commit phase that has
// no journal entry and no commit yet, drops the queued jobs and cancels
// the running ones that can no longer commit, starts as many as the
// scheduler allows, and plans one commit and one reveal batch.
func (p *planner) step(v chainView, j journalView, now time.Time) plan {
	p.height, p.rounds = v.Height, v.Rounds
	p.open = make(map[key]*pb.Round, len(v.Rounds))
	for _, r := range v.Rounds {
		p.open[key{r.Source, r.Round}] = r
	}
	pl := plan{Height: v.Height, CatchingUp: v.CatchingUp}
	if v.CatchingUp {
		pl.Reveal, pl.Lost = p.reveals(j)
		return pl
	}
	p.clock.observe(v.Height, now)
	var fresh []*pb.Round
	for _, r := range p.rounds {
		k := key{r.Source, r.Round}
		if !p.owesCommit(r) || p.sched.has(k) || p.dropped[k] {
			continue
		}
		if _, ok := j.Get(k.source, k.round); ok {
			continue
		}
		fresh = append(fresh, r)
	}
	p.sched.add(fresh...)
	pl.Dropped, pl.Cancel = p.sched.expire(p.height)
	for _, k := range slices.Concat(pl.Dropped, pl.Cancel) {
		p.dropped[k] = true
	}
	p.sched.setShare(p.rounds)
	pl.Start = p.launch()
	pl.Commit = p.commits(j)
	pl.Reveal, pl.Lost = p.reveals(j)
	p.prune()
	pl.Prune = true
	return pl
}

// finished frees the slot of the job k, which has returned (its entry, if
// any, is in j), and plans the next jobs. The entry joins the ready ones
// if its round still owes our commit.
func (p *planner) finished(k key, j journalView) plan {
	p.sched.finish(k)
	if r := p.open[k]; r != nil && p.owesCommit(r) && p.fault != FaultNoCommit {
		if e, ok := j.Get(k.source, k.round); ok {
			p.ready[k] = readyEntry{p.commitEntry(e), r.CommitEnd}
		}
	}
	return plan{Height: p.height, Start: p.launch()}
}

// readyCommits plans a Commit tx of the ready entries (those of jobs
// that returned since the last block's plan) that can still land and
// were not sent in the last ResendAfter blocks; nil when there are none.
// The loop calls it whenever it could broadcast, so commitments leave as
// their jobs end rather than at the next block. To keep txs few, it waits
// until a slot count of entries is ready, unless no job is left or an
// entry's next block is the last its commit can land in.
func (p *planner) readyCommits() *batch {
	var keys []key
	urgent := false
	for k, r := range p.ready {
		if late(p.height, r.commitEnd) || !p.due(p.commitSent[k]) {
			delete(p.ready, k)
			continue
		}
		keys = append(keys, k)
		urgent = urgent || late(p.height+1, r.commitEnd)
	}
	if len(keys) == 0 || !urgent && len(keys) < p.sched.slots && p.sched.size() > 0 {
		return nil
	}
	slices.SortFunc(keys, entryCompare)
	keys = keys[:min(len(keys), p.maxEntries())]
	entries := make([]*pb.CommitEntry, len(keys))
	for i, k := range keys {
		entries[i] = p.ready[k].entry
	}
	return commitBatch(keys, entries)
}

// sent records that the mempool accepted b at the current height.
func (p *planner) sent(b *batch) {
	m := p.commitSent
	if b.Reveal {
		m = p.revealSent
	}
	for _, k := range b.Keys {
		m[k] = p.height
		if !b.Reveal {
			delete(p.ready, k)
		}
	}
}

// unsent takes back sent(b): the mempool refused b, or its broadcast
// failed, so its entries are planned again.
func (p *planner) unsent(b *batch) {
	m := p.commitSent
	if b.Reveal {
		m = p.revealSent
	}
	for _, k := range b.Keys {
		delete(m, k)
	}
}

// resend forgets what was sent, so every entry still missing on the chain
// is planned again.
func (p *planner) resend() {
	clear(p.commitSent)
	clear(p.revealSent)
}

// keep reports whether the journal must keep the entry of (source, round):
// its round is open or its job is queued or running.
func (p *planner) keep(source string, round uint64) bool {
	k := key{source, round}
	return p.open[k] != nil || p.sched.has(k)
}

// launch takes the jobs the scheduler lets start, each with a deadline at
// the end of its commit window.
func (p *planner) launch() []job {
	var out []job
	for {
		r := p.sched.next()
		if r == nil {
			return out
		}
		out = append(out, job{Round: r, Deadline: p.clock.deadline(r.CommitEnd)})
	}
}

// due reports whether an entry sent at height sent (0: never) may be
// sent again.
func (p *planner) due(sent uint64) bool {
	return sent == 0 || p.height >= sent+p.resendAfter
}

// commits plans one Commit tx with every journaled entry whose round is
// still in its commit phase, can still take a commit at the next block,
// and has no commit from us (nor one sent in the last ResendAfter blocks).
func (p *planner) commits(j journalView) *batch {
	if p.fault == FaultNoCommit {
		return nil
	}
	var entries []*pb.CommitEntry
	var keys []key
	for _, r := range p.rounds {
		k := key{r.Source, r.Round}
		if !p.owesCommit(r) || !p.due(p.commitSent[k]) {
			continue
		}
		e, ok := j.Get(k.source, k.round)
		if !ok || late(p.height, r.CommitEnd) {
			continue
		}
		entries = append(entries, p.commitEntry(e))
		keys = append(keys, k)
		if len(entries) == p.maxEntries() {
			break
		}
	}
	if len(entries) == 0 {
		return nil
	}
	slices.SortFunc(entries, func(a, b *pb.CommitEntry) int {
		return entryCompare(key{a.Source, a.Round}, key{b.Source, b.Round})
	})
	slices.SortFunc(keys, entryCompare)
	return commitBatch(keys, entries)
}

// commitEntry is the Commit tx entry of the journaled verdict e.
func (p *planner) commitEntry(e Entry) *pb.CommitEntry {
	h := tx.CommitHash(p.chainID, e.Source, e.Round, p.operator, verdictOf(e), e.Salt)
	return &pb.CommitEntry{Source: e.Source, Round: e.Round, Hash: h[:]}
}

// commitBatch is the Commit tx of entries, named by keys (both sorted).
func commitBatch(keys []key, entries []*pb.CommitEntry) *batch {
	return &batch{Keys: keys, Body: &pb.TxBody{Kind: &pb.TxBody_Commit{Commit: &pb.CommitBatch{Entries: entries}}}}
}

// reveals plans one Reveal tx with every round in its reveal phase that
// holds our commit but not yet our verdict (nor a reveal sent in the last
// ResendAfter blocks), and lists the rounds among them whose entry the
// journal lacks.
func (p *planner) reveals(j journalView) (b *batch, lost []key) {
	if p.fault == FaultNoReveal {
		return nil, nil
	}
	var entries []*pb.RevealEntry
	var keys []key
	for _, r := range p.rounds {
		k := key{r.Source, r.Round}
		me := p.mine(r)
		if me == nil || r.Phase != pb.Phase_PHASE_REVEAL || len(me.Commit) == 0 || me.Verdict != nil || !p.due(p.revealSent[k]) {
			continue
		}
		e, ok := j.Get(k.source, k.round)
		if !ok {
			lost = append(lost, k)
			continue
		}
		entries = append(entries, &pb.RevealEntry{Source: e.Source, Round: e.Round, Verdict: verdictOf(e), Salt: e.Salt})
		keys = append(keys, k)
		if len(entries) == p.maxEntries() {
			break
		}
	}
	if len(entries) == 0 {
		return nil, lost
	}
	slices.SortFunc(entries, func(a, b *pb.RevealEntry) int {
		return entryCompare(key{a.Source, a.Round}, key{b.Source, b.Round})
	})
	slices.SortFunc(keys, entryCompare)
	return &batch{Reveal: true, Keys: keys, Body: &pb.TxBody{Kind: &pb.TxBody_Reveal{Reveal: &pb.RevealBatch{Entries: entries}}}}, lost
}

// prune forgets the marks of rounds that are no longer open and have no
// job queued or running.
func (p *planner) prune() {
	for _, m := range []map[key]uint64{p.commitSent, p.revealSent} {
		for k := range m {
			if !p.keep(k.source, k.round) {
				delete(m, k)
			}
		}
	}
	for k := range p.dropped {
		if !p.keep(k.source, k.round) {
			delete(p.dropped, k)
		}
	}
	for k := range p.ready {
		if p.open[k] == nil {
			delete(p.ready, k)
		}
	}
}

// owesCommit reports whether r is in its commit phase, lists this node
// and holds no commit from it.
func (p *planner) owesCommit(r *pb.Round) bool {
	me := p.mine(r)
	return me != nil && r.Phase == pb.Phase_PHASE_COMMIT && len(me.Commit) == 0
}

// mine returns this node's assignee record in r, or nil.
func (p *planner) mine(r *pb.Round) *pb.Assignee {
	for _, a := range r.GetAssignees() {
		if bytes.Equal(a.GetOperator(), p.operator) {
			return a
		}
	}
	return nil
}
