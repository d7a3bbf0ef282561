package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// TestAssignedRecordsMatchAssigned: assigned_records answers the rounds of
// assigned, in its order, as records whose views are the JSON answer's,
// and a bad operator the same error.
func TestAssignedRecordsMatchAssigned(t *testing.T) {
	op, other := bytes.Repeat([]byte{7}, 20), bytes.Repeat([]byte{8}, 20)
	kv := NewMemKV()
	var changes []Change
	for i := 0; i < 40; i++ {
		id, h := fmt.Sprintf("s%02d", i%7), uint64(1+i/7)
		as := []*pb.Assignee{{Operator: op, Stake: 1, Commit: bytes.Repeat([]byte{byte(i)}, 32)}}
		if i%3 == 0 {
			as = []*pb.Assignee{{Operator: other, Stake: 2}}
		}
		r := &pb.Round{Source: id, Round: h, Phase: pb.Phase(1 + i%2), CommitEnd: h + 4, Assignees: as,
			Spec: &pb.SourceSpec{Every: 7, Params: []byte{byte(i)}}, Seed: []byte{byte(h)}}
		b, err := proto.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, Change{Key: keyRound(id, h), Value: b}, Change{Key: keyOpen(as[0].Operator, id, h), Value: indexValue})
	}
	slices.SortFunc(changes, func(a, b Change) int { return bytes.Compare(a.Key, b.Key) })
	if _, err := kv.Stage(changes); err != nil {
		t.Fatal(err)
	}
	if err := kv.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, who := range [][]byte{op, other, bytes.Repeat([]byte{9}, 20)} {
		raw, err := Query(kv, PathAssigned(who))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := Query(kv, PathAssignedRecords(who))
		if err != nil {
			t.Fatal(err)
		}
		rounds, err := DecodeRecords(recs)
		if err != nil {
			t.Fatal(err)
		}
		views := []any{}
		for _, r := range rounds {
			views = append(views, roundView(r))
		}
		fromRecords, err := json.Marshal(views)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fromRecords, raw) {
			t.Errorf("operator %x: records give\n%s\nassigned answers\n%s", who[:1], fromRecords, raw)
		}
	}
	_, errJSON := Query(kv, "/assigned/zz")
	_, errRec := Query(kv, "/assigned_records/zz")
	if !errors.Is(errJSON, ErrBadQuery) || !errors.Is(errRec, ErrBadQuery) {
		t.Errorf("bad operator: assigned %v, assigned_records %v; want ErrBadQuery", errJSON, errRec)
	}
	if _, err := DecodeRecords([]byte{0x12, 0x01, 0x00}); err == nil {
		t.Error("DecodeRecords accepted field 2")
	}
}
