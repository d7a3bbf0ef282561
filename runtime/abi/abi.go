// Package abi holds the names and codes of the Assay validator ABI v1 that
// the host (runtime) and the guests (sdk) share, so the two cannot drift.
//
// It has no dependencies and compiles for GOOS=wasip1 as well as the host.
package abi

// Module is the import module name of the Assay host functions.
const Module = "assay"

// Host function names imported from Module.
const (
	FnInputLen    = "input_len"
	FnInputRead   = "input_read"
	FnParamsLen   = "params_len"
	FnParamsRead  = "params_read"
	FnRoundHeight = "round_height"
	FnRoundTime   = "round_time"
	FnOutputWrite = "output_write"
	FnReject      = "reject"
	FnLog         = "log"
)

// Exports a validator program module provides.
const (
	ExportMemory     = "memory"
	ExportValidate   = "validate"
	ExportInitialize = "_initialize"
)

// Globals the rewriter appends to every stored module and exports under
// these names. The host reads and writes them; a module may not export
// names starting with ReservedPrefix.
const (
	ReservedPrefix = "assay:"
	// GlobalGas is a mutable i64: gas left. Set by the host before the
	// first call; below zero after an out-of-gas trap.
	GlobalGas = "assay:gas"
	// GlobalDepth is a mutable i32: the current call depth. Above
	// MaxCallDepth after a stack_limit trap.
	GlobalDepth = "assay:depth"
	// GlobalMemLimit is a mutable i32: the job's memory limit in pages,
	// set by the host. A memory.grow past it sets it to MemLimitHit and traps.
	GlobalMemLimit = "assay:mem_limit"
)

// MemLimitHit is the value GlobalMemLimit holds after a memory_limit trap.
const MemLimitHit int32 = -1

// MaxCallDepth is the deepest call nesting a guest may reach. It is below
// the interpreter's fixed ceiling so stack_limit is identical on every
// engine and architecture.
const MaxCallDepth = 1000

// Status is the verdict of a run.
type Status uint8

// Verdict statuses. The numeric values are part of the canonical verdict
// encoding and never change.
const (
	StatusUnknown     Status = 0
	StatusAccepted    Status = 1
	StatusRejected    Status = 2
	StatusFailed      Status = 3
	StatusUnavailable Status = 4
)

// String returns the status name as the CLI and queries print it.
func (s Status) String() string {
	switch s {
	case StatusAccepted:
		return "ACCEPTED"
	case StatusRejected:
		return "REJECTED"
	case StatusFailed:
		return "FAILED"
	case StatusUnavailable:
		return "UNAVAILABLE"
	}
	return "UNKNOWN"
}

// ParseStatus is the inverse of Status.String.
func ParseStatus(s string) (Status, bool) {
	for st := StatusAccepted; st <= StatusUnavailable; st++ {
		if st.String() == s {
			return st, true
		}
	}
	return StatusUnknown, false
}

// Stable FAILED kinds. Trap kinds are KindTrapPrefix + a name from the
// list in docs/abi.md (for example "trap:unreachable").
const (
	KindOutOfGas    = "out_of_gas"
	KindOutputLimit = "output_limit"
	KindMemoryLimit = "memory_limit"
	KindStackLimit  = "stack_limit"
	KindTrapPrefix  = "trap:"
)
