package app_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/assaynet/assay/consensus/app"
	"github.com/assaynet/assay/consensus/state"
)

var update = flag.Bool("update", false, "rewrite consensus/testdata/proof_vectors.json")

const vectorsFile = "../testdata/proof_vectors.json"

// proofVectors is the golden file of docs/protocol.md section 4: records
// of one state, their ABCI proofs and the app hash they prove against.
type proofVectors struct {
	Comment string        `json:"comment"`
	Height  int64         `json:"height"`   // the state's version: block Height's results
	AppHash string        `json:"app_hash"` // hex; in the header of block Height+1
	Spec    string        `json:"spec"`     // the ics23 proof spec
	Records []proofRecord `json:"records"`
}

type proofRecord struct {
	Path   string `json:"path"`   // ABCI query path (prove = true)
	Key    string `json:"key"`    // hex state key
	Value  string `json:"value"`  // hex stored record (deterministic protobuf); empty if absent
	Exists bool   `json:"exists"` // membership or non-membership proof
	OpType string `json:"op_type"`
	Proof  string `json:"proof"` // hex ics23.CommitmentProof (protobuf), the ProofOp's data
}

// firstKey returns the first key under prefix in the committed state.
func firstKey(t *testing.T, a *app.App, prefix string) []byte {
	t.Helper()
	res, err := a.Query(context.Background(), &abci.RequestQuery{Path: "key/" + hex.EncodeToString([]byte(prefix)), Prove: true})
	if err != nil || res.Code != 0 {
		t.Fatalf("prove %q: %v %s", prefix, err, res.GetLog())
	}
	var p ics23.CommitmentProof
	if err := p.Unmarshal(res.ProofOps.Ops[0].Data); err != nil {
		t.Fatal(err)
	}
	// prefix itself is absent: its right neighbour is the first key under it.
	right := p.GetNonexist().GetRight()
	if right == nil || !bytes.HasPrefix(right.Key, []byte(prefix)) {
		t.Fatalf("no key under %q", prefix)
	}
	return right.Key
}

// TestProofVectors builds a seeded chain, proves one record of each kind
// and two absent keys at its last height, checks each proof against the
// app hash FinalizeBlock returned, and compares them with the golden file
// (go test ./consensus/app -run TestProofVectors -update rewrites it).
func TestProofVectors(t *testing.T) {
	s := newSim(t, 1, 4)
	for i := 0; i < 40; i++ {
		s.step()
	}
	a := s.replicas[0]
	ctx := context.Background()
	info, _ := a.Info(ctx, &abci.RequestInfo{})
	u64 := func(b []byte) uint64 { return binary.BigEndian.Uint64(b[len(b)-8:]) }
	ds := firstKey(t, a, "d/")
	rd := firstKey(t, a, "r/")
	src := firstKey(t, a, "s/")
	id := string(ds[10:])
	paths := []string{
		"source/" + string(src[2:]),
		"code/" + string(firstKey(t, a, "c/")[2:]),
		fmt.Sprintf("round/%s/%d", string(rd[10:]), binary.BigEndian.Uint64(rd[2:10])),
		fmt.Sprintf("dataset/%s/%d", id, binary.BigEndian.Uint64(ds[2:10])),
		"validator/" + hex.EncodeToString(firstKey(t, a, "v/")[2:]),
		fmt.Sprintf("evidence/%d", u64(firstKey(t, a, "e/"))),
		fmt.Sprintf("dataset/%s/%d", id, uint64(1)<<40), // absent
		"source/no-such-source",                         // absent
	}
	got := proofVectors{
		Comment: "Golden ICS-23 proofs of Assay state records (docs/protocol.md section 4); regenerate with go test ./consensus/app -run TestProofVectors -update",
		Height:  info.LastBlockHeight, AppHash: hex.EncodeToString(info.LastBlockAppHash), Spec: "ics23.IavlSpec",
	}
	for _, p := range paths {
		res, err := a.Query(ctx, &abci.RequestQuery{Path: p, Prove: true})
		if err != nil || res.Code != 0 || res.Height != info.LastBlockHeight || len(res.ProofOps.GetOps()) != 1 {
			t.Fatalf("prove %s: %v %+v", p, err, res)
		}
		op := res.ProofOps.Ops[0]
		var proof ics23.CommitmentProof
		if err := proof.Unmarshal(op.Data); err != nil {
			t.Fatalf("%s: proof: %v", p, err)
		}
		exists := len(res.Value) > 0
		ok := exists && ics23.VerifyMembership(ics23.IavlSpec, info.LastBlockAppHash, &proof, res.Key, res.Value)
		if !exists {
			ok = ics23.VerifyNonMembership(ics23.IavlSpec, info.LastBlockAppHash, &proof, res.Key)
		}
		if !ok || op.Type != app.ProofOpType || !bytes.Equal(op.Key, res.Key) {
			t.Fatalf("%s: proof (%s, exists %v) does not verify against %x", p, op.Type, exists, info.LastBlockAppHash)
		}
		if absent := strings.Contains(p, "no-such") || strings.HasSuffix(p, fmt.Sprint(uint64(1)<<40)); absent == exists {
			t.Fatalf("%s: exists = %v", p, exists)
		}
		got.Records = append(got.Records, proofRecord{Path: p, Key: hex.EncodeToString(res.Key), Value: hex.EncodeToString(res.Value),
			Exists: exists, OpType: op.Type, Proof: hex.EncodeToString(op.Data)})
	}
	out, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, '\n')
	if *update {
		if err := os.WriteFile(vectorsFile, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Fatalf("proofs differ from %s: the tree, keys, encoding or state machine changed (rerun with -update if deliberate)", vectorsFile)
	}
}

