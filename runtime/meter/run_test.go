package meter_test

import (
	"context"
	_ "embed"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
)

// loop.wasm is built with: wat2wasm testdata/loop.wat -o testdata/loop.wasm
//
//go:embed testdata/loop.wasm
var loopWasm []byte

type engine struct {
	name string
	cfg  func() wazero.RuntimeConfig
}

var engines = []engine{
	{"compiler", wazero.NewRuntimeConfigCompiler},
	{"interpreter", wazero.NewRuntimeConfigInterpreter},
}

// outcome is what one call of an instrumented function gave.
type outcome struct {
	results []uint64
	gasUsed int64
	kind    string // "" on success, else out_of_gas, stack_limit, memory_limit, trap
}

// call instantiates the instrumented module fresh and calls fn.
func call(t *testing.T, e engine, wasm []byte, gas int64, memLimit int32, fn string, args ...uint64) outcome {
	t.Helper()
	ctx := context.Background()
	feats := api.CoreFeaturesV2.SetEnabled(api.CoreFeatureSIMD, false)
	rt := wazero.NewRuntimeWithConfig(ctx, e.cfg().WithCoreFeatures(feats))
	defer rt.Close(ctx)
	mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		t.Fatalf("%s: instantiate: %v", e.name, err)
	}
	g := mod.ExportedGlobal(abi.GlobalGas).(api.MutableGlobal)
	g.Set(uint64(gas))
	mod.ExportedGlobal(abi.GlobalMemLimit).(api.MutableGlobal).Set(uint64(uint32(memLimit)))
	res, err := mod.ExportedFunction(fn).Call(ctx, args...)
	left := int64(g.Get())
	o := outcome{results: res, gasUsed: gas - left}
	if err == nil && left < 0 { // the host's final check
		o.kind, o.gasUsed = abi.KindOutOfGas, gas
	}
	if err != nil {
		switch {
		case left < 0:
			o.kind, o.gasUsed = abi.KindOutOfGas, gas
		case int32(mod.ExportedGlobal(abi.GlobalMemLimit).Get()) == abi.MemLimitHit:
			o.kind = abi.KindMemoryLimit
		case int32(mod.ExportedGlobal(abi.GlobalDepth).Get()) > abi.MaxCallDepth:
			o.kind = abi.KindStackLimit
		default:
			o.kind = "trap"
		}
	}
	return o
}

func instrument(t *testing.T, wasm []byte) []byte {
	t.Helper()
	out, _, err := meter.Instrument(wasm, meter.DefaultLimits())
	if err != nil {
		t.Fatalf("instrument: %v", err)
	}
	return out
}

func TestInstrumentedBehaviour(t *testing.T) {
	wasm := instrument(t, loopWasm)
	const big = 1 << 40
	tests := []struct {
		fn       string
		args     []uint64
		gas      int64
		mem      int32
		wantKind string
		want     []uint64
	}{
		{fn: "validate", gas: big},
		{fn: "spin", gas: 100000, wantKind: abi.KindOutOfGas},
		{fn: "deep", gas: big, wantKind: abi.KindStackLimit},
		{fn: "shallow", gas: big},
		{fn: "nan", gas: big, want: []uint64{0x7ff8000000000000}},
		{fn: "nan32", gas: big, want: []uint64{0x7fc00000}},
		{fn: "grow", args: []uint64{1}, gas: big, mem: 4, want: []uint64{1}},
		{fn: "grow", args: []uint64{10}, gas: big, mem: 4, wantKind: abi.KindMemoryLimit},
		{fn: "grow", args: []uint64{70000}, gas: big, mem: 4, want: []uint64{math.MaxUint32}},
		{fn: "grow", args: []uint64{math.MaxUint32}, gas: big, mem: 4, wantKind: abi.KindOutOfGas},
		{fn: "fill", args: []uint64{65536}, gas: big},
		{fn: "fill", args: []uint64{65537}, gas: big, wantKind: "trap"},
		{fn: "fill", args: []uint64{math.MaxUint32}, gas: 1000, wantKind: abi.KindOutOfGas},
	}
	for _, tt := range tests {
		var gas [2]int64
		for i, e := range engines {
			o := call(t, e, wasm, tt.gas, tt.mem, tt.fn, tt.args...)
			if o.kind != tt.wantKind {
				t.Errorf("%s %s%v: kind %q, want %q", e.name, tt.fn, tt.args, o.kind, tt.wantKind)
			}
			if tt.want != nil && (len(o.results) != 1 || o.results[0] != tt.want[0]) {
				t.Errorf("%s %s%v: results %x, want %x", e.name, tt.fn, tt.args, o.results, tt.want)
			}
			gas[i] = o.gasUsed
		}
		if gas[0] != gas[1] {
			t.Errorf("%s%v: gas compiler %d != interpreter %d", tt.fn, tt.args, gas[0], gas[1])
		}
		t.Logf("%s%v: gas %d", tt.fn, tt.args, gas[0])
	}
}

