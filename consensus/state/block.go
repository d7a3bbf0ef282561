package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// HashTag is the domain tag of the app hash chain.
const HashTag = "assay/apphash/v1"

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
	m.meta.AppHash = chainHash(m.meta.AppHash, b.Height, m.st.changes())
	m.put(keyMeta(), m.meta)
	res.AppHash = bytes.Clone(m.meta.AppHash)
	return res, nil
}

// Commit writes the staged changes to the KV in one Apply and forgets the
// mempool's pending sequences (CheckTx rechecks rebuild them).
func (m *Machine) Commit() error {
	if err := m.kv.Apply(m.st.changes()); err != nil {
		return fmt.Errorf("state: commit: %w", err)
	}
	m.st.reset()
	m.pending = map[string]uint64{}
	return nil
}

// chainHash is SHA-256(HashTag ‖ prev ‖ uint64be(height) ‖ changes), each
// change as uint32be(len key) ‖ key ‖ op (0 set, 1 delete) ‖ uint32be(len
// value) ‖ value, in ascending key order. The meta record, which holds the
// hash, is not part of it. By induction it commits to the whole state.
func chainHash(prev []byte, height uint64, changes []Change) []byte {
	h := sha256.New()
	h.Write([]byte(HashTag))
	h.Write(prev)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], height)
	h.Write(n[:])
	meta := keyMeta()
	for _, c := range changes {
		if bytes.Equal(c.Key, meta) {
			continue
		}
		binary.BigEndian.PutUint32(n[:4], uint32(len(c.Key)))
		h.Write(n[:4])
		h.Write(c.Key)
		if c.Delete {
			h.Write([]byte{1})
		} else {
			h.Write([]byte{0})
		}
		binary.BigEndian.PutUint32(n[:4], uint32(len(c.Value)))
		h.Write(n[:4])
		h.Write(c.Value)
	}
	return h.Sum(nil)
}