// TestQueryProveAndHeight checks the proven query's edges: a list path,
// a bad path and a height the node does not hold are refused with
// CodeInvalid; a past height answers that height's record and proof,
// which verify against that block's app hash and not the latest.
func TestQueryProveAndHeight(t *testing.T) {
	s := newSim(t, 2, 4)
	ctx := context.Background()
	hashes := map[int64][]byte{}
	for i := 0; i < 6; i++ {
		s.step()
		info, _ := s.replicas[0].Info(ctx, &abci.RequestInfo{})
		hashes[info.LastBlockHeight] = info.LastBlockAppHash
	}
	a := s.replicas[0]
	for _, tc := range []struct {
		path   string
		height int64
		code   uint32
	}{
		{"validators", 0, uint32(state.CodeInvalid)},
		{"round/x", 0, uint32(state.CodeInvalid)},
		{"meta", 7, uint32(state.CodeInvalid)},
		{"meta", -1, uint32(state.CodeInvalid)},
		{"meta", 0, 0},
		{"meta", 3, 0},
	} {
		res, err := a.Query(ctx, &abci.RequestQuery{Path: tc.path, Height: tc.height, Prove: true})
		if err != nil || res.Code != tc.code {
			t.Fatalf("%s at %d: code %d (%v, %s), want %d", tc.path, tc.height, res.GetCode(), err, res.GetLog(), tc.code)
		}
	}
	for h := int64(1); h <= 6; h++ {
		res, _ := a.Query(ctx, &abci.RequestQuery{Path: "meta", Height: h, Prove: true})
		var proof ics23.CommitmentProof
		if err := proof.Unmarshal(res.ProofOps.Ops[0].Data); err != nil {
			t.Fatal(err)
		}
		if res.Height != h || !ics23.VerifyMembership(ics23.IavlSpec, hashes[h], &proof, res.Key, res.Value) {
			t.Fatalf("meta at %d: answered height %d, proof does not verify against %x", h, res.Height, hashes[h])
		}
		if h < 6 && ics23.VerifyMembership(ics23.IavlSpec, hashes[6], &proof, res.Key, res.Value) {
			t.Fatalf("meta at %d verifies against the app hash of 6", h)
		}
		// the JSON paths answer at a height too
		if res, _ := a.Query(ctx, &abci.RequestQuery{Path: "params", Height: h}); res.Code != 0 || res.Height != h {
			t.Fatalf("params at %d: code %d height %d", h, res.Code, res.Height)
		}
	}
}
