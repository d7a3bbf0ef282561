package store_test

// This file checks the golden proofs of consensus/testdata with the
// ics23 library's own verification alone: it imports no Assay package,
// as an outside verifier would not.

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	ics23 "github.com/cosmos/ics23/go"
)

// TestGoldenProofsIndependently verifies every record of
// proof_vectors.json (membership or non-membership) against its app hash
// with ics23.IavlSpec, and checks that a changed value, key or app hash
// makes each proof fail.
func TestGoldenProofsIndependently(t *testing.T) {
	raw, err := os.ReadFile("../testdata/proof_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		AppHash string `json:"app_hash"`
		Records []struct {
			Path   string `json:"path"`
			Key    string `json:"key"`
			Value  string `json:"value"`
			Exists bool   `json:"exists"`
			OpType string `json:"op_type"`
			Proof  string `json:"proof"`
		} `json:"records"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	root := unhex(t, v.AppHash)
	other := append([]byte(nil), root...)
	other[0] ^= 1
	present, absent := 0, 0
	for _, r := range v.Records {
		if r.OpType != "ics23:iavl" {
			t.Fatalf("%s: op type %q", r.Path, r.OpType)
		}
		key, val := unhex(t, r.Key), unhex(t, r.Value)
		var p ics23.CommitmentProof
		if err := p.Unmarshal(unhex(t, r.Proof)); err != nil {
			t.Fatalf("%s: %v", r.Path, err)
		}
		verify := func(root, key, val []byte) bool {
			if r.Exists {
				return ics23.VerifyMembership(ics23.IavlSpec, root, &p, key, val)
			}
			return ics23.VerifyNonMembership(ics23.IavlSpec, root, &p, key)
		}
		if !verify(root, key, val) {
			t.Fatalf("%s: proof does not verify against %s", r.Path, v.AppHash)
		}
		if verify(other, key, val) {
			t.Fatalf("%s: proof verifies against a changed app hash", r.Path)
		}
		changed := append(key, 0) // a non-membership proof holds for any key in its gap: use a neighbour's
		if ne := p.GetNonexist(); ne != nil && ne.Left != nil {
			changed = ne.Left.Key
		} else if ne != nil && ne.Right != nil {
			changed = ne.Right.Key
		}
		if verify(root, changed, val) {
			t.Fatalf("%s: proof verifies for another key %x", r.Path, changed)
		}
		if r.Exists {
			present++
			bad := append([]byte(nil), val...)
			bad[len(bad)-1] ^= 1
			if verify(root, key, bad) {
				t.Fatalf("%s: proof verifies a changed value", r.Path)
			}
		} else {
			absent++
		}
	}
	if present < 6 || absent < 1 {
		t.Fatalf("%d present and %d absent records, want at least 6 and 1", present, absent)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
