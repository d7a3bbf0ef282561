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
