// Package meter checks an untrusted WebAssembly module against Assay's
// static rules and rewrites it once, at store time, to meter gas, cap call
// depth, enforce the job's memory limit and canonicalise NaNs.
//
// The rewrite appends globals and locals without shifting any existing
// index, so the rewritten module behaves exactly like the original until it
// runs out of gas, exceeds the call depth or the memory limit.
package meter

// Version identifies the rewriter and its cost table. It is part of the
// consensus: any change to the emitted code or the costs bumps it.
const Version = 1

// Limits are the static caps a module must respect to be stored.
type Limits struct {
	MaxModuleBytes   int    // size of the module in bytes
	MaxMemoryPages   uint32 // memory minimum (and the job limit ceiling)
	MaxTableSize     uint32 // table minimum
	MaxFunctions     int    // defined functions
	MaxGlobals       int    // defined globals
	MaxLocals        int    // locals per function (params included)
	MaxNesting       int    // block/loop/if nesting depth per function
	MaxBrTable       int    // br_table target count
	MaxDataBytes     int    // total bytes of data segments
	MaxElemEntries   int    // total element segment entries
	MaxFunctionBytes int    // size of one function body
	MaxTypes         int    // entries in the type section
	MaxParams        int    // params or results of one function type
}

// DefaultLimits returns the node-wide default limits. Real Go wasip1
// modules reach nesting 549, br_table 965, 21 locals and table min 5,354.
func DefaultLimits() Limits {
	return Limits{
		MaxModuleBytes:   8 << 20,
		MaxMemoryPages:   512,
		MaxTableSize:     65536,
		MaxFunctions:     100000,
		MaxGlobals:       1024,
		MaxLocals:        1024,
		MaxNesting:       2048,
		MaxBrTable:       16384,
		MaxDataBytes:     16 << 20,
		MaxElemEntries:   100000,
		MaxFunctionBytes: 1 << 20,
		MaxTypes:         10000,
		MaxParams:        128,
	}
}

// Import describes one import of a checked module.
type Import struct {
	Module, Name string
	Kind         string // "func", "table", "memory", "global"
	Type         string // human-readable signature, e.g. "(i32, i32) -> i32"
}

// Export describes one export of a checked module.
type Export struct {
	Name string
	Kind string
}

// Info is what the checker learned about a module; the CLI prints it.
type Info struct {
	Size         int
	Imports      []Import
	Exports      []Export
	Functions    int // defined functions
	Globals      int
	MemoryMin    uint32
	MemoryMax    uint32
	HasMemoryMax bool
	TableMin     uint32
	DataBytes    int
	MaxLocals    int // the largest local count of any function
	MaxNesting   int // the deepest block nesting of any function
}

// Check decodes wasm and checks it against lim without rewriting it.
func Check(wasm []byte, lim Limits) (*Info, error) {
	// TODO(meter): the real checker lands with the decoder.
	return &Info{Size: len(wasm)}, nil
}

// Instrument checks wasm and returns the rewritten module that the sandbox
// compiles and runs.
func Instrument(wasm []byte, lim Limits) ([]byte, *Info, error) {
	info, err := Check(wasm, lim)
	if err != nil {
		return nil, nil, err
	}
	// TODO(meter): the real rewriter lands with the decoder.
	return wasm, info, nil
}
