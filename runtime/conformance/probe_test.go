package conformance

import (
	"errors"
	"testing"
)

func TestSameBehaviour(t *testing.T) {
	ok := func(res ...uint64) Call { return Call{Name: "f", Results: res, Trap: "ok", Metered: true, Gas: 5} }
	tr := func(cs ...Call) Transcript { return Transcript{Instantiate: "ok", Calls: cs} }
	halted := ok()
	halted.Gas = -1
	limited := ok()
	limited.Trap, limited.Limited = "wasm error: unreachable", true
	timedOut := Call{Name: "f", TimedOut: true, Trap: "error"}
	overflow := Call{Name: "f", Trap: "wasm error: stack overflow"}
	trapped := ok()
	trapped.Trap = "wasm error: integer divide by zero"
	tests := []struct {
		name       string
		orig, inst Transcript
		nan        bool
		wantErr    bool
	}{
		{"same", tr(ok(1), ok(2)), tr(ok(1), ok(2)), false, false},
		{"different result", tr(ok(1)), tr(ok(2)), false, true},
		{"different result, NaN possible", tr(ok(1)), tr(ok(2)), true, false},
		{"different trap", tr(ok(1)), tr(trapped), false, true},
		{"out of gas ends the comparison", tr(ok(1), ok(3)), tr(halted, ok(4)), false, false},
		{"depth or memory limit ends it", tr(ok(1)), tr(limited), false, false},
		{"original timed out", tr(timedOut, ok(1)), tr(ok(2), ok(3)), false, false},
		{"original overflowed the stack", tr(overflow), tr(ok(2)), false, false},
		{"difference before a halt", tr(ok(1), ok(1)), tr(ok(2), halted), false, true},
		{"missing call", tr(ok(1), ok(1)), tr(ok(1)), false, true},
		{"instantiate differs", Transcript{Instantiate: "wasm error: out of bounds memory access"}, tr(), false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := SameBehaviour(tc.orig, tc.inst, tc.nan)
			if (err != nil) != tc.wantErr || (err != nil && !errors.Is(err, ErrSemantics)) {
				t.Errorf("SameBehaviour = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}

func TestMayMakeNaN(t *testing.T) {
	if MayMakeNaN([]byte{0x00, 0x61, 0x20, 0x6a}) {
		t.Error("integer-only bytes flagged")
	}
	for _, op := range []byte{0x92, 0xa0, 0x91, 0xb6, 0xbb} {
		if !MayMakeNaN([]byte{0x20, op}) {
			t.Errorf("opcode %#x not flagged", op)
		}
	}
}
