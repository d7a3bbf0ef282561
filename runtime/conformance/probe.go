package conformance

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Call is what one probe call did.
type Call struct {
	Name     string
	Results  []uint64
	Trap     string // "ok" or the stable part of the engine's error
	Gas      int64  // gas left (instrumented modules)
	Metered  bool   // the module has the rewriter's globals
	Limited  bool   // the rewriter's depth or memory limit was hit
	TimedOut bool   // the call hit the probe timeout
}

// Halted reports whether the rewriter's limits, not the program, ended the
// call: out of gas, call depth or memory limit.
func (c Call) Halted() bool {
	return c.Metered && (c.Gas < 0 || c.Limited)
}

// Transcript is a probe run: the instantiation outcome and the calls.
type Transcript struct {
	Instantiate string
	Calls       []Call
}

// String renders the transcript; two engines must render it identically.
func (tr Transcript) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "instantiate: %s\n", tr.Instantiate)
	for _, c := range tr.Calls {
		fmt.Fprintf(&sb, "%q: %x %s gas=%d timeout=%v\n", c.Name, c.Results, c.Trap, c.Gas, c.TimedOut)
	}
	return sb.String()
}

// OriginalCalls bounds the function calls of one probe call of an
// unmetered original: wazero's context interrupt does not stop loop-free
// call trees, a call counter does.
const OriginalCalls = 100_000

// errCallBudget is the panic value that ends an original over its calls.
var errCallBudget = errors.New("conformance: call budget exhausted")

// callCounter is a function listener that panics once a call made more
// than OriginalCalls function calls; wazero turns the panic into the
// call's error.
type callCounter struct{ n int }

func (c *callCounter) NewFunctionListener(api.FunctionDefinition) experimental.FunctionListener {
	return c
}

func (c *callCounter) Before(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
	if c.n++; c.n > OriginalCalls {
		panic(errCallBudget)
	}
}

func (c *callCounter) After(context.Context, api.Module, api.FunctionDefinition, []uint64) {}

func (c *callCounter) Abort(context.Context, api.Module, api.FunctionDefinition, error) {}

// ProbeOriginal is Probe for an unmetered module: each call is bounded by
// timeout and by OriginalCalls function calls; hitting either marks the
// call TimedOut.
func (p *Prober) ProbeOriginal(ctx context.Context, wasm []byte, timeout time.Duration) (Transcript, error) {
	return p.probe(ctx, wasm, timeout, &callCounter{}, ProbeGas)
}

// ProbeWithGas is Probe with another gas limit per call.
func (p *Prober) ProbeWithGas(ctx context.Context, wasm []byte, timeout time.Duration, gas int64) (Transcript, error) {
	return p.probe(ctx, wasm, timeout, nil, gas)
}

// Probe compiles a module, instantiates it, and calls up to ProbeCalls
// exported nullary functions, each with ProbeGas (when the module is
// metered) and the given wall-clock timeout.
func (p *Prober) Probe(ctx context.Context, wasm []byte, timeout time.Duration) (Transcript, error) {
	return p.probe(ctx, wasm, timeout, nil, ProbeGas)
}

func (p *Prober) probe(ctx context.Context, wasm []byte, timeout time.Duration, counter *callCounter, gas int64) (Transcript, error) {
	var tr Transcript
	if counter != nil {
		ctx = experimental.WithFunctionListenerFactory(ctx, counter)
	}
	cm, err := p.rt.CompileModule(ctx, wasm)
	if err != nil {
		return tr, fmt.Errorf("%w: %v", ErrCompile, err)
	}
	defer cm.Close(ctx)
	mod, err := p.rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	tr.Instantiate = trapName(err)
	if err != nil {
		return tr, nil
	}
	defer mod.Close(ctx)
	for _, name := range sortedExports(cm) {
		fn := mod.ExportedFunction(name)
		if fn == nil || len(fn.Definition().ParamTypes()) != 0 {
			continue
		}
		if counter != nil {
			counter.n = 0
		}
		c := probeCall(ctx, mod, fn, timeout, gas)
		c.Name = name
		if counter != nil && counter.n > OriginalCalls {
			c.TimedOut = true
		}
		tr.Calls = append(tr.Calls, c)
		if c.TimedOut || len(tr.Calls) == ProbeCalls {
			break // a timed-out call closes the instance
		}
	}
	return tr, nil
}

