package worker

import (
	"encoding/hex"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// FuzzDecodeRounds feeds arbitrary node answers to the round decoder the
// worker uses (state's decoder, then openRounds): it must return rounds
// or an error, never panic.
func FuzzDecodeRounds(f *testing.F) {
	f.Add([]byte(`[{"source":"s","height":3,"phase":"COMMIT","commit_end":7,"assignees":[{"operator":"00","commit":"","verdict":null}],"spec":{"fetch_kind":"http","fetch_config":[["url","http://x/"]],"params":"","every":2}}]`), "00")
	f.Add([]byte(`[{"phase":"REVEAL","assignees":[{"operator":"zz","commit":"0g"}],"spec":{"params":"***"}}]`), "zz")
	f.Add([]byte(`{}`), "")
	f.Fuzz(func(t *testing.T, b []byte, op string) {
		views, err := state.Decode[[]state.RoundView](b)
		if err != nil {
			return
		}
		opb, _ := hex.DecodeString(op)
		rounds, err := openRounds(views, opb)
		if err != nil {
			return
		}
		for _, r := range rounds {
			if r.Phase != pb.Phase_PHASE_COMMIT && r.Phase != pb.Phase_PHASE_REVEAL {
				t.Fatalf("closed round kept: %v", r.Phase)
			}
		}
	})
}