func TestExactGasLimit(t *testing.T) {
	wasm := instrument(t, loopWasm)
	for _, e := range engines {
		used := call(t, e, wasm, 1<<40, 0, "validate").gasUsed
		if o := call(t, e, wasm, used, 0, "validate"); o.kind != "" || o.gasUsed != used {
			t.Errorf("%s: limit = used (%d): %+v", e.name, used, o)
		}
		if o := call(t, e, wasm, used-1, 0, "validate"); o.kind != abi.KindOutOfGas {
			t.Errorf("%s: limit = used-1: %+v", e.name, o)
		}
	}
}

func TestInstrumentDeterministic(t *testing.T) {
	a := instrument(t, loopWasm)
	b := instrument(t, loopWasm)
	if string(a) != string(b) {
		t.Fatal("two rewrites of the same module differ")
	}
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name string
		wasm []byte
		kind error
		msg  string
	}{
		{"empty", nil, meter.ErrMalformed, "magic"},
		{"version", []byte("\x00asm\x02\x00\x00\x00"), meter.ErrMalformed, "version"},
		{"truncated section", []byte("\x00asm\x01\x00\x00\x00\x01\x05\x01"), meter.ErrMalformed, "past end"},
		{"start section", []byte("\x00asm\x01\x00\x00\x00\x08\x01\x00"), meter.ErrForbidden, "start"},
		{"no exports", []byte("\x00asm\x01\x00\x00\x00"), meter.ErrExport, "memory"},
	}
	for _, tt := range tests {
		_, err := meter.Check(tt.wasm, meter.DefaultLimits())
		if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want %v containing %q", tt.name, err, tt.kind, tt.msg)
		}
	}
}

// spill.wasm is built with: wat2wasm testdata/spill.wat -o testdata/spill.wasm
//
//go:embed testdata/spill.wasm
var spillWasm []byte

// TestGasExactAtTraps: the gas balance lives in a local while a function
// runs, and the global must still hold every charge when an instruction
// traps. Each function's trapping call uses exactly 3 gas less than its
// non-trapping call (the cost of the loop block after the trap site; see
// testdata/spill.wat), on both engines.
func TestGasExactAtTraps(t *testing.T) {
	wasm := instrument(t, spillWasm)
	const big, tail = 1 << 40, 3
	tests := []struct {
		fn       string
		ok, trap uint64
	}{
		{"div", 1, 0},
		{"rem", 2, 0},
		{"trunc", uint64(math.Float32bits(1)), uint64(math.Float32bits(float32(math.NaN())))},
		{"load", 0, 65536},
		{"store", 0, 65535},
		{"aftercall", 1, 0},
		{"ifcall", 1, 0},
	}
	for _, tt := range tests {
		for _, e := range engines {
			ok := call(t, e, wasm, big, 0, tt.fn, tt.ok)
			bad := call(t, e, wasm, big, 0, tt.fn, tt.trap)
			if ok.kind != "" || bad.kind != "trap" {
				t.Fatalf("%s %s: kinds %q and %q, want \"\" and trap", e.name, tt.fn, ok.kind, bad.kind)
			}
			if bad.gasUsed != ok.gasUsed-tail {
				t.Errorf("%s %s: gas at the trap %d, want %d (the run without the trap %d minus %d)",
					e.name, tt.fn, bad.gasUsed, ok.gasUsed-tail, ok.gasUsed, tail)
			}
		}
	}
}
