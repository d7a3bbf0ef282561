package meter

// Version identifies the rewriter, its cost table and how a stored module
// starts a job. It is part of the consensus: any change to the emitted
// code, the costs or the gas a job is charged bumps it.
//
//   - 2: the gas balance lives in a local (same charges as 1).
//   - 3: runtime/sandbox pre-initializes a module that exports
//     _initialize at store time and each job starts from that image and
//     calls validate only, so _initialize's gas (~1.7M for a Go guest) is
//     no longer charged to jobs. The rewritten code is unchanged.
//   - 4: every defined function takes the gas balance and the remaining
//     call depth as extra parameters and returns the gas as an extra
//     result; exports go through wrappers (see expansion). Same charges,
//     trap points and gas as 3 (the corpus's golden gas is unchanged);
//     the wrappers count against MaxFunctions. The bump keeps compiled
//     code of version 3 (CacheDir/.../meter-v3) apart.
const Version = 4

// Limits are the static caps a module must respect to be stored.
type Limits struct {
	MaxModuleBytes   int    // size of the module in bytes
	MaxMemoryPages   uint32 // memory minimum (and the job limit ceiling)
	MaxTableSize     uint32 // table minimum
	MaxFunctions     int    // defined functions, plus the rewriter's wrappers (one per exported function and per imported function in the table)
	MaxGlobals       int    // defined globals
	MaxLocals        int    // locals per function (params included)
	MaxNesting       int    // block/loop/if nesting depth per function
	MaxBrTable       int    // br_table target count
	MaxBrTableTotal  int    // br_table targets in the whole module (a Go guest with fmt+json has ~66k)
	MaxDataBytes     int    // total bytes of data segments
	MaxElemEntries   int    // total element segment entries
	MaxFunctionBytes int    // size of one function body
	MaxTypes         int    // entries in the type section
	MaxParams        int    // params or results of one function type

	// RequireValidatorExports demands the validator ABI exports (memory,
	// validate, optional _initialize) with their exact types.
	RequireValidatorExports bool
	// AllowImport, if set, replaces the ABI allow-list: any import for
	// which it returns true is accepted, of any kind and signature. Only
	// test harnesses (the spec suite) set it.
	AllowImport func(module, name string) bool `json:"-"`
}

// DefaultLimits returns the node-wide default limits: those of the
// newest protocol version, LimitsV1.
func DefaultLimits() Limits { return LimitsV1() }

// LimitsV1 returns the store-time limits of protocol version 1. They are
// part of the consensus (docs/protocol.md section 8): never edit them; a
// change is a new version beside this one. Real Go wasip1 modules reach
// nesting 549, br_table 965, 21 locals and table min 5,354.
func LimitsV1() Limits {
	return Limits{
		MaxModuleBytes:   8 << 20,
		MaxMemoryPages:   512,
		MaxTableSize:     65536,
		MaxFunctions:     100000,
		MaxGlobals:       1024,
		MaxLocals:        1024,
		MaxNesting:       2048,
		MaxBrTable:       16384,
		MaxBrTableTotal:  262144,
		MaxDataBytes:     16 << 20,
		MaxElemEntries:   100000,
		MaxFunctionBytes: 1 << 20,
		MaxTypes:         10000,
		MaxParams:        128,

		RequireValidatorExports: true,
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
	_, info, err := instrument(wasm, &lim)
	return info, err
}

// Instrument checks wasm and returns the rewritten module that the sandbox
// compiles and runs. The same input always gives the same output bytes.
func Instrument(wasm []byte, lim Limits) ([]byte, *Info, error) {
	return instrument(wasm, &lim)
}

func instrument(wasm []byte, lim *Limits) ([]byte, *Info, error) {
	if len(wasm) > lim.MaxModuleBytes {
		return nil, nil, errorf(ErrLimit, "module", "%d bytes exceeds limit %d", len(wasm), lim.MaxModuleBytes)
	}
	m, err := decode(wasm)
	if err != nil {
		return nil, nil, err
	}
	info, err := check(m, lim)
	if err != nil {
		return nil, nil, err
	}
	info.Size = len(wasm)
	x, err := plan(m, lim)
	if err != nil {
		return nil, nil, err
	}
	s := m.slots()
	bud := &moduleBudget{}
	codes := make([][]byte, len(m.codes))
	for i, body := range m.codes {
		fidx := m.importFuncs + uint32(i)
		ft, ok := m.funcTypeOf(fidx)
		if !ok {
			return nil, nil, malformed(funcWhere(int(fidx)), "unknown type %d", m.funcs[i])
		}
		out, st, err := rewriteBody(m, x, lim, bud, s, fidx, ft, body)
		if err != nil {
			return nil, nil, err
		}
		codes[i] = out
		info.MaxLocals = max(info.MaxLocals, st.locals)
		info.MaxNesting = max(info.MaxNesting, st.nesting)
	}
	return m.encode(codes, s, x), info, nil
}
