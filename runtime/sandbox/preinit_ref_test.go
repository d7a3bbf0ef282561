package sandbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/conformance"
	"github.com/assaynet/assay/runtime/sandbox"
	"github.com/assaynet/assay/sdk/fixture"
)

// referencePrograms are the reference validator programs: committed module
// and fixture directory, relative to this package.
var referencePrograms = []referenceProgram{
	{"csv", "../../validators/csv/csv.wasm", "../../validators/csv/testdata"},
	{"ethblock", "../../validators/ethblock/ethblock.wasm", "../../validators/ethblock/testdata"},
	{"jsoncanon", "../../validators/jsoncanon/jsoncanon.wasm", "../../validators/jsoncanon/testdata"},
	{"ohlcv", "../../validators/ohlcv/ohlcv.wasm", "../../validators/ohlcv/testdata"},
	{"jsonfields", "../../examples/jsonfields/module/jsonfields.wasm", "../../examples/jsonfields/testdata"},
}

// referenceProgram is a reference validator program: its module and its
// fixture directory.
type referenceProgram struct{ name, wasm, fixtures string }

// load reads p's module and fixtures.
func (p referenceProgram) load(t *testing.T) ([]byte, []fixture.Fixture) {
	t.Helper()
	wasm, err := os.ReadFile(p.wasm)
	if err != nil {
		t.Fatal(err)
	}
	fxs, err := fixture.Load(p.fixtures)
	if err != nil {
		t.Fatal(err)
	}
	return wasm, fxs
}

var bothEngines = []sandbox.Engine{sandbox.EngineCompiler, sandbox.EngineInterpreter}

// interpreterGas: fixtures dearer than this on the compiler are not rerun
// on the interpreter (a hostile 100M-gas input takes seconds there; the
// corpus and the cheaper fixtures cover the engines' agreement).
const interpreterGas = 10_000_000

// fourRuntimes returns, per engine, a runtime with pre-initialization and
// one without.
func fourRuntimes(t *testing.T) (pre, old map[sandbox.Engine]*sandbox.Runtime) {
	t.Helper()
	ctx := context.Background()
	pre, old = map[sandbox.Engine]*sandbox.Runtime{}, map[sandbox.Engine]*sandbox.Runtime{}
	for _, eng := range bothEngines {
		for _, on := range []bool{true, false} {
			rt, err := sandbox.New(ctx, sandbox.Config{Engine: eng, CacheDir: sandbox.SharedTestCacheDir()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = rt.Close(ctx) })
			sandbox.SetPreinit(rt, on)
			if on {
				pre[eng] = rt
			} else {
				old[eng] = rt
			}
		}
	}
	return pre, old
}

