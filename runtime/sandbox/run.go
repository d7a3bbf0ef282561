package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/assaynet/assay/runtime/abi"
)

// Job is one run of a validator program over one input.
type Job struct {
	Source      string // source id; seeds random_get with Height
	Input       []byte // the fetched input
	Params      []byte // the source's static params
	Height      int64  // round block height
	Time        int64  // round block time, unix nanoseconds
	GasLimit    uint64 // gas for validate (and _initialize when the code is not pre-initialized)
	MaxOutput   int    // output (or reject reason) bytes; 0 = DefaultMaxOutput
	MemoryPages uint32 // memory limit in 64 KiB pages; 0 = the node maximum
	MaxLog      int    // log bytes kept; 0 = DefaultMaxLog, < 0 = none
	// Timeout is a wall-clock backstop that protects the node; hitting it
	// gives UNAVAILABLE, never a verdict. 0 = none (the context still
	// counts). It stops a running guest only with Config.Interrupt.
	Timeout time.Duration
}

// Result is the outcome of a Job. Status, Output, Kind, Reason and GasUsed
// are the verdict; Log, Wall and Err are not.
type Result struct {
	Status abi.Status
	// Output is what is pinned: ACCEPTED: the bytes written with
	// output_write; REJECTED: the reason; FAILED: the kind; UNAVAILABLE: nil.
	Output  []byte
	Kind    string // FAILED kind, e.g. "out_of_gas", "trap:unreachable"
	Reason  string // REJECTED reason
	GasUsed uint64
	Log     []byte        // debug text (log, stdout, stderr), capped
	Wall    time.Duration // wall time of the run
	Err     error         // why the job is UNAVAILABLE
}

// withDefaults fills the zero fields of a job.
func (j Job) withDefaults(nodePages uint32) Job {
	if j.MaxOutput <= 0 {
		j.MaxOutput = DefaultMaxOutput
	}
	if j.MaxLog == 0 {
		j.MaxLog = DefaultMaxLog
	}
	if j.MemoryPages == 0 {
		j.MemoryPages = nodePages
	}
	j.GasLimit = clampGas(j.GasLimit)
	return j
}

// Run executes job in a fresh instance of code and returns its verdict.
func (r *Runtime) Run(ctx context.Context, code *Code, job Job) Result {
	start := time.Now()
	res := r.run(ctx, code, job.withDefaults(r.cfg.MaxMemoryPages))
	res.Wall = time.Since(start)
	return res
}

func (r *Runtime) run(ctx context.Context, code *Code, job Job) Result {
	switch {
	case r.closed.Load():
		return unavailableResult(ErrClosed)
	case code == nil || code.rt != r:
		return unavailableResult(ErrForeignCode)
	case code.evicted.Load():
		return unavailableResult(ErrEvicted)
	case job.GasLimit > r.cfg.MaxGas:
		return unavailableResult(fmt.Errorf("%w: %d > %d", ErrGasLimit, job.GasLimit, r.cfg.MaxGas))
	case job.MemoryPages > r.cfg.MaxMemoryPages:
		return unavailableResult(fmt.Errorf("%w: %d > %d", ErrMemoryPages, job.MemoryPages, r.cfg.MaxMemoryPages))
	}
	if job.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, job.Timeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		return unavailableResult(fmt.Errorf("%w: %w", ErrUnavailable, err))
	}
	s := &jobState{job: &job, rng: newRandStream(job.Source, job.Height), mono: MonotonicStart, monoBase: MonotonicStart}
	if code.pre != nil {
		s.mono, s.monoBase = code.pre.mono, code.pre.mono
		s.appendLog(code.pre.log)
	}
	ctx = withState(ctx, s)
	if r.mem != nil {
		ctx = experimental.WithMemoryAllocator(ctx, r.mem)
	}
	mod, err := r.rt.InstantiateModule(ctx, code.compiled, moduleConfig)
	if err != nil {
		if ctx.Err() != nil || r.closed.Load() {
			return unavailableResult(fmt.Errorf("%w: instantiate: %w", ErrUnavailable, contextErr(ctx, err)))
		}
		return failed(abi.KindTrapPrefix+TrapInstantiate, 0, s)
	}
	defer mod.Close(context.Background())
	if len(code.image.Bytes) > 0 && !mod.Memory().Write(code.image.Offset, code.image.Bytes) {
		return failed(abi.KindTrapPrefix+TrapInstantiate, 0, s) // Split checked the bounds
	}
	g := instanceGlobals(mod, job)
	s.gas = g.gas
	if mem := mod.Memory(); mem != nil && uint64(mem.Size())>>16 > uint64(job.MemoryPages) {
		return failed(abi.KindMemoryLimit, 0, s)
	}
	if code.pre != nil && !code.pre.restore(mod, job.MemoryPages) {
		return failed(abi.KindMemoryLimit, 0, s)
	}
	err = call(ctx, mod, code.Initialize && code.pre == nil)
	return r.outcome(ctx, err, g, s)
}

