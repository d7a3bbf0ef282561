package conformance

import (
	"context"
	"testing"

	"github.com/assaynet/assay/runtime/meter"
)

// genGas is the gas of a generated module's run: enough for most of them
// to finish, so the comparison with the original goes to the end.
const genGas = 1_000_000

// FuzzRewriteSemantics generates valid modules (GenModule)
// and needs: the meter accepts them; wazero compiles original and
// rewritten; both engines give the same transcript (NaN bits included);
// the rewritten module behaves exactly like the original until a rewriter
// limit stops it (for float-free modules: NaN bits differ by design); and
// a run that finished with gas used G finishes identically with limit G
// and runs out of gas with limit G - 1.
func FuzzRewriteSemantics(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 4, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte{0, 3, 4, 3, 7, 2, 6, 1, 5, 3, 8, 9, 4, 4, 4, 4, 7, 7, 7, 2, 2, 2, 5, 5, 5, 6, 6, 6})
	f.Fuzz(func(t *testing.T, data []byte) {
		wasm, floats := GenModule(data)
		out, _, err := meter.Instrument(wasm, FuzzLimits())
		if err != nil {
			t.Fatalf("meter rejects a generated module: %v", err)
		}
		ps := sharedProbers(t)
		ctx := context.Background()
		if err := ps[0].Validate(ctx, wasm, out); err != nil {
			t.Fatalf("generated module: %v", err)
		}
		var got [2]Transcript
		for i, p := range ps {
			if got[i], err = p.ProbeWithGas(ctx, out, ProbeTimeout, genGas); err != nil {
				t.Fatal(err)
			}
		}
		if got[0].String() != got[1].String() {
			t.Fatalf("engines disagree:\ncompiler:\n%s\ninterpreter:\n%s", got[0], got[1])
		}
		orig, err := ps[1].ProbeOriginal(ctx, wasm, OriginalTimeout)
		if err != nil {
			t.Fatal(err)
		}
		if err := SameBehaviour(orig, got[1], floats); err != nil {
			t.Fatalf("%v\noriginal:\n%s\ninstrumented:\n%s", err, orig, got[1])
		}
		checkExactLimit(t, ps[0], out, got[0])
	})
}

// checkExactLimit reruns a run that ended on its own with its exact gas
// use, then with one less.
func checkExactLimit(t *testing.T, p *Prober, out []byte, first Transcript) {
	t.Helper()
	if len(first.Calls) != 1 || first.Calls[0].Halted() || first.Calls[0].TimedOut {
		return
	}
	used := genGas - first.Calls[0].Gas
	ctx := context.Background()
	at, err := p.ProbeWithGas(ctx, out, ProbeTimeout, used)
	if err != nil {
		t.Fatal(err)
	}
	c := at.Calls[0]
	if c.Gas != 0 || c.Trap != first.Calls[0].Trap || !equalU64(c.Results, first.Calls[0].Results) {
		t.Fatalf("limit = used (%d): %+v, first run %+v", used, c, first.Calls[0])
	}
	below, err := p.ProbeWithGas(ctx, out, ProbeTimeout, used-1)
	if err != nil {
		t.Fatal(err)
	}
	if below.Calls[0].Gas >= 0 {
		t.Fatalf("limit = used - 1 (%d): %+v, want out of gas", used-1, below.Calls[0])
	}
}
