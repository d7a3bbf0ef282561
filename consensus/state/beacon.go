package state

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/tx"
)

// ErrProposal is returned by ProcessProposal (and FinalizeBlock) for a
// block whose VRF tx is missing, misplaced or does not verify.
var ErrProposal = errors.New("state: invalid proposal")

// Seed returns the seed of the last finalized block: the input of the
// next block's VRF proof (docs/protocol.md section 1).
func (m *Machine) Seed() [32]byte { return [32]byte(m.beacon.Seed) }

// VRFTx returns the VRF tx a proposer holding the VRF key key puts first
// in the next block: its proof over Seed().
func (m *Machine) VRFTx(key ed25519.PrivateKey) []byte {
	return seed.EncodeTx(seed.Prove(key, m.Seed()))
}

// ProcessProposal checks a proposed block's txs: the first must be the
// VRF tx of proposer (a consensus address) over Seed(), verified with the
// VRF key it registered, and no other tx may be a VRF tx; and at most
// Config.MaxStoreCodes txs may carry a StoreCode (whatever their
// signature or sequence), which bounds the CPU the store-time check takes
// in one block. It changes no state. Everything else in a block is
// checked per tx when it executes.
func (m *Machine) ProcessProposal(proposer []byte, txs [][]byte) error {
	if _, _, err := m.checkVRF(proposer, txs); err != nil {
		return err
	}
	if n := m.storeCodes(txs[1:]); n > m.cfg.MaxStoreCodes {
		return fmt.Errorf("%w: %d StoreCode txs, at most %d in a block", ErrProposal, n, m.cfg.MaxStoreCodes)
	}
	return nil
}

// checkVRF returns the proposer's record and its VRF output.
func (m *Machine) checkVRF(proposer []byte, txs [][]byte) (*pb.Validator, []byte, error) {
	if len(txs) == 0 {
		return nil, nil, fmt.Errorf("%w: no VRF tx", ErrProposal)
	}
	for i, raw := range txs[1:] {
		if seed.IsTx(raw) {
			return nil, nil, fmt.Errorf("%w: tx %d is a second VRF tx", ErrProposal, i+1)
		}
	}
	proof, err := seed.DecodeTx(txs[0])
	if err != nil {
		return nil, nil, fmt.Errorf("%w: first tx: %w", ErrProposal, err)
	}
	v := m.byConsensusAddress(proposer)
	if v == nil {
		return nil, nil, fmt.Errorf("%w: proposer %X is not a validator", ErrProposal, proposer)
	}
	out, err := seed.Verify(v.VrfPubkey, m.Seed(), proof)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: proposer %X over seed %x: %w", ErrProposal, proposer, m.beacon.Seed, err)
	}
	return v, out, nil
}

// VRFPublicKey returns the VRF key registered by the validator whose
// consensus address is proposer, or nil.
func (m *Machine) VRFPublicKey(proposer []byte) []byte {
	if v := m.byConsensusAddress(proposer); v != nil {
		return bytes.Clone(v.VrfPubkey)
	}
	return nil
}

func (m *Machine) byConsensusAddress(addr []byte) *pb.Validator {
	if len(addr) != tx.AddressLen {
		return nil
	}
	for _, v := range m.vals {
		if bytes.Equal(tx.Address(v.ConsensusPubkey), addr) {
			return v
		}
	}
	return nil
}

// advanceSeed verifies block b's VRF tx and moves the seed chain to b.
func (m *Machine) advanceSeed(b *Block) error {
	v, out, err := m.checkVRF(b.Proposer, b.Txs)
	if err != nil {
		return err
	}
	next := seed.Next(m.Seed(), out)
	m.beacon = &pb.Beacon{Height: b.Height, Seed: next[:], VrfOutput: out, Proposer: v.Operator}
	m.put(keyBeacon(), m.beacon)
	m.emit(EventSeed, AttrSeed, hex.EncodeToString(next[:]), AttrVRFOutput, hex.EncodeToString(out),
		AttrProposer, hex.EncodeToString(v.Operator))
	return nil
}
