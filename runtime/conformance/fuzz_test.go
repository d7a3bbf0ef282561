package conformance

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/assaynet/assay/runtime/meter"
)

var (
	probersOnce sync.Once
	probers     [2]*Prober
	probersErr  error
)

// sharedProbers returns a compiler and an interpreter Prober kept for the
// whole test binary (a runtime per input would dominate the fuzz loop).
func sharedProbers(t testing.TB) [2]*Prober {
	probersOnce.Do(func() {
		for i := range probers {
			if probers[i], probersErr = NewProber(context.Background(), i == 1); probersErr != nil {
				return
			}
		}
	})
	if probersErr != nil {
		t.Fatal(probersErr)
	}
	return probers
}

var meterSentinels = []error{meter.ErrMalformed, meter.ErrInvalid, meter.ErrLimit,
	meter.ErrForbidden, meter.ErrImport, meter.ErrExport}

// FuzzInstrument: any bytes give either a clean rejection from the meter
// (a *meter.Error of a known kind), or a module that wazero refuses both
// before and after the rewrite (the meter does not repeat every rule of
// wazero's module validation: e.g. alignment, memory presence, operand types), or
// a module that wazero compiles and whose exported nullary functions, run
// with a small gas budget, end in bounded time with the same transcript on
// the compiler and the interpreter, and behave as the original module does
// until a rewriter limit stops them. The rewrite must never turn a module
// wazero accepts into one it refuses, or the reverse.
func FuzzInstrument(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(corpusDir, "*.wasm"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 4096 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, wasm []byte) {
		out, _, err := meter.Instrument(wasm, FuzzLimits())
		if err != nil {
			checkCleanRejection(t, err)
			return
		}
		ps := sharedProbers(t)
		ctx := context.Background()
		if err := ps[0].Validate(ctx, wasm, out); errors.Is(err, ErrWazeroRejects) {
			return
		} else if err != nil {
			t.Fatal(err)
		}
		var got [2]Transcript
		for i, p := range ps {
			if got[i], err = p.Probe(ctx, out, ProbeTimeout); err != nil {
				t.Fatalf("engine %d: %v", i, err)
			}
			for _, c := range got[i].Calls {
				if c.TimedOut {
					t.Fatalf("engine %d: %q did not end within %v on %d gas", i, c.Name, ProbeTimeout, ProbeGas)
				}
			}
		}
		if got[0].String() != got[1].String() {
			t.Fatalf("engines disagree:\ncompiler:\n%s\ninterpreter:\n%s", got[0], got[1])
		}
		orig, err := ps[1].ProbeOriginal(ctx, wasm, OriginalTimeout)
		if err != nil {
			t.Fatalf("original: %v", err)
		}
		if err := SameBehaviour(orig, got[1], MayMakeNaN(wasm)); err != nil {
			t.Fatalf("%v\noriginal:\n%s\ninstrumented:\n%s", err, orig, got[1])
		}
	})
}

func checkCleanRejection(t *testing.T, err error) {
	t.Helper()
	var me *meter.Error
	if !errors.As(err, &me) {
		t.Fatalf("rejection %v (%T) is not a *meter.Error", err, err)
	}
	for _, s := range meterSentinels {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("rejection %v matches no meter sentinel", err)
}
