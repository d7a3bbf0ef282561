package worker

import (
	"context"
	"errors"
	"fmt"
)

// syncSequence reconciles the local sequence with cs, the chain's: it
// moves forward when the chain is ahead, and back (dropping every
// in-flight mark, so the entries are sent again) when sent txs have not
// landed for ResendAfter blocks.
func (w *Worker) syncSequence(cs uint64) {
	switch {
	case cs >= w.sender.Next():
		w.sender.SetNext(cs)
	case w.height >= w.lastSend+w.cfg.ResendAfter:
		w.log.Warn("txs did not land; resending", "chain_sequence", cs, "local_sequence", w.sender.Next())
		w.sender.SetNext(cs)
		w.plan.resend()
	}
}

// pump starts the broadcast of the next queued batch, reveal first,
// unless one is in flight. With no commit batch queued, the commitments
// of the jobs that returned since are sent (readyCommits). Reveals go
// first: a round's last step, they need no sync and are few a block,
// while the commit batch's sync would delay them past the proposal.
func (w *Worker) pump(ctx context.Context) {
	if w.inflight {
		return
	}
	if w.queued[1] == nil {
		w.queued[1] = w.plan.readyCommits()
	}
	for i, b := range w.queued {
		if b == nil {
			continue
		}
		w.queued[i] = nil
		w.inflight = true
		w.plan.sent(b) // in flight: no later plan lists its entries again
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.sentc <- sendResult{b: b, err: w.sendBatch(ctx, b)} // buffered: one in flight
		}()
		return
	}
}

// sendBatch broadcasts a batch the planner planned; it runs in its own
// goroutine, the only user of the sender while it runs. Before a Commit
// tx, the salts and what the commitments name must be on disk (one sync
// per batch when the stores defer fsync).
func (w *Worker) sendBatch(ctx context.Context, b *batch) error {
	if !b.Reveal {
		if err := errors.Join(w.cfg.Journal.Sync(), w.cfg.Store.Sync()); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
	}
	if _, err := w.sender.Send(ctx, b.Body); err != nil {
		return fmt.Errorf("broadcast: %w", err)
	}
	return nil
}

// sendDone ends a broadcast. The planner was told the batch was sent
// when it left (pump), so its entries are not sent again before
// ResendAfter blocks; a batch the mempool refused is taken back, and
// its entries are planned again.
func (w *Worker) sendDone(r sendResult) {
	w.inflight = false
	b := r.b
	if r.err != nil {
		w.plan.unsent(b)
		w.log.Warn(b.kind()+" tx", "entries", len(b.Keys), "err", r.err)
		return
	}
	w.lastSend = w.height
	if b.Reveal {
		w.stats.reveals.Add(uint64(len(b.Keys)))
	} else {
		w.stats.commits.Add(uint64(len(b.Keys)))
	}
	w.log.Debug(b.kind()+" sent", "height", w.height, "entries", len(b.Keys))
}
