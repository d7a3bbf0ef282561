package meter

import (
	"encoding/binary"

	"github.com/assaynet/assay/runtime/abi"
)

// Opcodes the rewriter emits.
const (
	opUnreachable = 0x00
	opBlock       = 0x02
	opIf          = 0x04
	opElse        = 0x05
	opEnd         = 0x0b
	opCall        = 0x10
	opSelect      = 0x1b
	opLocalGet    = 0x20
	opLocalSet    = 0x21
	opLocalTee    = 0x22
	opGlobalGet   = 0x23
	opGlobalSet   = 0x24
	opMemorySize  = 0x3f
	opMemoryGrow  = 0x40
	opI32Const    = 0x41
	opI64Const    = 0x42
	opF32Const    = 0x43
	opF64Const    = 0x44
	opI32LeU      = 0x4d
	opI64GeS      = 0x59
	opI64GtU      = 0x56
	opI64LeU      = 0x58
	opF32Eq       = 0x5b
	opF64Eq       = 0x61
	opI32Add      = 0x6a
	opI32Sub      = 0x6b
	opI64Or       = 0x84
	opI32WrapI64  = 0xa7
	opI64ExtendS  = 0xac
	opI32And      = 0x71
	opI64Add      = 0x7c
	opI64Sub      = 0x7d
	opI64Mul      = 0x7e
	opI64ShrU     = 0x88
	opI64ExtendU  = 0xad
	blockEmpty    = 0x40
)

// Canonical NaNs: positive, quiet, zero payload.
var (
	canonF32 = uint32(0x7fc00000)
	canonF64 = uint64(0x7ff8000000000000)
)

func appendU32(b []byte, v uint32) []byte { return binary.AppendUvarint(b, uint64(v)) }

// appendOp appends an instruction with one index immediate (local.get,
// global.set, call, …).
func appendOp(b []byte, op byte, idx uint32) []byte { return appendU32(append(b, op), idx) }

func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// slots are the indices of the globals and scratch locals the rewriter uses.
type slots struct {
	gas, depth, memLimit uint32 // globals
	t64a, t64b, t32      uint32 // scratch locals
	tf32, tf64           uint32
	g                    uint32 // i64 param: the function's gas balance
	r                    uint32 // i64 param: abi.MaxCallDepth - the call depth
	memMax               uint64 // the memory's declared max in pages (or 65536)
}

// The gas balance lives in g, a parameter of every defined function
// (after the original ones), and its final value is the function's last
// result; the call depth at entry is the parameter d, and each call passes
// d + 1. The global is written from g (a spill) wherever anything could
// observe it: at the start of every metered block that holds a host call,
// a call_indirect or an instruction that can trap (or, after a call to a
// defined function in the same block, right before that instruction); at
// every dynamic charge; and on the way to a gas trap. After every host
// call g is reloaded from the global. So the global holds the exact
// balance whenever the host or a trap reads it, and the charges, their
// order and the trap points are those of a global-only rewrite. Exports
// go through wrappers that pass the globals in and store the gas result
// (see expansion).

// spillGas emits global gas = g.
func spillGas(b []byte, s *slots) []byte {
	b = appendOp(b, opLocalGet, s.g)
	return appendOp(b, opGlobalSet, s.gas)
}

// reloadGas emits g = global gas (after a host call, which may charge).
func reloadGas(b []byte, s *slots) []byte {
	b = appendOp(b, opGlobalGet, s.gas)
	return appendOp(b, opLocalSet, s.g)
}

// checkGas traps if g < 0, or, with depth, if the call depth is past
// abi.MaxCallDepth (r < 0); the trap path spills g (and with depth the
// depth, abi.MaxCallDepth - r) first. The condition is
// written as "if g >= 0 (and depth ok) else trap" so that the compiled
// hot path falls through and only the trap is a taken branch (measured:
// 3-10 % faster than "if g < 0 trap" on the compiler).
func checkGas(b []byte, s *slots, depth bool) []byte {
	b = appendOp(b, opLocalGet, s.g)
	if depth {
		// g | r >= 0: both are non-negative
		b = appendOp(b, opLocalGet, s.r)
		b = append(b, opI64Or)
	}
	b = append(b, opI64Const, 0, opI64GeS)
	b = append(b, opIf, blockEmpty, opElse)
	b = spillGas(b, s)
	if depth {
		// the host tells stack_limit by the depth global
		b = append(b, opI32Const)
		b = appendS64(b, abi.MaxCallDepth)
		b = appendOp(b, opLocalGet, s.r)
		b = appendOp(append(b, opI32WrapI64, opI32Sub), opGlobalSet, s.depth)
	}
	return append(b, opUnreachable, opEnd)
}