// moduleConfig instantiates a guest anonymously (so instances of one code
// can run at once) and runs no start function.
var moduleConfig = wazero.NewModuleConfig().WithName("").WithStartFunctions()

// call runs _initialize (when exported) then validate.
func call(ctx context.Context, mod api.Module, initialize bool) error {
	if initialize {
		if err := mod.ExportedFunction(abi.ExportInitialize).CallWithStack(ctx, nil); err != nil {
			return err
		}
	}
	fn := mod.ExportedFunction(abi.ExportValidate)
	if fn == nil {
		return trapError{kind: trapUnknown}
	}
	return fn.CallWithStack(ctx, nil)
}

// instanceGlobals finds the rewriter's globals and sets the job's gas and
// memory limits. A module without a gas global is metered by host calls
// only (possible only before the rewriter runs).
func instanceGlobals(mod api.Module, job Job) globals {
	var g globals
	if mg, ok := mod.ExportedGlobal(abi.GlobalGas).(api.MutableGlobal); ok {
		g.gas = mg
	} else {
		g.gas = &hostGas{}
	}
	g.gas.Set(job.GasLimit)
	if mg, ok := mod.ExportedGlobal(abi.GlobalMemLimit).(api.MutableGlobal); ok {
		mg.Set(uint64(job.MemoryPages))
		g.memLimit = mg
	}
	if mg, ok := mod.ExportedGlobal(abi.GlobalDepth).(api.MutableGlobal); ok {
		g.depth = mg
	}
	return g
}

// outcome turns the end of the guest call into a Result.
func (r *Runtime) outcome(ctx context.Context, err error, g globals, s *jobState) Result {
	used := gasUsed(s.job.GasLimit, g.gas)
	if err == nil && int64(g.gas.Get()) < 0 {
		// The rewriter checks gas only at function entries, loop headers
		// and dynamic charges; a run that ends in the red is out of gas.
		return failed(abi.KindOutOfGas, used, s)
	}
	if err == nil {
		return Result{Status: abi.StatusAccepted, Output: nonNil(s.out), GasUsed: used, Log: s.log}
	}
	if unavailable(ctx, err) {
		return unavailableResult(fmt.Errorf("%w: %w", ErrUnavailable, contextErr(ctx, err)))
	}
	kind := failKind(err, g)
	if kind == "" {
		return Result{Status: abi.StatusRejected, Output: s.reason, Reason: string(s.reason), GasUsed: used, Log: s.log}
	}
	return failed(kind, used, s)
}

func failed(kind string, used uint64, s *jobState) Result {
	if kind == abi.KindOutOfGas {
		used = s.job.GasLimit
	}
	return Result{Status: abi.StatusFailed, Output: []byte(kind), Kind: kind, GasUsed: used, Log: s.log}
}

func unavailableResult(err error) Result {
	return Result{Status: abi.StatusUnavailable, Err: err}
}

func contextErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
