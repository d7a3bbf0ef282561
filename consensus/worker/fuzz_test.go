package worker

import (
	"encoding/json"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
)

// FuzzDecodeRounds feeds arbitrary node answers to the round decoder: it
// must return rounds or an error, never panic.
func FuzzDecodeRounds(f *testing.F) {
	f.Add([]byte(`[{"source":"s","height":3,"phase":"COMMIT","commit_end":7,"assignees":[{"operator":"00","commit":"","verdict":null}],"spec":{"fetch_kind":"http","fetch_config":[["url","http://x/"]],"params":"","every":2}}]`), "00")
	f.Add([]byte(`[{"phase":"REVEAL","assignees":[{"operator":"zz","commit":"0g"}],"spec":{"params":"***"}}]`), "zz")
	f.Add([]byte(`{}`), "")
	f.Fuzz(func(t *testing.T, b []byte, op string) {
		rounds, err := decodeRounds(b, op)
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

// FuzzConfigRoundTrip checks that a fetch config that survives ConfigOf
// and FetchSpecOf is a valid JSON object.
func FuzzConfigRoundTrip(f *testing.F) {
	f.Add([]byte(`{"url":"http://127.0.0.1/{{height}}"}`))
	f.Add([]byte(`{"headers":{"a":"b"},"n":1,"l":[1,2]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		kvs, err := ConfigOf(b)
		if err != nil {
			return
		}
		spec, err := FetchSpecOf(&pb.FetchSpec{Kind: "http", Config: kvs})
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(spec.Config, &m); err != nil {
			t.Fatalf("config %q is not a JSON object: %v", spec.Config, err)
		}
	})
}
