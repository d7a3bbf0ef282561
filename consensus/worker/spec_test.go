package worker

import (
	"encoding/json"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
)

func TestFetchSpecRoundTrip(t *testing.T) {
	cases := []struct {
		name, config string
		wantErr      bool
	}{
		{"url", `{"url":"http://127.0.0.1/{{height}}"}`, false},
		{"nested", `{"headers":{"Accept":"application/json"},"method":"GET","url":"http://x/"}`, false},
		{"array", `{"urls":["a","b"]}`, false},
		{"not object", `["a"]`, true},
		{"bad template", `{"url":"http://x/{{nope}}"}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kvs, err := ConfigOf(json.RawMessage(tc.config))
			if err == nil {
				var spec = struct{ Config []byte }{}
				s, ferr := FetchSpecOf(&pb.FetchSpec{Kind: "http", Config: kvs})
				spec.Config, err = s.Config, ferr
				if err == nil && string(spec.Config) != tc.config {
					t.Errorf("round trip: %s, want %s", spec.Config, tc.config)
				}
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
}

func TestParseFault(t *testing.T) {
	for _, f := range []Fault{FaultNone, FaultWrongOutput, FaultNoReveal, FaultNoCommit} {
		g, err := ParseFault(f.String())
		if err != nil || g != f {
			t.Errorf("%v: %v %v", f, g, err)
		}
	}
	if _, err := ParseFault("evil"); err == nil {
		t.Error("unknown fault accepted")
	}
}

func TestExpectedSequence(t *testing.T) {
	cases := []struct {
		log  string
		want uint64
		ok   bool
	}{
		{"sequence 3, expected 5", 5, true},
		{"sequence 3, expected x", 0, false},
		{"signature does not verify", 0, false},
	}
	for _, tc := range cases {
		got, ok := expectedSequence(tc.log)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %d %v", tc.log, got, ok)
		}
	}
}
