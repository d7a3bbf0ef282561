package worker

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
)

// syncSequence reconciles the local sequence with the chain's: it moves
// forward when the chain is ahead, and back (dropping every in-flight
// mark, so the entries are sent again) when sent txs have not landed for
// ResendAfter blocks.
func (w *Worker) syncSequence(ctx context.Context) error {
	cs, err := w.cfg.Chain.Sequence(ctx, w.operator)
	if err != nil {
		return fmt.Errorf("sequence: %w", err)
	}
	switch {
	case cs >= w.sender.Next():
		w.sender.SetNext(cs)
	case w.height >= w.lastSend+w.cfg.ResendAfter:
		w.log.Warn("txs did not land; resending", "chain_sequence", cs, "local_sequence", w.sender.Next())
		w.sender.SetNext(cs)
		clear(w.commitSent)
		clear(w.revealSent)
	}
	return nil
}

// due reports whether an entry sent at height sent (0: never) may be
// sent again.
func (w *Worker) due(sent uint64) bool {
	return sent == 0 || w.height >= sent+w.cfg.ResendAfter
}

// maxEntries is the most entries one Commit or Reveal tx may hold.
func (w *Worker) maxEntries() int {
	if w.batchCap > 0 {
		return w.batchCap
	}
	return w.cfg.MaxBatch
}

// sendCommits sends one Commit tx with every journaled entry whose round
// is still in its commit phase and has no commit from us.
func (w *Worker) sendCommits(ctx context.Context) {
	if w.cfg.Fault == FaultNoCommit {
		w.flushed = w.height
		return
	}
	var entries []*pb.CommitEntry
	var keys []key
	for _, r := range w.rounds {
		k := key{r.Source, r.Height}
		me := w.mine(r)
		if me == nil || r.Phase != pb.Phase_PHASE_COMMIT || len(me.Commit) > 0 || !w.due(w.commitSent[k]) {
			continue
		}
		e, ok := w.cfg.Journal.Get(k.source, k.round)
		if !ok || w.height+1 > r.CommitEnd {
			continue
		}
		h := tx.CommitHash(w.cfg.ChainID, e.Source, e.Round, w.operator, verdictOf(e), e.Salt)
		entries = append(entries, &pb.CommitEntry{Source: e.Source, Round: e.Round, Hash: h[:]})
		keys = append(keys, k)
		if len(entries) == w.maxEntries() {
			break
		}
	}
	if len(entries) == 0 {
		return
	}
	w.flushed = w.height
	sort.Slice(entries, func(i, j int) bool {
		return entryLess(entries[i].Source, entries[i].Round, entries[j].Source, entries[j].Round)
	})
	// the salts and what the commitments name must be on disk before the
	// chain sees them (one sync per batch when the stores defer fsync)
	if err := errors.Join(w.cfg.Journal.Sync(), w.cfg.Store.Sync()); err != nil {
		w.log.Warn("commit tx: sync", "err", err)
		return
	}
	body := &pb.TxBody{Kind: &pb.TxBody_Commit{Commit: &pb.CommitBatch{Entries: entries}}}
	if err := w.broadcast(ctx, body); err != nil {
		w.log.Warn("commit tx", "entries", len(entries), "err", err)
		return
	}
	for _, k := range keys {
		w.commitSent[k] = w.height
	}
	w.stats.commits.Add(uint64(len(entries)))
	w.log.Debug("commit sent", "height", w.height, "entries", len(entries))
}

// sendReveals sends one Reveal tx with every round in its reveal phase
// that holds our commit but not yet our verdict.
func (w *Worker) sendReveals(ctx context.Context) {
	if w.cfg.Fault == FaultNoReveal {
		return
	}
	var entries []*pb.RevealEntry
	var keys []key
	for _, r := range w.rounds {
		k := key{r.Source, r.Height}
		me := w.mine(r)
		if me == nil || r.Phase != pb.Phase_PHASE_REVEAL || len(me.Commit) == 0 || me.Verdict != nil || !w.due(w.revealSent[k]) {
			continue
		}
		e, ok := w.cfg.Journal.Get(k.source, k.round)
		if !ok {
			w.warnOnce("lost/"+k.source+fmt.Sprint(k.round), "cannot reveal: no journal entry", "source", k.source, "round", k.round)
			continue
		}
		entries = append(entries, &pb.RevealEntry{Source: e.Source, Round: e.Round, Verdict: verdictOf(e), Salt: e.Salt})
		keys = append(keys, k)
		if len(entries) == w.maxEntries() {
			break
		}
	}
	if len(entries) == 0 {
		return
	}
	sort.Slice(entries, func(i, j int) bool {
		return entryLess(entries[i].Source, entries[i].Round, entries[j].Source, entries[j].Round)
	})
	body := &pb.TxBody{Kind: &pb.TxBody_Reveal{Reveal: &pb.RevealBatch{Entries: entries}}}
	if err := w.broadcast(ctx, body); err != nil {
		w.log.Warn("reveal tx", "entries", len(entries), "err", err)
		return
	}
	for _, k := range keys {
		w.revealSent[k] = w.height
	}
	w.stats.reveals.Add(uint64(len(entries)))
	w.log.Debug("reveal sent", "height", w.height, "entries", len(entries))
}

// broadcast signs body with the next sequence and submits it
// (chain.Sender: on a sequence refusal it rereads the account's sequence
// and tries once more).
func (w *Worker) broadcast(ctx context.Context, body *pb.TxBody) error {
	if _, err := w.sender.Send(ctx, body); err != nil {
		return fmt.Errorf("broadcast: %w", err)
	}
	w.lastSend = w.height
	return nil
}

// entryLess orders batch entries by (source, round), as the chain requires.
func entryLess(s1 string, r1 uint64, s2 string, r2 uint64) bool {
	if s1 != s2 {
		return s1 < s2
	}
	return r1 < r2
}
