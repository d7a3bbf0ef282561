package abi

// ValType is a WebAssembly value type byte as in the binary format.
type ValType byte

// Value types used by the allowed imports.
const (
	I32 ValType = 0x7f
	I64 ValType = 0x7e
)

// Signature is a function type: parameters and results.
type Signature struct {
	Params  []ValType
	Results []ValType
}

// Import names one allowed function import with its exact signature.
type Import struct {
	Module, Name string
	Sig          Signature
}

func sig(params []ValType, results ...ValType) Signature {
	return Signature{Params: params, Results: results}
}

var (
	none  = []ValType{}
	i32   = []ValType{I32}
	i32x2 = []ValType{I32, I32}
	i32x3 = []ValType{I32, I32, I32}
	i32x4 = []ValType{I32, I32, I32, I32}
)

// WASIModule is the WASI preview1 module name Go (wasip1) guests import.
const WASIModule = "wasi_snapshot_preview1"

// AllowedImports is the complete import allow-list. A module importing
// anything else, or one of these with another signature, is rejected at
// store time.
var AllowedImports = []Import{
	{Module, FnInputLen, sig(none, I32)},
	{Module, FnInputRead, sig(i32x3, I32)},
	{Module, FnParamsLen, sig(none, I32)},
	{Module, FnParamsRead, sig(i32x3, I32)},
	{Module, FnRoundHeight, sig(none, I64)},
	{Module, FnRoundTime, sig(none, I64)},
	{Module, FnOutputWrite, sig(i32x2)},
	{Module, FnReject, sig(i32x2)},
	{Module, FnLog, sig(i32x2)},

	{WASIModule, "args_get", sig(i32x2, I32)},
	{WASIModule, "args_sizes_get", sig(i32x2, I32)},
	{WASIModule, "environ_get", sig(i32x2, I32)},
	{WASIModule, "environ_sizes_get", sig(i32x2, I32)},
	{WASIModule, "clock_time_get", sig([]ValType{I32, I64, I32}, I32)},
	{WASIModule, "clock_res_get", sig(i32x2, I32)},
	{WASIModule, "fd_write", sig(i32x4, I32)},
	{WASIModule, "random_get", sig(i32x2, I32)},
	{WASIModule, "poll_oneoff", sig(i32x4, I32)},
	{WASIModule, "sched_yield", sig(none, I32)},
	{WASIModule, "proc_exit", sig(i32)},
	// File-system calls a Go guest links as soon as it imports os (fmt
	// does). There is no file system: they answer EBADF (no such
	// descriptor) for everything but stdout/stderr's fdstat.
	{WASIModule, "fd_close", sig(i32, I32)},
	{WASIModule, "fd_fdstat_get", sig(i32x2, I32)},
	{WASIModule, "fd_fdstat_set_flags", sig(i32x2, I32)},
	{WASIModule, "fd_prestat_get", sig(i32x2, I32)},
	{WASIModule, "fd_prestat_dir_name", sig(i32x3, I32)},
	{WASIModule, "fd_read", sig(i32x4, I32)},
	{WASIModule, "fd_seek", sig([]ValType{I32, I64, I32, I32}, I32)},
	{WASIModule, "fd_filestat_get", sig(i32x2, I32)},
	{WASIModule, "path_open", sig([]ValType{I32, I32, I32, I32, I32, I64, I64, I32, I32}, I32)},
	{WASIModule, "path_filestat_get", sig([]ValType{I32, I32, I32, I32, I32}, I32)},
}

// LookupImport returns the allowed import with this module and name.
func LookupImport(module, name string) (Import, bool) {
	for _, im := range AllowedImports {
		if im.Module == module && im.Name == name {
			return im, true
		}
	}
	return Import{}, false
}
