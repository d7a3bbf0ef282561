package worker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
)

// codeSequence is the state machine's result code for a wrong sequence
// (consensus/state.CodeSequence; the worker does not import the machine).
const codeSequence = 4

// TxError is a tx the mempool refused.
type TxError struct {
	Code uint32
	Log  string
}

func (e *TxError) Error() string {
	return fmt.Sprintf("worker: tx rejected: code %d: %s", e.Code, e.Log)
}

// syncSequence reconciles the local sequence with the chain's: it moves
// forward when the chain is ahead, and back (dropping every in-flight
// mark, so the entries are sent again) when sent txs have not landed for
// ResendAfter blocks.
func (w *Worker) syncSequence(ctx context.Context) error {
	cs, err := w.cfg.Chain.Sequence(ctx, w.operator)
	if errors.Is(err, ErrUnsupported) {
		return nil // broadcast learns the sequence from rejections
	}
	if err != nil {
		return fmt.Errorf("sequence: %w", err)
	}
	switch {
	case cs >= w.seq:
		w.seq = cs
	case w.height >= w.lastSend+w.cfg.ResendAfter:
		w.log.Warn("txs did not land; resending", "chain_sequence", cs, "local_sequence", w.seq)
		w.seq = cs
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

// broadcast signs body with the next sequence and submits it; on a
// sequence rejection it refreshes the sequence from the chain and tries
// once more.
func (w *Worker) broadcast(ctx context.Context, body *pb.TxBody) error {
	for attempt := 0; ; attempt++ {
		raw, err := tx.Sign(w.cfg.ChainID, w.cfg.Key, w.seq, body)
		if err != nil {
			return err
		}
		res, err := w.cfg.Chain.Broadcast(ctx, raw)
		if err != nil {
			return fmt.Errorf("broadcast: %w", err)
		}
		if res.Code == 0 {
			w.seq++
			w.lastSend = w.height
			return nil
		}
		w.stats.rejected.Add(1)
		if res.Code != codeSequence || attempt > 0 {
			return &TxError{Code: res.Code, Log: res.Log}
		}
		if n, ok := expectedSequence(res.Log); ok {
			w.seq = n
			continue
		}
		cs, err := w.cfg.Chain.Sequence(ctx, w.operator)
		if err != nil {
			return fmt.Errorf("sequence: %w", err)
		}
		w.seq = cs
	}
}

// expectedSequence reads the sequence the mempool wants from a rejection
// log ("sequence 3, expected 5"), which counts txs already pending.
func expectedSequence(log string) (uint64, bool) {
	_, after, ok := strings.Cut(log, "expected ")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSpace(after), 10, 64)
	return n, err == nil
}