// chargeStatic emits g -= cost (omitted when cost is 0), then with spill
// global gas = g, then with check "if g < 0 trap". Without check a
// negative balance is caught by the next check (a loop header, a function
// entry, a dynamic charge, a host call or the host after the run). With
// depth (function entries) the same branch also traps when the call depth
// is past abi.MaxCallDepth.
func chargeStatic(b []byte, s *slots, cost uint64, check, depth, spill bool) []byte {
	if cost > 0 {
		b = appendOp(b, opLocalGet, s.g)
		b = append(b, opI64Const)
		b = appendS64(b, int64(cost))
		b = append(b, opI64Sub)
		if spill {
			b = appendOp(b, opLocalTee, s.g)
			b = appendOp(b, opGlobalSet, s.gas)
		} else {
			b = appendOp(b, opLocalSet, s.g)
		}
	} else if spill {
		b = spillGas(b, s)
	}
	if check {
		b = checkGas(b, s, depth)
	}
	return b
}

// chargeDynamic: [i64 cost] -> [], g = global gas = g - cost; if g < 0
// trap.
func chargeDynamic(b []byte, s *slots) []byte {
	b = appendOp(b, opLocalSet, s.t64a)
	b = appendOp(b, opLocalGet, s.g)
	b = appendOp(b, opLocalGet, s.t64a)
	b = appendOp(append(b, opI64Sub), opLocalTee, s.g)
	b = appendOp(b, opGlobalSet, s.gas)
	return checkGas(b, s, false)
}

// canonNaN: [f] -> [f'] where f' is f, or the canonical NaN if f is a NaN.
func canonNaN(b []byte, s *slots, t byte) []byte {
	tmp, eq := s.tf32, byte(opF32Eq)
	if t == valF64 {
		tmp, eq = s.tf64, opF64Eq
	}
	b = appendOp(b, opLocalTee, tmp)
	if t == valF64 {
		b = append(b, opF64Const)
		b = binary.LittleEndian.AppendUint64(b, canonF64)
	} else {
		b = append(b, opF32Const)
		b = binary.LittleEndian.AppendUint32(b, canonF32)
	}
	b = appendOp(b, opLocalGet, tmp)
	b = appendOp(b, opLocalGet, tmp)
	return append(b, eq, opSelect)
}

// memoryGrow: [i32 delta] -> [i32 old|-1]. Charges per page, and traps
// with the memory-limit marker when the grow would pass the job's limit
// while staying within the declared maximum (past that, grow returns -1
// as the spec says).
func memoryGrow(b []byte, s *slots) []byte {
	b = appendOp(b, opLocalSet, s.t32)
	b = appendOp(b, opLocalGet, s.t32)
	b = append(b, opI64ExtendU, opI64Const)
	b = appendS64(b, costPerPage)
	b = append(b, opI64Mul)
	b = chargeDynamic(b, s)
	// new = memory.size + delta (64-bit)
	b = appendOp(append(b, opMemorySize, 0, opI64ExtendU), opLocalGet, s.t32)
	b = appendOp(append(b, opI64ExtendU, opI64Add), opLocalTee, s.t64b)
	b = appendOp(b, opGlobalGet, s.memLimit)
	b = appendOp(append(b, opI64ExtendU, opI64GtU), opLocalGet, s.t64b)
	b = append(b, opI64Const)
	b = appendS64(b, int64(s.memMax))
	b = appendOp(append(b, opI64LeU, opI32And, opIf, blockEmpty, opI32Const, 0x7f), opGlobalSet, s.memLimit)
	b = appendOp(append(b, opUnreachable, opEnd), opLocalGet, s.t32)
	return append(b, opMemoryGrow, 0)
}

// bulkCharge: [.. i32 n] -> [.. i32 n], charging n >> costBulkShift.
func bulkCharge(b []byte, s *slots) []byte {
	b = appendOp(b, opLocalTee, s.t32)
	b = append(b, opI64ExtendU, opI64Const, costBulkShift, opI64ShrU)
	b = chargeDynamic(b, s)
	return appendOp(b, opLocalGet, s.t32)
}
