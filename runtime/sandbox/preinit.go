package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/sandbox/internal/dataimage"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Pre-initialization (docs/abi.md, "Pre-initialization"): Store runs a
// module's _initialize once, twice over in fact, in the fixed
// initialization environment, and keeps the memory and mutable globals it
// leaves as the module's starting image. Every job starts from the image
// and calls validate only.

// InitGasLimit bounds the gas of _initialize during pre-initialization; an
// initializer that needs more is rejected. Consensus (docs/abi.md).
const InitGasLimit = 100_000_000

// InitRealtime is what the realtime clock reads at the start of
// pre-initialization (unix nanoseconds); the monotonic clock starts at
// MonotonicStart as in a job. Consensus (docs/abi.md).
const InitRealtime = 0

// globalExportPrefix names the exports Store adds for the module's own
// mutable globals, "assay:global:<index>", so the host can snapshot and
// restore them ("assay:" names are reserved: no guest export has one).
const globalExportPrefix = "assay:global:"

// ErrInit: pre-initialization did not hold for the module; the error says
// why (the initializer trapped, ran past InitGasLimit, called a job-only
// host function or was not deterministic). Store keeps such a module
// without an image (Code.PreinitError).
var ErrInit = errors.New("sandbox: _initialize rejected")

// rewriterGlobals are the meter's globals: set for each job, never part of
// the image.
var rewriterGlobals = map[string]bool{abi.GlobalGas: true, abi.GlobalDepth: true, abi.GlobalMemLimit: true}

// preImage is the state _initialize leaves: a job's instance starts from
// it.
type preImage struct {
	pages   uint32        // memory size in pages
	runs    []memRun      // the non-zero bytes of memory
	globals []savedGlobal // the module's mutable globals
	mono    uint64        // the monotonic clock when _initialize returned
	gas     uint64        // gas _initialize used
	log     []byte        // what _initialize logged: each job's log starts with it
}

// memRun is a stretch of memory to write at off.
type memRun struct {
	off uint32
	b   []byte
}

// savedGlobal is a mutable global's value.
type savedGlobal struct {
	name string
	v    uint64
}

// runGap is how many zero bytes may sit inside one run: shorter gaps are
// cheaper written than split.
const runGap = 64

// preinitialize runs _initialize twice in fresh instances of compiled and
// returns the image both left, or an ErrInit error.
func (r *Runtime) preinitialize(ctx context.Context, compiled wazero.CompiledModule, data dataimage.Image, gl []dataimage.ExportedGlobal) (*preImage, error) {
	a, err := r.initOnce(ctx, compiled, data, gl, 0)
	if err != nil {
		return nil, err
	}
	b, err := r.initOnce(ctx, compiled, data, gl, 1)
	if err != nil {
		return nil, err
	}
	if d := a.diff(b); d != "" {
		return nil, fmt.Errorf("%w: not deterministic: two runs in the same initialization environment left %s", ErrInit, d)
	}
	return a, nil
}

// initOnce runs _initialize in a fresh instance and snapshots it.
func (r *Runtime) initOnce(ctx context.Context, compiled wazero.CompiledModule, data dataimage.Image, gl []dataimage.ExportedGlobal, run int) (*preImage, error) {
	job := Job{Time: InitRealtime, GasLimit: r.initGasLimit(), MemoryPages: r.cfg.MaxMemoryPages,
		MaxOutput: DefaultMaxOutput, MaxLog: DefaultMaxLog}
	s := &jobState{job: &job, rng: newRandStream(r.initSource[run], 0), mono: MonotonicStart, monoBase: MonotonicStart, init: true}
	ctx = withState(ctx, s)
	mod, err := r.rt.InstantiateModule(ctx, compiled, moduleConfig)
	if err != nil {
		if ctx.Err() != nil || r.closed.Load() {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, contextErr(ctx, err))
		}
		return nil, fmt.Errorf("%w: instantiate: %w", ErrInit, err)
	}
	defer mod.Close(context.Background())
	if len(data.Bytes) > 0 && !mod.Memory().Write(data.Offset, data.Bytes) {
		return nil, fmt.Errorf("%w: data image out of bounds", ErrInit)
	}
	g := instanceGlobals(mod, job)
	s.gas = g.gas
	err = mod.ExportedFunction(abi.ExportInitialize).CallWithStack(ctx, nil)
	res := r.outcome(ctx, err, g, s)
	switch {
	case s.initCall != "":
		return nil, fmt.Errorf("%w: _initialize called %s, which only a job may call (no input, params or round exist during initialization)", ErrInit, s.initCall)
	case res.Status == abi.StatusUnavailable:
		return nil, res.Err
	case res.Kind == abi.KindOutOfGas:
		return nil, fmt.Errorf("%w: _initialize ran past the initialization gas bound of %d", ErrInit, job.GasLimit)
	case res.Status != abi.StatusAccepted:
		return nil, fmt.Errorf("%w: _initialize ended %s %s after %d gas%s", ErrInit, res.Status, res.Kind, res.GasUsed, logTail(s.log))
	case len(s.out) > 0:
		return nil, fmt.Errorf("%w: _initialize wrote output", ErrInit) // output_write traps first; kept as a guard
	}
	img := &preImage{mono: s.mono, gas: res.GasUsed, log: s.log}
	if mem := mod.Memory(); mem != nil {
		img.pages = mem.Size() >> 16
		buf, _ := mem.Read(0, mem.Size())
		img.runs = nonZeroRuns(buf)
	}
	for _, eg := range gl {
		v := mod.ExportedGlobal(eg.Name)
		if v == nil {
			return nil, fmt.Errorf("%w: global %d has no export", ErrInit, eg.Index)
		}
		img.globals = append(img.globals, savedGlobal{name: eg.Name, v: v.Get()})
	}
	return img, nil
}

