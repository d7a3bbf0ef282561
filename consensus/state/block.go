package state

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrHeight is returned when a block does not follow the last one.
var ErrHeight = errors.New("state: unexpected block height")

// FinalizeBlock executes block b and stages its changes. The order within
// a block is fixed (docs/protocol.md section 3): the seed (from the VRF
// tx, which must verify: see ProcessProposal), assignment, misbehavior,
// txs in order, round phases and tallies, validator updates, app hash.
func (m *Machine) FinalizeBlock(b *Block) (*BlockResult, error) {
	if b.Height != m.meta.Height+1 {
		return nil, fmt.Errorf("%w: got %d after %d", ErrHeight, b.Height, m.meta.Height)
	}
	m.events = nil
	if err := m.advanceSeed(b); err != nil { // first: a bad block changes nothing
		m.events = nil
		return nil, err
	}
	m.height, m.time = b.Height, b.Time
	if err := m.assign([32]byte(m.beacon.Seed), m.beacon.VrfOutput); err != nil {
		return nil, err
	}
	m.misbehavior(b.Misbehavior)
	blockEvents := m.events
	res := &BlockResult{TxResults: make([]TxResult, len(b.Txs))}
	for i, raw := range b.Txs[1:] { // b.Txs[0], the VRF tx, has an empty result
		m.events = nil
		res.TxResults[i+1] = m.deliverTx(raw)
	}
	m.events = blockEvents
	m.advanceRounds()
	res.Updates = m.validatorUpdates()
	res.Events = m.events
	m.events = nil
	m.meta.Height = b.Height
	m.put(keyMeta(), m.meta)
	hash, err := m.kv.Stage(m.st.changes())
	if err != nil {
		return nil, fmt.Errorf("state: stage block %d: %w", b.Height, err)
	}
	m.appHash = hash
	res.AppHash = bytes.Clone(hash)
	return res, nil
}

// Commit persists the changes staged by FinalizeBlock (or InitGenesis
// and the first block) and forgets the mempool's pending sequences
// (CheckTx rechecks rebuild them). It refuses to persist a state whose
// hash is not the app hash FinalizeBlock returned.
func (m *Machine) Commit() error {
	if err := m.kv.Commit(); err != nil {
		return fmt.Errorf("state: commit: %w", err)
	}
	if h := m.kv.Hash(); !bytes.Equal(h, m.appHash) {
		return fmt.Errorf("%w: committed hash %x, finalized %x", ErrState, h, m.appHash)
	}
	m.st.reset()
	m.pending = map[string]uint64{}
	return nil
}
