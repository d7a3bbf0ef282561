package state

import (
	"bytes"
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

// TestAssignedListsEveryOpenRound: an operator assigned more open rounds
// than a page of other lists holds (5,000 sources every 10 blocks give
// each of 4 validators ~375 rounds a block, open for up to 8 blocks)
// gets every one of them, oldest first. The defect: the answer stopped
// at 1,000 rows, so the worker never saw its newest rounds until older
// ones closed, and they missed their commit windows.
func TestAssignedListsEveryOpenRound(t *testing.T) {
	const n = 3000
	op := bytes.Repeat([]byte{7}, 20)
	kv := NewMemKV()
	var changes []Change
	for i := 0; i < n; i++ {
		id, h := fmt.Sprintf("s%04d", i%500), uint64(1+i/500)
		r := &pb.Round{Source: id, Round: h, Phase: pb.Phase_PHASE_COMMIT, Assignees: []*pb.Assignee{{Operator: op, Stake: 1}}}
		b, err := proto.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, Change{Key: keyRound(id, h), Value: b}, Change{Key: keyOpen(op, id, h), Value: indexValue})
	}
	if _, err := kv.Stage(changes); err != nil {
		t.Fatal(err)
	}
	if err := kv.Commit(); err != nil {
		t.Fatal(err)
	}
	raw, err := Query(kv, PathAssigned(op))
	if err != nil {
		t.Fatal(err)
	}
	views, err := Decode[[]RoundView](raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != n {
		t.Fatalf("assigned lists %d open rounds, want all %d", len(views), n)
	}
	if first, last := views[0], views[n-1]; first.ID != 1 || last.ID != n/500 {
		t.Errorf("rounds %d..%d, want oldest first: 1..%d", first.ID, last.ID, n/500)
	}
}