func store(t *testing.T, rt *sandbox.Runtime, wasm []byte) *sandbox.Code {
	t.Helper()
	c, err := rt.Store(context.Background(), wasm)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func show(r sandbox.Result) string {
	return fmt.Sprintf("%v %s gas %d output %q", r.Status, r.Kind, r.GasUsed, r.Output)
}

// TestPreinitReferencePrograms: every fixture of every reference validator
// program gives the same status, output and kind with the pre-initialized
// image as re-running _initialize in each job, on both engines; with the
// image, gas is identical on both engines and never more than before.
func TestPreinitReferencePrograms(t *testing.T) {
	pre, old := fourRuntimes(t)
	ctx := context.Background()
	for _, p := range referencePrograms {
		t.Run(p.name, func(t *testing.T) {
			wasm, fxs := p.load(t)
			codes := map[*sandbox.Runtime]*sandbox.Code{}
			for _, eng := range bothEngines {
				codes[pre[eng]], codes[old[eng]] = store(t, pre[eng], wasm), store(t, old[eng], wasm)
				if !codes[pre[eng]].Preinitialized {
					t.Fatalf("%v: not pre-initialized", eng)
				}
			}
			for _, f := range fxs {
				job := sandbox.Job{Source: "fixture/" + f.Name, Input: f.Input, Params: f.Params,
					Height: f.Expect.Height, Time: f.Expect.TimeNanos, GasLimit: fixture.DefaultGasLimit}
				var first sandbox.Result
				for i, eng := range bothEngines {
					if i > 0 && first.GasUsed > interpreterGas {
						continue
					}
					a := pre[eng].Run(ctx, codes[pre[eng]], job)
					b := old[eng].Run(ctx, codes[old[eng]], job)
					if a.Status == abi.StatusUnavailable || a.Status != b.Status || string(a.Output) != string(b.Output) || a.Kind != b.Kind {
						t.Fatalf("%s %v: pre-initialized %s, per-job _initialize %s", f.Name, eng, show(a), show(b))
					}
					if a.GasUsed > b.GasUsed {
						t.Errorf("%s %v: gas %d pre-initialized > %d", f.Name, eng, a.GasUsed, b.GasUsed)
					}
					if i == 0 {
						first = a
					} else if a.GasUsed != first.GasUsed {
						t.Errorf("%s: gas %d on %v, %d on the compiler", f.Name, a.GasUsed, eng, first.GasUsed)
					}
				}
			}
		})
	}
}

// TestPreinitCorpus: the conformance corpus gives the same outcome, gas
// included, with and without pre-initialization on both engines (no
// corpus module exports _initialize: the image must not change them).
func TestPreinitCorpus(t *testing.T) {
	pre, old := fourRuntimes(t)
	ctx := context.Background()
	dir := filepath.Join("..", "testdata")
	for _, c := range conformance.Corpus() {
		if c.Gas > 10_000_000 {
			continue // the long loops add seconds and no new shape
		}
		for _, eng := range bothEngines {
			a, errA := conformance.RunCase(ctx, pre[eng], dir, c, c.GasLimit())
			b, errB := conformance.RunCase(ctx, old[eng], dir, c, c.GasLimit())
			if (errA == nil) != (errB == nil) {
				t.Fatalf("%s %v: store %v / %v", c.Name, eng, errA, errB)
			}
			if errA == nil && conformance.ResultOutcome(a) != conformance.ResultOutcome(b) {
				t.Errorf("%s %v: pre-initialization %+v, without %+v", c.Name, eng, conformance.ResultOutcome(a), conformance.ResultOutcome(b))
			}
		}
	}
}

// TestOneGasNumber: for the same code, input and params, a reference
// validator program's gas does not depend on the source id or the height
// (the Go runtime's hash seeds come from random_get during
// pre-initialization, not from the job's stream), on both engines.
func TestOneGasNumber(t *testing.T) {
	pre, _ := fourRuntimes(t)
	if os.Getenv("ASSAY_ONEGAS_OFF") != "" { // shows the test failing without pre-initialization
		for _, rt := range pre {
			sandbox.SetPreinit(rt, false)
		}
	}
	ctx := context.Background()
	rounds := []struct {
		source string
		height int64
	}{{"fixture/x", 1}, {"prices/eth-usd", 2}, {"s", 1_000_003}, {"", 77}}
	for _, p := range referencePrograms {
		t.Run(p.name, func(t *testing.T) {
			wasm, fxs := p.load(t)
			for _, f := range fxs[:min(len(fxs), 4)] {
				var want uint64
				for i, eng := range bothEngines {
					code := store(t, pre[eng], wasm)
					if i > 0 && want > interpreterGas {
						continue
					}
					for j, r := range rounds {
						job := sandbox.Job{Source: r.source, Height: r.height, Input: f.Input, Params: f.Params,
							Time: f.Expect.TimeNanos, GasLimit: fixture.DefaultGasLimit}
						res := pre[eng].Run(ctx, code, job)
						if i == 0 && j == 0 {
							want = res.GasUsed
						} else if res.GasUsed != want {
							t.Errorf("%s %v source %q height %d: gas %d, want %d", f.Name, eng, r.source, r.height, res.GasUsed, want)
						}
					}
				}
			}
		})
	}
}
