package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/assaynet/assay/consensus/pb"
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
		w.plan.resend()
	}
	return nil
}

// send broadcasts a batch the planner planned and reports it back when
// the mempool accepts it. Before a Commit tx, the salts and what the
// commitments name must be on disk (one sync per batch when the stores
// defer fsync).
func (w *Worker) send(ctx context.Context, b *batch) {
	if !b.Reveal {
		if err := errors.Join(w.cfg.Journal.Sync(), w.cfg.Store.Sync()); err != nil {
			w.log.Warn("commit tx: sync", "err", err)
			return
		}
	}
	if err := w.broadcast(ctx, b.Body); err != nil {
		w.log.Warn(b.kind()+" tx", "entries", len(b.Keys), "err", err)
		return
	}
	w.plan.sent(b)
	if b.Reveal {
		w.stats.reveals.Add(uint64(len(b.Keys)))
	} else {
		w.stats.commits.Add(uint64(len(b.Keys)))
	}
	w.log.Debug(b.kind()+" sent", "height", w.height, "entries", len(b.Keys))
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
