package worker

import (
	"encoding/hex"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// FuzzDecodeRounds feeds arbitrary node answers to the round decoder the
// worker uses (state.DecodeRecords, then openRounds): it must return
// rounds or an error, never panic, and keep only open rounds that list
// the operator.
func FuzzDecodeRounds(f *testing.F) {
	rec, _ := proto.Marshal(&pb.Round{Source: "s", Round: 3, Phase: pb.Phase_PHASE_COMMIT, CommitEnd: 7,
		Assignees: []*pb.Assignee{{Operator: []byte{0}}}, Spec: &pb.SourceSpec{Every: 2}})
	f.Add(protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), rec), "00")
	f.Add([]byte{0x0a, 0x05, 1, 2}, "zz")
	f.Add([]byte(`{}`), "")
	f.Fuzz(func(t *testing.T, b []byte, op string) {
		rs, err := state.DecodeRecords(b)
		if err != nil {
			return
		}
		opb, _ := hex.DecodeString(op)
		for _, r := range openRounds(rs, opb) {
			if r.Phase != pb.Phase_PHASE_COMMIT && r.Phase != pb.Phase_PHASE_REVEAL {
				t.Fatalf("closed round kept: %v", r.Phase)
			}
		}
	})
}
