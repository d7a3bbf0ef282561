package state

import (
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
)

func testCID(t *testing.T, s string) []byte {
	t.Helper()
	c, err := pin.SumBytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c.Bytes()
}

// TestRoundViewRoundTrip: RoundView.Round inverts the round query's
// answer for every phase and assignee state.
func TestRoundViewRoundTrip(t *testing.T) {
	spec := &pb.SourceSpec{Fetch: &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: "http://x/{{height}}"}}},
		CodeCid: "bafkreifxcjmvmy6d7ebdnjly5k4t47mpfc7owlr33u2rvgb27yvhhxsy3q", Params: []byte{0, 1, 2}, Every: 3, WindowSeconds: 60,
		Replicas: 2, GasLimit: 1000, MaxOutputBytes: 64, MemoryPages: 4}
	verdict := &pb.Verdict{Status: uint32(abi.StatusAccepted), OutputCid: testCID(t, "out"), InputCid: testCID(t, "in"), GasUsed: 9}
	op1, op2 := make([]byte, 20), make([]byte, 20)
	op1[0], op2[0] = 1, 2
	tests := []struct {
		name string
		r    *pb.Round
	}{
		{"commit, nobody committed", &pb.Round{Source: "feed", Round: 7, Phase: pb.Phase_PHASE_COMMIT, CommitEnd: 12, Spec: spec,
			Assignees: []*pb.Assignee{{Operator: op1, Stake: 100}, {Operator: op2, Stake: 50}}}},
		{"reveal, one revealed", &pb.Round{Source: "feed", Round: 7, Phase: pb.Phase_PHASE_REVEAL, CommitEnd: 12, RevealStart: 10, RevealEnd: 15, Spec: spec,
			Assignees: []*pb.Assignee{{Operator: op1, Stake: 100, Commit: make([]byte, 32), CommitHeight: 8, Verdict: verdict, Salt: []byte{7}, RevealHeight: 11},
				{Operator: op2, Stake: 50, Commit: []byte{9, 9}, CommitHeight: 9, BadReveals: 2}}}},
		{"resolved", &pb.Round{Source: "a.b-c", Round: 1, Phase: pb.Phase_PHASE_RESOLVED, CommitEnd: 2, RevealStart: 3, RevealEnd: 4, ClosedAt: 4,
			WinnerStatus: uint32(abi.StatusRejected), WinnerOutputCid: testCID(t, "w"), Spec: spec,
			Assignees: []*pb.Assignee{{Operator: op1, Stake: 1, Penalised: true, Verdict: &pb.Verdict{Status: uint32(abi.StatusUnavailable)}}}}},
		{"unresolved, empty spec params", &pb.Round{Source: "s", Round: 3, Phase: pb.Phase_PHASE_UNRESOLVED, ClosedAt: 8,
			Spec: &pb.SourceSpec{Fetch: &pb.FetchSpec{Kind: "none"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(roundView(tt.r))
			if err != nil {
				t.Fatal(err)
			}
			v, err := Decode[RoundView](b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.Round()
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(got, tt.r) {
				t.Fatalf("round trip:\n got %v\nwant %v", got, tt.r)
			}
			open := tt.r.Phase == pb.Phase_PHASE_COMMIT || tt.r.Phase == pb.Phase_PHASE_REVEAL
			if v.IsOpen() != open {
				t.Fatalf("IsOpen %v, want %v", v.IsOpen(), open)
			}
		})
	}
}

// TestDecodeRejects: a malformed answer is an error naming the bad field,
// never a panic or a silently zero record.
func TestDecodeRejects(t *testing.T) {
	for _, tt := range []struct {
		name, json string
	}{
		{"phase", `{"source":"s","height":1,"phase":"NOPE","spec":{}}`},
		{"operator", `{"source":"s","height":1,"phase":"COMMIT","assignees":[{"operator":"zz"}],"spec":{}}`},
		{"commit", `{"source":"s","height":1,"phase":"COMMIT","assignees":[{"operator":"00","commit":"0g"}],"spec":{}}`},
		{"params", `{"source":"s","height":1,"phase":"COMMIT","spec":{"params":"***"}}`},
		{"status", `{"source":"s","height":1,"phase":"RESOLVED","status":"MAYBE","spec":{}}`},
		{"verdict cid", `{"source":"s","height":1,"phase":"REVEAL","assignees":[{"operator":"00","verdict":{"status":"ACCEPTED","output_cid":"??"}}],"spec":{}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Decode[RoundView]([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Round(); err == nil {
				t.Fatalf("%s accepted", tt.json)
			}
		})
	}
	if _, err := Decode[[]RoundView]([]byte(`{}`)); err == nil {
		t.Fatal("an object decoded as a list")
	}
}

// TestDecodeParams reads the params answer back into the record.
func TestDecodeParams(t *testing.T) {
	kv := NewMemKV()
	want := DefaultParams()
	want.MaxBatchEntries = 7
	raw, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := kv.Apply([]Change{{Key: keyParams(), Value: raw}}); err != nil {
		t.Fatal(err)
	}
	b, err := Query(kv, PathParams)
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeParams(b)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(p, want) {
		t.Fatalf("params %v, want %v", p, want)
	}
}