func probeCall(ctx context.Context, mod api.Module, fn api.Function, timeout time.Duration, gas int64) Call {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	setGlobal(mod, abi.GlobalGas, uint64(gas))
	setGlobal(mod, abi.GlobalDepth, 0)
	setGlobal(mod, abi.GlobalMemLimit, uint64(FuzzLimits().MaxMemoryPages))
	res, err := fn.Call(ctx)
	c := Call{Results: res, Trap: trapName(err), TimedOut: ctx.Err() != nil}
	if g := mod.ExportedGlobal(abi.GlobalGas); g != nil {
		c.Metered, c.Gas = true, int64(g.Get())
	}
	if g := mod.ExportedGlobal(abi.GlobalDepth); g != nil && int32(uint32(g.Get())) > abi.MaxCallDepth {
		c.Limited = true
	}
	if g := mod.ExportedGlobal(abi.GlobalMemLimit); g != nil && int32(uint32(g.Get())) == abi.MemLimitHit {
		c.Limited = true
	}
	return c
}

// ErrSemantics: the instrumented module behaved differently from the
// original before any rewriter limit applied.
var ErrSemantics = errors.New("conformance: the rewrite changed behaviour")

// SameBehaviour compares a run of the original module with a run of its
// instrumented form on the same engine. The comparison stops (without
// error) at the first call the rewriter's limits ended, the original timed
// out or overflowed the engine's stack, since the instances' states may
// differ from there on; and a difference is inconclusive when the module
// can make NaNs (the rewrite canonicalises their bits on purpose).
func SameBehaviour(orig, inst Transcript, nanPossible bool) error {
	if orig.Instantiate != inst.Instantiate {
		return fmt.Errorf("%w: instantiate %s, original %s", ErrSemantics, inst.Instantiate, orig.Instantiate)
	}
	for i := 0; i < len(orig.Calls) && i < len(inst.Calls); i++ {
		o, n := orig.Calls[i], inst.Calls[i]
		if n.Halted() || o.TimedOut || strings.Contains(o.Trap, "stack overflow") {
			return nil
		}
		if o.Trap == n.Trap && equalU64(o.Results, n.Results) {
			continue
		}
		if nanPossible {
			return nil
		}
		return fmt.Errorf("%w: %q returned %x %s, original %x %s", ErrSemantics, n.Name, n.Results, n.Trap, o.Results, o.Trap)
	}
	if len(orig.Calls) != len(inst.Calls) {
		return fmt.Errorf("%w: %d calls, original %d", ErrSemantics, len(inst.Calls), len(orig.Calls))
	}
	return nil
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// MayMakeNaN reports whether any byte of wasm is the opcode of a float
// operation that can produce a NaN (an over-approximation: the byte may
// be an immediate or data).
func MayMakeNaN(wasm []byte) bool {
	for _, b := range wasm {
		switch {
		case b >= 0x8d && b <= 0x97, b >= 0x9b && b <= 0xa5, b == 0xb6, b == 0xbb:
			return true
		}
	}
	return false
}

// trapName reduces an engine error to its stable part.
func trapName(err error) string {
	if err == nil {
		return "ok"
	}
	msg := firstLine(err)
	if i := strings.Index(msg, "wasm error: "); i >= 0 {
		return msg[i:]
	}
	return "error"
}

func sortedExports(cm wazero.CompiledModule) []string {
	defs := cm.ExportedFunctions()
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
