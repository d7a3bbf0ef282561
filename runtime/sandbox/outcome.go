package sandbox

import (
	"context"
	"errors"
	"math"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/tetratelabs/wazero/sys"
)

// Stable trap names, appended to abi.KindTrapPrefix ("trap:"). They are
// consensus: never rename one.
const (
	TrapUnreachable       = "unreachable"
	TrapDivideByZero      = "integer_divide_by_zero"
	TrapIntegerOverflow   = "integer_overflow"
	TrapInvalidConversion = "invalid_conversion_to_integer"
	TrapOutOfBounds       = "out_of_bounds_memory_access"
	TrapIndirectCallType  = "indirect_call_type_mismatch"
	TrapInvalidTable      = "invalid_table_access"
	TrapHostBounds        = "host_bounds"
	TrapExit              = "exit"
	TrapInstantiate       = "instantiate"
	TrapUnknown           = "unknown"
)

// trapKind is why a host function ended the guest call.
type trapKind uint8

const (
	trapUnknown trapKind = iota
	trapOutOfGas
	trapHostBounds
	trapOutputLimit
	trapReject
	trapExit
	trapInitHost // a job-only host function called during pre-initialization
)

// trapError is the panic value of a host function that ends the job.
type trapError struct{ kind trapKind }

func (e trapError) Error() string { return "sandbox: host trap" }

// wazeroTraps maps wazero's runtime error texts (internal to wazero, so
// matched by text here and only here) to the stable names.
var wazeroTraps = map[string]string{
	"unreachable":                   abi.KindTrapPrefix + TrapUnreachable,
	"integer divide by zero":        abi.KindTrapPrefix + TrapDivideByZero,
	"integer overflow":              abi.KindTrapPrefix + TrapIntegerOverflow,
	"invalid conversion to integer": abi.KindTrapPrefix + TrapInvalidConversion,
	"out of bounds memory access":   abi.KindTrapPrefix + TrapOutOfBounds,
	"indirect call type mismatch":   abi.KindTrapPrefix + TrapIndirectCallType,
	"invalid table access":          abi.KindTrapPrefix + TrapInvalidTable,
	"stack overflow":                abi.KindStackLimit,
}

// globals are the rewriter's globals of one instance (any may be nil for
// an unmetered module).
type globals struct {
	gas      gasCounter
	depth    gasCounter
	memLimit gasCounter
}

// unavailable reports whether err means the node stopped the job (context
// deadline or cancel, runtime closed) rather than the guest trapping.
func unavailable(ctx context.Context, err error) bool {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return true // only the context (or Close) closes an instance
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		(ctx.Err() != nil && !errors.As(err, new(trapError)))
}

// failKind maps a guest call error to the FAILED kind, or "" for a reject.
// The rewriter's globals decide first: they are set by the code that trapped.
func failKind(err error, g globals) string {
	if g.gas != nil && int64(g.gas.Get()) < 0 {
		return abi.KindOutOfGas
	}
	if g.memLimit != nil && int32(uint32(g.memLimit.Get())) == abi.MemLimitHit {
		return abi.KindMemoryLimit
	}
	if g.depth != nil && int64(int32(uint32(g.depth.Get()))) > abi.MaxCallDepth {
		return abi.KindStackLimit
	}
	var te trapError
	if errors.As(err, &te) {
		switch te.kind {
		case trapOutOfGas:
			return abi.KindOutOfGas
		case trapHostBounds:
			return abi.KindTrapPrefix + TrapHostBounds
		case trapOutputLimit:
			return abi.KindOutputLimit
		case trapReject:
			return ""
		case trapExit:
			return abi.KindTrapPrefix + TrapExit
		}
		return abi.KindTrapPrefix + TrapUnknown
	}
	inner := err
	for u := errors.Unwrap(inner); u != nil; u = errors.Unwrap(inner) {
		inner = u
	}
	if k, ok := wazeroTraps[inner.Error()]; ok {
		return k
	}
	return abi.KindTrapPrefix + TrapUnknown
}

// gasUsed is limit minus what is left, or the limit after running out.
func gasUsed(limit uint64, g gasCounter) uint64 {
	left := int64(g.Get())
	if left < 0 {
		return limit
	}
	if uint64(left) > limit {
		return 0
	}
	return limit - uint64(left)
}

// clampGas converts a limit to the i64 the gas global holds.
func clampGas(limit uint64) uint64 {
	return min(limit, math.MaxInt64)
}
