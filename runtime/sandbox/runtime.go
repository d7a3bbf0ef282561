package sandbox

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Runtime stores and runs validator program code. It is safe for concurrent use:
// many jobs may run at once, each in its own instance.
type Runtime struct {
	cfg   Config
	rt    wazero.Runtime
	cache wazero.CompilationCache // nil without CacheDir
	disk  *diskCache              // nil without CacheDir

	// keepData compiles modules with their data section instead of
	// writing a data image per instance (tests compare the two).
	keepData bool
	// noPreinit runs _initialize in every job instead of starting jobs
	// from the pre-initialized image (tests compare the two).
	noPreinit bool
	// initSource seeds random_get in the two pre-initialization runs;
	// both "" (docs/abi.md). Tests make them differ to prove that a
	// non-deterministic initializer is rejected.
	initSource [2]string
	// initGas bounds _initialize during pre-initialization (0:
	// InitGasLimit); CheckInit sets the chain's bound.
	initGas uint64

	// mem backs guest memories with reused buffers (nil with
	// cfg.Interrupt: see memoryPool).
	mem *memoryPool

	mu     sync.Mutex // guards codes and serialises compilation
	codes  map[string]*Code
	closed atomic.Bool
}

// New makes a Runtime with the Assay host modules ("assay" and the
// deterministic "wasi_snapshot_preview1" subset) instantiated.
func New(ctx context.Context, cfg Config) (*Runtime, error) {
	cfg = cfg.withDefaults()
	r := &Runtime{cfg: cfg, codes: map[string]*Code{}}
	if !cfg.Interrupt {
		r.mem = newMemoryPool()
	}
	var rc wazero.RuntimeConfig
	if cfg.Engine == EngineInterpreter {
		rc = wazero.NewRuntimeConfigInterpreter()
	} else {
		rc = wazero.NewRuntimeConfigCompiler()
	}
	rc = rc.WithCoreFeatures(api.CoreFeaturesV2.SetEnabled(api.CoreFeatureSIMD, false)).
		WithMemoryLimitPages(cfg.MaxMemoryPages).
		WithCloseOnContextDone(cfg.Interrupt)
	if cfg.CacheDir != "" {
		disk, err := openDiskCache(cfg.CacheDir)
		if err != nil {
			return nil, err
		}
		cache, err := wazero.NewCompilationCacheWithDir(disk.dir)
		if err != nil {
			return nil, fmt.Errorf("sandbox: compilation cache %s: %w", disk.dir, err)
		}
		r.disk, r.cache = disk, cache
		rc = rc.WithCompilationCache(cache)
	}
	r.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	if err := instantiateHost(ctx, r.rt); err != nil {
		_ = r.Close(ctx)
		return nil, err
	}
	return r, nil
}

// Config returns the Runtime's configuration with defaults applied.
func (r *Runtime) Config() Config { return r.cfg }

// Close releases all compiled code and the wazero runtime. Jobs still
// running end UNAVAILABLE.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed.Store(true)
	r.codes = map[string]*Code{}
	r.mu.Unlock()
	err := r.rt.Close(ctx)
	if r.cache != nil {
		if cerr := r.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("sandbox: close: %w", err)
	}
	return nil
}

// instantiateHost instantiates the two host modules once per runtime.
func instantiateHost(ctx context.Context, rt wazero.Runtime) error {
	for _, b := range []wazero.HostModuleBuilder{assayModule(rt), wasiModule(rt)} {
		if _, err := b.Instantiate(ctx); err != nil {
			return fmt.Errorf("sandbox: host module: %w", err)
		}
	}
	return nil
}
