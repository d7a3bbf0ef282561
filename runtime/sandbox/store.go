package sandbox

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox/internal/dataimage"
	cid "github.com/ipfs/go-cid"
	"github.com/tetratelabs/wazero"
)

// ErrNoValidate: the module does not export a validate function.
var ErrNoValidate = errors.New("sandbox: module does not export " + abi.ExportValidate)

// Code is stored, checked, rewritten and compiled validator program code, ready to
// run. It belongs to the Runtime that stored it.
type Code struct {
	// CID identifies the code: the CIDv1 of the original (uncompressed)
	// module bytes, as `ipfs add --cid-version=1` prints it.
	CID cid.Cid
	// Info is what the static checker learned about the original module.
	Info meter.Info
	// Initialize reports whether the module exports _initialize.
	Initialize bool
	// Preinitialized reports whether Store ran _initialize and jobs start
	// from the image it left (docs/abi.md, "Pre-initialization").
	Preinitialized bool
	// InitGas is the gas _initialize used during pre-initialization
	// (not charged to any job).
	InitGas uint64
	// PreinitError says why pre-initialization did not hold for a module
	// that exports _initialize (it trapped, ran past InitGasLimit, called
	// a job-only host function or was not deterministic; errors.Is
	// ErrInit), or is nil. Such a module is still stored: each job runs
	// _initialize itself, as before pre-initialization existed, so its
	// verdicts stay the same on every node (FAILED where _initialize
	// fails) instead of every node refusing the code.
	PreinitError error

	rt       *Runtime
	compiled wazero.CompiledModule
	image    dataimage.Image // written into each instance; empty if none
	pre      *preImage       // the pre-initialized image, or nil
	evicted  atomic.Bool
}

// gzipMagic starts every gzip stream.
var gzipMagic = []byte{0x1f, 0x8b}

// Store checks and rewrites wasm (raw, or gzip-compressed) with runtime/meter
// and compiles it, using the memory and disk caches. Storing the same code
// again returns the same *Code.
func (r *Runtime) Store(ctx context.Context, wasm []byte) (*Code, error) {
	wasm, err := Decompress(wasm, r.cfg.Limits.MaxModuleBytes)
	if err != nil {
		return nil, err
	}
	id, err := pin.SumBytes(wasm)
	if err != nil {
		return nil, fmt.Errorf("sandbox: code cid: %w", err)
	}
	if c := r.lookup(id); c != nil {
		return c, nil
	}
	rewritten, info, err := meter.Instrument(wasm, r.cfg.Limits)
	if err != nil {
		return nil, err
	}
	return r.storeInstrumented(ctx, id, rewritten, info)
}

// Evict forgets the code with this CID and frees its compiled form (the
// disk cache keeps it). Jobs must not be running on it; later Runs of the
// evicted *Code give UNAVAILABLE (ErrEvicted). Storing it again recompiles
// (or loads it from the disk cache).
func (r *Runtime) Evict(ctx context.Context, id cid.Cid) error {
	r.mu.Lock()
	c := r.codes[id.KeyString()]
	delete(r.codes, id.KeyString())
	r.mu.Unlock()
	if c == nil {
		return nil
	}
	c.evicted.Store(true)
	if err := c.compiled.Close(ctx); err != nil {
		return fmt.Errorf("sandbox: evict %s: %w", id, err)
	}
	return nil
}

func (r *Runtime) lookup(id cid.Cid) *Code {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.codes[id.KeyString()]
}

// storeInstrumented compiles an already rewritten module under id.
func (r *Runtime) storeInstrumented(ctx context.Context, id cid.Cid, rewritten []byte, info *meter.Info) (*Code, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed.Load() {
		return nil, ErrClosed
	}
	if c := r.codes[id.KeyString()]; c != nil {
		return c, nil
	}
	var img dataimage.Image
	if !r.keepData {
		if stripped, im, ok := dataimage.Split(rewritten); ok {
			rewritten, img = stripped, im
		}
	}
	// Pre-initialization needs the module's mutable globals exported;
	// a module with a data count section (memory.init, data.drop: state
	// outside memory and globals) runs _initialize in every job instead.
	var gl []dataimage.ExportedGlobal
	hasInit, dataCount := dataimage.Shape(rewritten, abi.ExportInitialize)
	preinit := hasInit && !dataCount && !r.noPreinit
	var preErr error
	if preinit {
		if with, g, err := dataimage.ExportGlobals(rewritten, globalExportPrefix, rewriterGlobals); err != nil {
			preinit, preErr = false, fmt.Errorf("%w: %w", ErrInit, err)
		} else {
			rewritten, gl = with, g
		}
	}
	compiled, err := r.compile(ctx, id, rewritten)
	if err != nil {
		return nil, err
	}
	fns := compiled.ExportedFunctions()
	if _, ok := fns[abi.ExportValidate]; !ok {
		_ = compiled.Close(ctx)
		return nil, ErrNoValidate
	}
	_, init := fns[abi.ExportInitialize]
	c := &Code{CID: id, Initialize: init, rt: r, compiled: compiled, image: img, PreinitError: preErr}
	if preinit && init {
		pre, err := r.preinitialize(ctx, compiled, img, gl)
		switch {
		case errors.Is(err, ErrUnavailable):
			// The node stopped the run (context, Close): that says
			// nothing about the module, so nothing is kept; caching the
			// code without its image would charge _initialize to every
			// later job on this node alone.
			_ = compiled.Close(context.WithoutCancel(ctx))
			return nil, err
		case err != nil:
			c.PreinitError = err // jobs run _initialize themselves
		default:
			c.pre, c.image = pre, dataimage.Image{}
			c.Preinitialized, c.InitGas = true, pre.gas
		}
	}
	if info != nil {
		c.Info = *info
	}
	r.codes[id.KeyString()] = c
	return c, nil
}

// compile compiles through the disk cache when there is one, recovering
// from corrupt entries.
func (r *Runtime) compile(ctx context.Context, id cid.Cid, wasm []byte) (wazero.CompiledModule, error) {
	if r.disk == nil {
		return r.compileOnce(ctx, wasm)
	}
	return r.disk.compile(id, func() (wazero.CompiledModule, error) { return r.compileOnce(ctx, wasm) })
}

func (r *Runtime) compileOnce(ctx context.Context, wasm []byte) (wazero.CompiledModule, error) {
	cm, err := r.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCompile, err)
	}
	return cm, nil
}

// Decompress returns wasm itself when it is not gzip-compressed, or its
// gzip decompression, failing with ErrModuleTooLarge past max bytes.
func Decompress(wasm []byte, max int) ([]byte, error) {
	if !bytes.HasPrefix(wasm, gzipMagic) {
		if len(wasm) > max {
			return nil, fmt.Errorf("%w: %d bytes > %d", ErrModuleTooLarge, len(wasm), max)
		}
		return wasm, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(wasm))
	if err != nil {
		return nil, fmt.Errorf("sandbox: gzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("sandbox: gzip: %w", err)
	}
	if len(out) > max {
		return nil, fmt.Errorf("%w: decompressed size > %d", ErrModuleTooLarge, max)
	}
	return out, nil
}
