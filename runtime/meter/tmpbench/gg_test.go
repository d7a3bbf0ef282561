package tmpbench

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/assaynet/assay/runtime/meter"
)

var input []byte

func init() {
	var v []map[string]any
	for i := 0; i < 2000; i++ {
		v = append(v, map[string]any{"id": i, "name": "item", "price": float64(i) * 1.5, "tags": []string{"a", "b"}})
	}
	input, _ = json.Marshal(v)
}

func setup(b *testing.B, cfg wazero.RuntimeConfig, wasm []byte) (api.Module, wazero.Runtime) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, cfg.WithCoreFeatures(api.CoreFeaturesV2.SetEnabled(api.CoreFeatureSIMD, false)))
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	rt.NewHostModuleBuilder("assay").
		NewFunctionBuilder().WithFunc(func() int32 { return int32(len(input)) }).Export("input_len").
		NewFunctionBuilder().WithFunc(func(ctx context.Context, m api.Module, dst, off, n int32) int32 {
		m.Memory().Write(uint32(dst), input[off:off+n])
		return n
	}).Export("input_read").
		NewFunctionBuilder().WithFunc(func(dst, n int32) {}).Export("output_write").
		Instantiate(ctx)
	cm, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		b.Fatal(err)
	}
	_ = cm
	return nil, rt
}

func BenchmarkGoGuest(b *testing.B) {
	wasm, err := os.ReadFile("/tmp/gg/gg.wasm")
	if err != nil {
		b.Skip(err)
	}
	metered, _, err := meter.Instrument(wasm, meter.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		cfg  func() wazero.RuntimeConfig
	}{{"compiler", wazero.NewRuntimeConfigCompiler}, {"interp", wazero.NewRuntimeConfigInterpreter}} {
		b.Run(c.name, func(b *testing.B) {
			_, rtP := setup(b, c.cfg(), wasm)
			_, rtM := setup(b, c.cfg(), metered)
			cp, _ := rtP.CompileModule(ctx, wasm)
			cmm, _ := rtM.CompileModule(ctx, metered)
			var tp, tm time.Duration
			var gasUsed uint64
			for b.Loop() {
				s := time.Now()
				m, err := rtP.InstantiateModule(ctx, cp, wazero.NewModuleConfig().WithStartFunctions().WithName(""))
				if err != nil {
					b.Fatal(err)
				}
				m.ExportedFunction("_initialize").Call(ctx)
				if _, err := m.ExportedFunction("validate").Call(ctx); err != nil {
					b.Fatal(err)
				}
				tp += time.Since(s)
				m.Close(ctx)
				s = time.Now()
				m, err = rtM.InstantiateModule(ctx, cmm, wazero.NewModuleConfig().WithStartFunctions().WithName(""))
				if err != nil {
					b.Fatal(err)
				}
				g := m.ExportedGlobal("assay:gas").(api.MutableGlobal)
				g.Set(1 << 50)
				m.ExportedGlobal("assay:mem_limit").(api.MutableGlobal).Set(512)
				m.ExportedFunction("_initialize").Call(ctx)
				if _, err := m.ExportedFunction("validate").Call(ctx); err != nil {
					b.Fatal(err)
				}
				tm += time.Since(s)
				gasUsed = 1<<50 - g.Get()
				m.Close(ctx)
			}
			b.ReportMetric(float64(tm)/float64(tp), "metered/unmetered")
			b.ReportMetric(float64(gasUsed), "gas")
		})
	}
}
