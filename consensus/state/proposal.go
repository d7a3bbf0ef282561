package state

import (
	"cmp"
	"slices"

	"github.com/assaynet/assay/consensus/tx"
)

// OrderProposal chooses, from the mempool's txs in mempool order, the txs
// a proposer puts in its block (ABCI PrepareProposal), at most maxBytes
// in all (maxBytes ≤ 0: no limit).
//
// CometBFT can hold one signer's txs out of sequence order: CheckTx runs
// in the app in order, but concurrent CheckTx calls (RPC and every peer)
// add their txs to the mempool list afterwards, in any order. A block
// carrying sequence n+1 before n fails n+1 at delivery. So each signer's
// txs are put in sequence order (in the places its txs held in the
// mempool order), starting at the signer's next sequence; a tx whose
// sequence is already used is left out, and a gap (or a tx that does not
// fit) ends that signer's run in this block. Txs that do not decode are
// left out: they fail in any block. At most Config.MaxStoreCodes
// StoreCode txs go in (ProcessProposal refuses more): a signer's
// StoreCode past them ends its run. Only the proposer runs this; every
// block it chooses passes ProcessProposal.
func (m *Machine) OrderProposal(txs [][]byte, maxBytes int64) [][]byte {
	type item struct {
		raw   []byte
		seq   uint64
		store bool // a StoreCode
	}
	bySigner := map[string][]item{}
	var slots []string // each decodable tx's signer, in mempool order
	for _, raw := range txs {
		d, err := tx.Decode(raw, int(min(m.params.MaxTxBytes, 1<<30)))
		if err != nil {
			continue
		}
		k := string(d.Address)
		bySigner[k] = append(bySigner[k], item{raw, d.Tx.Sequence, d.Body.GetStoreCode() != nil})
		slots = append(slots, k)
	}
	next := make(map[string]uint64, len(bySigner))
	for k, items := range bySigner { // each entry on its own: order does not matter
		slices.SortStableFunc(items, func(a, b item) int { return cmp.Compare(a.seq, b.seq) })
		seq, err := m.sequence([]byte(k))
		if err != nil {
			delete(bySigner, k)
			continue
		}
		next[k] = seq
	}
	out := make([][]byte, 0, len(slots))
	var total int64
	stores := 0
	stopped := map[string]bool{}
	for _, k := range slots {
		items := bySigner[k]
		if len(items) == 0 {
			continue
		}
		it := items[0]
		bySigner[k] = items[1:]
		switch {
		case stopped[k] || it.seq < next[k]:
			continue
		case it.seq > next[k] || maxBytes > 0 && total+int64(len(it.raw)) > maxBytes,
			it.store && stores >= m.cfg.MaxStoreCodes:
			stopped[k] = true
			continue
		}
		if it.store {
			stores++
		}
		out = append(out, it.raw)
		total += int64(len(it.raw))
		next[k]++
	}
	return out
}

// storeCodes counts the txs that decode to a StoreCode.
func (m *Machine) storeCodes(txs [][]byte) int {
	n := 0
	for _, raw := range txs {
		if d, err := tx.Decode(raw, int(min(m.params.MaxTxBytes, 1<<30))); err == nil && d.Body.GetStoreCode() != nil {
			n++
		}
	}
	return n
}
