package seed

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/oasisprotocol/curve25519-voi/curve"
	voied25519 "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519/extra/ecvrf"
)

// Domain tags of the seed chain.
const (
	// GenesisTag is hashed before the chain id to make seed_0.
	GenesisTag = "assay/seed/v2/genesis"
	// AlphaTag is the VRF input's prefix, before the previous seed.
	AlphaTag = "assay/vrf/v2"
	// NextTag is hashed before the previous seed and the VRF output.
	NextTag = "assay/seed/v2"
	// TxPrefix starts the VRF tx. Its first byte, 0x00, is not a valid
	// protobuf tag, so no user tx (a serialized Tx) can start with it.
	TxPrefix = "\x00assay/vrf/v2\x00"
)

// Sizes of the VRF parts, in bytes.
const (
	PublicKeySize = 32
	ProofSize     = ecvrf.ProofSize  // 80
	OutputSize    = ecvrf.OutputSize // 64
	TxSize        = len(TxPrefix) + ProofSize
)

// Errors returned by Verify and DecodeTx.
var (
	// ErrProof is returned for a VRF proof that does not verify.
	ErrProof = errors.New("seed: VRF proof does not verify")
	// ErrKey is returned by CheckPublicKey for an unusable VRF key.
	ErrKey = errors.New("seed: bad VRF public key")
	// ErrTx is returned for bytes that are not a VRF tx.
	ErrTx = errors.New("seed: not a VRF tx")
)

// Genesis returns seed_0 = SHA-256(GenesisTag ‖ chainID).
func Genesis(chainID string) [32]byte {
	return sha256.Sum256(append([]byte(GenesisTag), chainID...))
}

// Alpha returns the VRF input for a block whose previous seed is prev:
// AlphaTag ‖ prev.
func Alpha(prev [32]byte) []byte {
	return append([]byte(AlphaTag), prev[:]...)
}

// Next returns SHA-256(NextTag ‖ prev ‖ output), the seed of the block
// whose VRF output is output.
func Next(prev [32]byte, output []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(NextTag))
	h.Write(prev[:])
	h.Write(output)
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// Prove returns the VRF proof of key over Alpha(prev). ECVRF proofs are
// deterministic: one key and one previous seed give one proof.
func Prove(key ed25519.PrivateKey, prev [32]byte) []byte {
	return ecvrf.Prove(voied25519.PrivateKey(key), Alpha(prev))
}

// Verify checks proof against the VRF public key pub and the previous
// seed prev and returns the VRF output (OutputSize bytes).
func Verify(pub []byte, prev [32]byte, proof []byte) ([]byte, error) {
	if len(pub) != PublicKeySize || len(proof) != ProofSize {
		return nil, fmt.Errorf("%w: key %d bytes, proof %d bytes", ErrProof, len(pub), len(proof))
	}
	ok, out := ecvrf.Verify(voied25519.PublicKey(pub), proof, Alpha(prev))
	if !ok {
		return nil, ErrProof
	}
	return out, nil
}

// EncodeTx returns the VRF tx carrying proof: TxPrefix ‖ proof.
func EncodeTx(proof []byte) []byte {
	return append([]byte(TxPrefix), proof...)
}

// IsTx reports whether raw starts with TxPrefix (the mempool refuses such
// txs; only a proposer puts one in a block).
func IsTx(raw []byte) bool { return bytes.HasPrefix(raw, []byte(TxPrefix)) }

// DecodeTx returns the proof of a VRF tx.
func DecodeTx(raw []byte) ([]byte, error) {
	if !IsTx(raw) || len(raw) != TxSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTx, len(raw))
	}
	return bytes.Clone(raw[len(TxPrefix):]), nil
}

// CheckPublicKey reports whether pub can verify proofs: 32 bytes, the
// canonical encoding of a curve point that is not of small order (the
// checks Verify makes of the key).
func CheckPublicKey(pub []byte) error {
	var y curve.CompressedEdwardsY
	if _, err := y.SetBytes(pub); err != nil || !y.IsCanonicalVartime() {
		return fmt.Errorf("%w: not a canonical 32-byte point", ErrKey)
	}
	var p curve.EdwardsPoint
	if _, err := p.SetCompressedY(&y); err != nil {
		return fmt.Errorf("%w: not on the curve", ErrKey)
	}
	if p.IsSmallOrder() {
		return fmt.Errorf("%w: small order", ErrKey)
	}
	return nil
}
