package tx

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

// SignTag is the domain tag that starts every signed message.
const SignTag = "assay/tx/v1"

// AddressLen is the length of an account address in bytes.
const AddressLen = 20

// Errors of Decode and Verify.
var (
	ErrTooLarge  = errors.New("tx: too large")
	ErrMalformed = errors.New("tx: malformed")
	ErrSignature = errors.New("tx: bad signature")
)

// Decoded is a decoded, not yet verified, transaction.
type Decoded struct {
	Tx      *pb.Tx
	Body    *pb.TxBody
	Address []byte // address of Tx.Signer
}

// Address returns the account address of an ed25519 public key: the first
// 20 bytes of SHA-256(pubkey).
func Address(pub []byte) []byte {
	h := sha256.Sum256(pub)
	return h[:AddressLen]
}

// SignBytes returns the message an account signs: SignTag ‖
// uint16be(len(chainID)) ‖ chainID ‖ signer (32 bytes) ‖ uint64be(sequence)
// ‖ body (the exact serialized TxBody).
func SignBytes(chainID string, signer []byte, sequence uint64, body []byte) []byte {
	b := make([]byte, 0, len(SignTag)+2+len(chainID)+len(signer)+8+len(body))
	b = append(b, SignTag...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(chainID)))
	b = append(b, chainID...)
	b = append(b, signer...)
	b = binary.BigEndian.AppendUint64(b, sequence)
	return append(b, body...)
}

// Sign serializes body, signs it with key for chainID at sequence and
// returns the encoded Tx, ready to broadcast.
func Sign(chainID string, key ed25519.PrivateKey, sequence uint64, body *pb.TxBody) ([]byte, error) {
	bb, err := proto.MarshalOptions{Deterministic: true}.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("tx: encode body: %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	t := &pb.Tx{
		Body:      bb,
		Signer:    pub,
		Sequence:  sequence,
		Signature: ed25519.Sign(key, SignBytes(chainID, pub, sequence, bb)),
	}
	out, err := proto.MarshalOptions{Deterministic: true}.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("tx: encode: %w", err)
	}
	return out, nil
}

// Decode parses raw, which must be at most maxBytes long, and checks the
// envelope's shape: a 32-byte signer, a 64-byte signature, no unknown
// fields, and a body holding exactly one message. It does not verify the
// signature.
func Decode(raw []byte, maxBytes int) (*Decoded, error) {
	if len(raw) > maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), maxBytes)
	}
	var t pb.Tx
	if err := proto.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("%w: envelope: %w", ErrMalformed, err)
	}
	if len(t.ProtoReflect().GetUnknown()) != 0 {
		return nil, fmt.Errorf("%w: unknown envelope fields", ErrMalformed)
	}
	if len(t.Signer) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: signer is %d bytes, want %d", ErrMalformed, len(t.Signer), ed25519.PublicKeySize)
	}
	if len(t.Signature) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: signature is %d bytes, want %d", ErrMalformed, len(t.Signature), ed25519.SignatureSize)
	}
	var body pb.TxBody
	if err := proto.Unmarshal(t.Body, &body); err != nil {
		return nil, fmt.Errorf("%w: body: %w", ErrMalformed, err)
	}
	if len(body.ProtoReflect().GetUnknown()) != 0 {
		return nil, fmt.Errorf("%w: unknown body fields", ErrMalformed)
	}
	if body.Kind == nil {
		return nil, fmt.Errorf("%w: empty body", ErrMalformed)
	}
	return &Decoded{Tx: &t, Body: &body, Address: Address(t.Signer)}, nil
}

// Verify checks the signature of d for chainID.
func (d *Decoded) Verify(chainID string) error {
	msg := SignBytes(chainID, d.Tx.Signer, d.Tx.Sequence, d.Tx.Body)
	if !ed25519.Verify(d.Tx.Signer, msg, d.Tx.Signature) {
		return ErrSignature
	}
	return nil
}

// Kind returns the short name of the body's message, as events and errors
// print it.
func Kind(b *pb.TxBody) string {
	switch b.Kind.(type) {
	case *pb.TxBody_StoreCode:
		return "store_code"
	case *pb.TxBody_RegisterSource:
		return "register_source"
	case *pb.TxBody_UpdateSource:
		return "update_source"
	case *pb.TxBody_RetireSource:
		return "retire_source"
	case *pb.TxBody_Commit:
		return "commit"
	case *pb.TxBody_Reveal:
		return "reveal"
	case *pb.TxBody_Unjail:
		return "unjail"
	case *pb.TxBody_AnnounceRetrieval:
		return "announce_retrieval"
	}
	return "unknown"
}
