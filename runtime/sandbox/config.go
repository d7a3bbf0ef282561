package sandbox

import "github.com/assaynet/assay/runtime/meter"

// Engine selects how wazero executes Wasm.
type Engine uint8

// Engines. Both give identical verdicts and gas; the interpreter is for
// cross-checks and platforms without the compiler.
const (
	EngineCompiler Engine = iota
	EngineInterpreter
)

// String returns "compiler" or "interpreter".
func (e Engine) String() string {
	if e == EngineInterpreter {
		return "interpreter"
	}
	return "compiler"
}

// ParseEngine is the inverse of Engine.String.
func ParseEngine(s string) (Engine, bool) {
	switch s {
	case "compiler", "":
		return EngineCompiler, true
	case "interpreter":
		return EngineInterpreter, true
	}
	return 0, false
}

// Defaults applied to zero fields of a Config and a Job.
const (
	DefaultMaxMemoryPages = 512     // 32 MiB
	DefaultMaxOutput      = 1 << 20 // bytes
	DefaultMaxLog         = 64 << 10
	// DefaultMaxGas is the largest gas limit a job may have. A guest call
	// holds off the Go GC until it returns, so it is sized for well under
	// a second of pure Wasm on a slow node (TestGCLiveness checks it).
	DefaultMaxGas = 200_000_000
)

// Config configures a Runtime. The zero value is usable: compiler engine,
// no disk cache, DefaultMaxMemoryPages and meter.DefaultLimits.
type Config struct {
	// Engine is the wazero engine (compiler by default).
	Engine Engine
	// CacheDir, if set, keeps compiled code on disk across restarts. It is
	// created 0700 and must be private to the node.
	CacheDir string
	// MaxMemoryPages is the node-wide memory ceiling per instance, in 64 KiB
	// pages (0: DefaultMaxMemoryPages).
	MaxMemoryPages uint32
	// Interrupt turns on wazero's WithCloseOnContextDone, so Job.Timeout
	// and context cancellation stop a guest while it runs (UNAVAILABLE).
	// It is off by default: the compiled code then returns to Go at every
	// loop header, which made pure-Wasm loops 30–55× slower here. Without
	// it a running guest is bounded by gas alone (MaxGas, sized for a
	// fraction of a second) and a context that ends before the guest is
	// called still gives UNAVAILABLE.
	Interrupt bool
	// MaxGas is the largest gas limit of a job (default DefaultMaxGas); a
	// job asking for more is not run (UNAVAILABLE, ErrGasLimit).
	MaxGas uint64
	// Limits are the static limits checked when code is stored. A zero
	// MaxModuleBytes means meter.DefaultLimits().
	Limits meter.Limits
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.MaxMemoryPages == 0 {
		c.MaxMemoryPages = DefaultMaxMemoryPages
	}
	if c.MaxGas == 0 {
		c.MaxGas = DefaultMaxGas
	}
	if c.Limits.MaxModuleBytes == 0 {
		c.Limits = meter.DefaultLimits()
	}
	return c
}
