package conformance

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/sandbox"
)

var update = flag.Bool("update", false, "rewrite runtime/testdata/golden.json from this run")

const (
	corpusDir  = "../testdata"
	goldenPath = "../testdata/golden.json"
)

var engines = []sandbox.Engine{sandbox.EngineCompiler, sandbox.EngineInterpreter}

// runtimes returns one fresh sandbox per engine.
func runtimes(t *testing.T) map[sandbox.Engine]*sandbox.Runtime {
	t.Helper()
	ctx := context.Background()
	out := map[sandbox.Engine]*sandbox.Runtime{}
	for _, e := range engines {
		rt, err := sandbox.New(ctx, sandbox.Config{Engine: e})
		if err != nil {
			t.Fatalf("sandbox.New(%s): %v", e, err)
		}
		t.Cleanup(func() { _ = rt.Close(ctx) })
		out[e] = rt
	}
	return out
}

// TestCorpus runs every case under both engines, twice each in fresh
// instances, and checks the documented verdict, that all four runs agree
// byte for byte and gas for gas (determinism), and the golden gas/output.
func TestCorpus(t *testing.T) {
	rts := runtimes(t)
	golden, err := LoadGolden(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string]Outcome{}
	t.Run("cases", func(t *testing.T) {
		for _, c := range Corpus() {
			t.Run(c.Name, func(t *testing.T) {
				t.Parallel()
				o := runCorpusCase(t, rts, c)
				mu.Lock()
				got[c.Name] = o
				mu.Unlock()
				if !*update && golden[c.Name] != o {
					t.Errorf("outcome %+v, golden %+v (go test ./runtime/conformance -run TestCorpus -update)", o, golden[c.Name])
				}
			})
		}
	})
	if *update && !t.Failed() {
		if err := SaveGolden(goldenPath, got); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d cases)", goldenPath, len(got))
	}
}

func runCorpusCase(t *testing.T, rts map[sandbox.Engine]*sandbox.Runtime, c Case) Outcome {
	wasm, err := os.ReadFile(filepath.Join(corpusDir, c.File))
	if err != nil {
		t.Fatal(err)
	}
	if c.Reject != nil {
		return checkRejected(t, rts, c, wasm)
	}
	var first Outcome
	for i, e := range engines {
		for run := 0; run < 2; run++ {
			res, err := RunCase(context.Background(), rts[e], corpusDir, c, c.GasLimit())
			if err != nil {
				t.Fatal(err)
			}
			o := ResultOutcome(res)
			if i == 0 && run == 0 {
				first = o
				checkVerdict(t, c, res)
			} else if o != first {
				t.Errorf("%s run %d: %+v, first run (compiler) %+v", e, run, o, first)
			}
		}
	}
	return first
}

func checkVerdict(t *testing.T, c Case, res sandbox.Result) {
	t.Helper()
	if res.Status != c.Status || res.Kind != c.Kind {
		t.Errorf("verdict %s %q (reason %q, err %v), documented %s %q", res.Status, res.Kind, res.Reason, res.Err, c.Status, c.Kind)
	}
	if res.Kind == abi.KindOutOfGas && res.GasUsed != c.GasLimit() {
		t.Errorf("out_of_gas used %d gas, want the limit %d", res.GasUsed, c.GasLimit())
	}
}

// checkRejected needs both meter.Check and sandbox Store to refuse the
// module with the documented kind.
func checkRejected(t *testing.T, rts map[sandbox.Engine]*sandbox.Runtime, c Case, wasm []byte) Outcome {
	_, err := meter.Check(wasm, meter.DefaultLimits())
	if !errors.Is(err, c.Reject) {
		t.Errorf("meter.Check: %v, want %v", err, c.Reject)
	}
	if err == nil {
		return Outcome{Status: "STORED"}
	}
	if _, serr := rts[sandbox.EngineCompiler].Store(context.Background(), wasm); !errors.Is(serr, c.Reject) {
		t.Errorf("sandbox Store: %v, want %v", serr, c.Reject)
	}
	return Outcome{Status: StoreRejected, Kind: err.Error()}
}

// TestCorpusExactLimit runs every ACCEPTED case with the limit set to the
// gas it uses (ACCEPTED, all gas used) and one less (FAILED out_of_gas),
// on both engines.
func TestCorpusExactLimit(t *testing.T) {
	rts := runtimes(t)
	ctx := context.Background()
	for _, c := range Corpus() {
		if c.Reject != nil || c.Status != abi.StatusAccepted {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			res, err := RunCase(ctx, rts[sandbox.EngineCompiler], corpusDir, c, c.GasLimit())
			if err != nil || res.Status != abi.StatusAccepted {
				t.Fatalf("baseline run: %v %s %s", err, res.Status, res.Kind)
			}
			used := res.GasUsed
			for _, e := range engines {
				at, _ := RunCase(ctx, rts[e], corpusDir, c, used)
				if at.Status != abi.StatusAccepted || at.GasUsed != used {
					t.Errorf("%s limit %d: %s %s used %d, want ACCEPTED using all", e, used, at.Status, at.Kind, at.GasUsed)
				}
				below, _ := RunCase(ctx, rts[e], corpusDir, c, used-1)
				if below.Kind != abi.KindOutOfGas || below.GasUsed != used-1 {
					t.Errorf("%s limit %d: %s %s used %d, want out_of_gas", e, used-1, below.Status, below.Kind, below.GasUsed)
				}
			}
		})
	}
}

// TestCorpusComplete needs every module in runtime/testdata to be used by
// a case, and every case's module to have its .wat source (or generator).
func TestCorpusComplete(t *testing.T) {
	used := map[string]bool{}
	for _, c := range Corpus() {
		used[c.File] = true
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	generated := map[string]bool{}
	for _, f := range generatedModules {
		generated[f] = true
	}
	for _, f := range files {
		base := filepath.Base(f)
		if !used[base] {
			t.Errorf("%s is in no corpus case", base)
		}
		if _, err := os.Stat(strings.TrimSuffix(f, ".wasm") + ".wat"); err != nil && !generated[base] {
			t.Errorf("%s has no .wat source", base)
		}
	}
	for f := range used {
		if _, err := os.Stat(filepath.Join(corpusDir, f)); err != nil {
			t.Errorf("case module %s: %v", f, err)
		}
	}
}

// TestCorpusCapsStore stores the at-the-cap modules in fresh runtimes (no
// cache) and logs how long checking, rewriting and compiling took on each
// engine: the cost a hostile but legal module imposes on every node. It
// asserts no time; the numbers go in the README.
func TestCorpusCapsStore(t *testing.T) {
	ctx := context.Background()
	for _, f := range []string{"nesting_cap.wasm", "brtable_cap.wasm", "locals_cap.wasm"} {
		wasm, err := os.ReadFile(filepath.Join(corpusDir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range engines {
			rt, err := sandbox.New(ctx, sandbox.Config{Engine: e})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = rt.Store(ctx, wasm)
			took := time.Since(start)
			_ = rt.Close(ctx)
			if err != nil {
				t.Fatalf("%s: store %s: %v", e, f, err)
			}
			t.Logf("%s (%d bytes) stored on the %s in %v", f, len(wasm), e, took)
		}
	}
}
