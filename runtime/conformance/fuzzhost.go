package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// FuzzLimits are the meter limits of the fuzz targets: the defaults with
// small caps so that one input costs wazero little to compile and run,
// and without the validator-export requirement so more inputs get through
// to the engine.
func FuzzLimits() meter.Limits {
	lim := meter.DefaultLimits()
	lim.MaxModuleBytes = 1 << 16
	lim.MaxMemoryPages = 16
	lim.MaxTableSize = 1024
	lim.MaxFunctions = 256
	lim.MaxFunctionBytes = 1 << 14
	lim.MaxDataBytes = 1 << 16
	lim.MaxElemEntries = 1024
	lim.RequireValidatorExports = false
	return lim
}

// Probe limits for one fuzz input.
const (
	ProbeGas     = 20_000
	ProbeCalls   = 4 // exported nullary functions called per instance
	ProbeTimeout = 10 * time.Second
	// OriginalTimeout bounds a call of the unmetered original, which may
	// loop forever; a timeout only ends the comparison.
	OriginalTimeout = 100 * time.Millisecond
)

// Prober compiles and runs instrumented modules on one engine, with stub
// host functions for the whole import allow-list (they return zeros).
type Prober struct {
	rt wazero.Runtime
}

// NewProber makes a Prober on the compiler or the interpreter.
func NewProber(ctx context.Context, interpreter bool) (*Prober, error) {
	cfg := wazero.NewRuntimeConfigCompiler()
	if interpreter {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	cfg = cfg.WithCoreFeatures(api.CoreFeaturesV2.SetEnabled(api.CoreFeatureSIMD, false)).
		WithMemoryLimitPages(FuzzLimits().MaxMemoryPages).
		WithCloseOnContextDone(true)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	builders := map[string]wazero.HostModuleBuilder{}
	for _, im := range abi.AllowedImports {
		b, ok := builders[im.Module]
		if !ok {
			b = rt.NewHostModuleBuilder(im.Module)
			builders[im.Module] = b
		}
		b.NewFunctionBuilder().WithGoModuleFunction(stub(len(im.Sig.Results)), valTypes(im.Sig.Params), valTypes(im.Sig.Results)).Export(im.Name)
	}
	for _, name := range []string{abi.Module, abi.WASIModule} {
		if _, err := builders[name].Instantiate(ctx); err != nil {
			_ = rt.Close(ctx)
			return nil, fmt.Errorf("conformance: host module %s: %w", name, err)
		}
	}
	return &Prober{rt: rt}, nil
}

func stub(results int) api.GoModuleFunc {
	return func(_ context.Context, _ api.Module, stack []uint64) {
		for i := 0; i < results; i++ {
			stack[i] = 0
		}
	}
}

func valTypes(vs []abi.ValType) []api.ValueType {
	out := make([]api.ValueType, len(vs))
	for i, v := range vs {
		out[i] = api.ValueType(v)
	}
	return out
}

// Close releases the engine.
func (p *Prober) Close(ctx context.Context) error { return p.rt.Close(ctx) }

// ErrCompile: wazero refused an instrumented module whose original it
// accepts (the rewrite broke it).
var ErrCompile = errors.New("conformance: wazero rejects the instrumented module")

// ErrRevived: wazero accepts an instrumented module whose original it
// refuses (the rewrite made an invalid module valid, e.g. an unknown index
// now naming an appended global or local).
var ErrRevived = errors.New("conformance: the rewrite made an invalid module valid")

// Validate compares wazero's verdict on the original and the instrumented
// module. nil means both compile; ErrWazeroRejects means both are refused
// (wazero completes the meter's validation); anything else is a rewriter
// bug.
func (p *Prober) Validate(ctx context.Context, original, instrumented []byte) error {
	origErr := p.compiles(ctx, original)
	instErr := p.compiles(ctx, instrumented)
	switch {
	case origErr == nil && instErr != nil:
		return fmt.Errorf("%w: %v", ErrCompile, instErr)
	case origErr != nil && instErr == nil && !customOnly(origErr):
		return fmt.Errorf("%w: wazero on the original: %v", ErrRevived, origErr)
	case origErr != nil:
		return fmt.Errorf("%w: %v", ErrWazeroRejects, origErr)
	}
	return nil
}

// ErrWazeroRejects: the meter let through a module that wazero's full
// validation refuses, before and after the rewrite alike. Storing it
// fails cleanly at compile time.
var ErrWazeroRejects = errors.New("conformance: wazero rejects the module (original and instrumented)")

// customOnly reports whether wazero refused the original only for a
// custom section. Custom sections carry no semantics and the rewrite does
// not keep them; wazero v1.12.0 also misreads some valid ones (a 9-byte
// name with no content: "failed to read custom section name[...]: EOF").
func customOnly(err error) bool {
	return strings.Contains(err.Error(), "custom section")
}

func (p *Prober) compiles(ctx context.Context, wasm []byte) error {
	cm, err := p.rt.CompileModule(ctx, wasm)
	if err == nil {
		_ = cm.Close(ctx)
	}
	return err
}

// ErrNoHalt: a probe call did not end within ProbeTimeout.
var ErrNoHalt = errors.New("conformance: probe call did not terminate")
