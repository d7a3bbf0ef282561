package tx

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/assaynet/assay/consensus/pb"
)

// CommitTag is the domain tag of a commit hash.
const CommitTag = "assay/commit/v1"

// SaltLen is the length of a commit salt in bytes.
const SaltLen = 32

// EncodeVerdict returns the canonical verdict encoding: the status byte
// (runtime/abi Status), uint16be(len) ‖ output CID bytes, uint16be(len) ‖
// input CID bytes, uint64be(gas used).
func EncodeVerdict(v *pb.Verdict) []byte {
	b := make([]byte, 0, 1+2+len(v.GetOutputCid())+2+len(v.GetInputCid())+8)
	return appendVerdict(b, v)
}

func appendVerdict(b []byte, v *pb.Verdict) []byte {
	b = append(b, byte(v.GetStatus()))
	b = binary.BigEndian.AppendUint16(b, uint16(len(v.GetOutputCid())))
	b = append(b, v.GetOutputCid()...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(v.GetInputCid())))
	b = append(b, v.GetInputCid()...)
	return binary.BigEndian.AppendUint64(b, v.GetGasUsed())
}

// CommitHash returns SHA-256(CommitTag ‖ uint16be(len(chainID)) ‖ chainID ‖
// uint16be(len(source)) ‖ source ‖ uint64be(round) ‖ operator (20 bytes) ‖
// EncodeVerdict(v) ‖ salt (32 bytes)). The worker commits it and later
// reveals v and salt.
func CommitHash(chainID, source string, round uint64, operator []byte, v *pb.Verdict, salt []byte) [32]byte {
	b := make([]byte, 0, 256)
	b = append(b, CommitTag...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(chainID)))
	b = append(b, chainID...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(source)))
	b = append(b, source...)
	b = binary.BigEndian.AppendUint64(b, round)
	b = append(b, operator...)
	b = appendVerdict(b, v)
	b = append(b, salt...)
	return sha256.Sum256(b)
}
