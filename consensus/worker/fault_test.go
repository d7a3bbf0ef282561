package worker

import "testing"

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