// initGasLimit is the gas bound of _initialize: InitGasLimit unless
// CheckInit set another.
func (r *Runtime) initGasLimit() uint64 {
	if r.initGas != 0 {
		return r.initGas
	}
	return InitGasLimit
}

// CheckInit runs, once, the pre-initialization Store would run for wasm
// (the raw module bytes, which runtime/meter accepts under lim) and returns
// why it did not hold, errors.Is ErrInit: _initialize trapped, ran past
// gas, called a job-only host function or was not deterministic. It
// returns nil for a module that pre-initializes and for one Store keeps
// without an image anyway (no _initialize; a data count section).
//
// It is the chain's store-time check (consensus/codecheck): the module
// runs on a fresh wazero interpreter runtime (never the compiler), in the
// initialization environment of docs/abi.md, with memories of at most
// lim.MaxMemoryPages pages and _initialize bounded by gas instead of
// InitGasLimit, and nothing is kept. Its answer depends on wasm, lim and
// gas alone; only a context that ends first gives another error
// (ErrUnavailable).
func CheckInit(ctx context.Context, wasm []byte, lim meter.Limits, gas uint64) error {
	if has, _ := dataimage.Shape(wasm, abi.ExportInitialize); !has {
		return nil // Store will not pre-initialize it: nothing to run
	}
	r, err := New(ctx, Config{Engine: EngineInterpreter, MaxMemoryPages: lim.MaxMemoryPages, Limits: lim})
	if err != nil {
		return err
	}
	defer func() { _ = r.Close(context.WithoutCancel(ctx)) }()
	r.initGas = max(gas, 1)
	c, err := r.Store(ctx, wasm)
	if err != nil {
		return err
	}
	return c.PreinitError
}

// logTail quotes what the initializer logged, for a rejection reason.
func logTail(log []byte) string {
	if len(log) == 0 {
		return ""
	}
	return fmt.Sprintf(" (log %q)", log)
}

// nonZeroRuns copies the non-zero stretches of mem, merging those less
// than runGap zero bytes apart.
func nonZeroRuns(mem []byte) []memRun {
	var spans [][2]int
	for i := 0; i < len(mem); {
		if mem[i] == 0 {
			i++
			continue
		}
		j := i
		for zeros := 0; j < len(mem) && zeros < runGap; j++ {
			if mem[j] == 0 {
				zeros++
			} else {
				zeros = 0
			}
		}
		end := j
		for end > i && mem[end-1] == 0 {
			end--
		}
		spans = append(spans, [2]int{i, end})
		i = j
	}
	total := 0
	for _, sp := range spans {
		total += sp[1] - sp[0]
	}
	backing := make([]byte, 0, total)
	runs := make([]memRun, 0, len(spans))
	for _, sp := range spans {
		start := len(backing)
		backing = append(backing, mem[sp[0]:sp[1]]...)
		runs = append(runs, memRun{off: uint32(sp[0]), b: backing[start:len(backing):len(backing)]})
	}
	return runs
}

// diff describes how two images differ, "" if they do not.
func (a *preImage) diff(b *preImage) string {
	switch {
	case a.pages != b.pages:
		return fmt.Sprintf("memories of %d and %d pages", a.pages, b.pages)
	case a.mono != b.mono:
		return fmt.Sprintf("monotonic clocks at %d and %d", a.mono, b.mono)
	case a.gas != b.gas:
		return fmt.Sprintf("gas used %d and %d", a.gas, b.gas)
	}
	for i := range a.globals {
		if a.globals[i] != b.globals[i] {
			return fmt.Sprintf("global %s = %d and %d", a.globals[i].name, a.globals[i].v, b.globals[i].v)
		}
	}
	if len(a.runs) != len(b.runs) {
		return fmt.Sprintf("memories differing near %d", firstRunDiff(a.runs, b.runs))
	}
	for i := range a.runs {
		if a.runs[i].off != b.runs[i].off || !bytes.Equal(a.runs[i].b, b.runs[i].b) {
			return fmt.Sprintf("memories differing near byte %d", firstRunDiff(a.runs, b.runs))
		}
	}
	return ""
}

// firstRunDiff is the offset of the first run where a and b differ.
func firstRunDiff(a, b []memRun) uint32 {
	for i := range min(len(a), len(b)) {
		if a[i].off != b[i].off || !bytes.Equal(a[i].b, b[i].b) {
			return min(a[i].off, b[i].off)
		}
	}
	if len(a) > len(b) {
		return a[len(b)].off
	}
	if len(b) > len(a) {
		return b[len(a)].off
	}
	return 0
}

// restore puts the image into a fresh instance: memory grown to its size
// and written, globals set. It reports false if the job's memory limit is
// below the image (memory_limit).
func (p *preImage) restore(mod api.Module, pages uint32) (ok bool) {
	if p.pages > pages {
		return false
	}
	if mem := mod.Memory(); mem != nil {
		if cur := mem.Size() >> 16; p.pages > cur {
			if _, grown := mem.Grow(p.pages - cur); !grown {
				return false
			}
		}
		for _, run := range p.runs {
			mem.Write(run.off, run.b)
		}
	}
	for _, g := range p.globals {
		if mg, ok := mod.ExportedGlobal(g.name).(api.MutableGlobal); ok {
			mg.Set(g.v)
		}
	}
	return true
}
