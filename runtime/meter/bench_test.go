package meter_test

import (
	"context"
	_ "embed"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
)

// bench.wasm is built with: wat2wasm testdata/bench.wat -o testdata/bench.wasm
//
//go:embed testdata/bench.wasm
var benchWasm []byte

// BenchmarkMetered runs each workload unmetered (the yardstick) and
// metered in the same benchmark and reports the slowdown ratio.
func BenchmarkMetered(b *testing.B) {
	metered, _, err := meter.Instrument(benchWasm, meter.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range engines {
		for _, w := range []struct {
			fn  string
			arg uint64
		}{{"loop", 1_000_000}, {"collatz", 3000}, {"fib", 25}} {
			b.Run(e.name+"/"+w.fn, func(b *testing.B) {
				plain := newInstance(b, e, benchWasm)
				instr := newInstance(b, e, metered)
				gas := instr.ExportedGlobal(abi.GlobalGas).(api.MutableGlobal)
				fPlain, fInstr := plain.ExportedFunction(w.fn), instr.ExportedFunction(w.fn)
				ctx := context.Background()
				var tPlain, tInstr time.Duration
				for b.Loop() {
					start := time.Now()
					if _, err := fPlain.Call(ctx, w.arg); err != nil {
						b.Fatal(err)
					}
					tPlain += time.Since(start)
					gas.Set(1 << 62)
					start = time.Now()
					if _, err := fInstr.Call(ctx, w.arg); err != nil {
						b.Fatal(err)
					}
					tInstr += time.Since(start)
				}
				b.ReportMetric(float64(tInstr)/float64(tPlain), "metered/unmetered")
				b.ReportMetric(float64(1<<62-int64(gas.Get())), "gas/op")
			})
		}
	}
}

func newInstance(b *testing.B, e engine, wasm []byte) api.Module {
	ctx := context.Background()
	feats := api.CoreFeaturesV2.SetEnabled(api.CoreFeatureSIMD, false)
	rt := wazero.NewRuntimeWithConfig(ctx, e.cfg().WithCoreFeatures(feats))
	b.Cleanup(func() { rt.Close(ctx) })
	mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		b.Fatal(err)
	}
	return mod
}

// BenchmarkInstrument measures the store-time rewrite of a module.
func BenchmarkInstrument(b *testing.B) {
	b.SetBytes(int64(len(benchWasm)))
	for b.Loop() {
		if _, _, err := meter.Instrument(benchWasm, meter.DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}
