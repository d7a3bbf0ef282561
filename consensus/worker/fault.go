package worker

import (
	"fmt"
	"strings"
)

// Fault is a deliberate misbehaviour for tests and the devnet. The zero
// value, FaultNone, is honest.
type Fault uint8

// Faults.
const (
	FaultNone        Fault = iota
	FaultWrongOutput       // commit and reveal a different output than the validator produced
	FaultNoReveal          // commit but never reveal
	FaultNoCommit          // run jobs but never commit
)

var faultNames = []string{"none", "wrong-output", "no-reveal", "no-commit"}

// String returns the fault's flag name.
func (f Fault) String() string {
	if int(f) < len(faultNames) {
		return faultNames[f]
	}
	return fmt.Sprintf("fault(%d)", f)
}

// ParseFault parses a --fault value; "" is FaultNone.
func ParseFault(s string) (Fault, error) {
	if s == "" {
		return FaultNone, nil
	}
	for i, n := range faultNames {
		if s == n {
			return Fault(i), nil
		}
	}
	return 0, fmt.Errorf("worker: unknown fault %q (want %s)", s, strings.Join(faultNames, ", "))
}

// wrongOutput alters an output so that its CID differs.
func wrongOutput(out []byte) []byte {
	return append(append([]byte(nil), out...), "\n# assay fault: wrong-output\n"...)
}
