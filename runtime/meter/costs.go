package meter

// The cost table, version Version. Every executed instruction of the
// original module costs opCost; the instrumentation itself is free. Costs
// are charged per metered block, before the block runs.
const (
	costDefault      = 1     // every instruction not listed below
	costCall         = 5     // call (plus the callee's own blocks)
	costCallIndirect = 10    // call_indirect
	costDivRem       = 4     // integer div/rem (slow on every CPU)
	costMemoryGrow   = 100   // memory.grow, plus costPerPage per page asked for
	costPerPage      = 8192  // = 65536 bytes / 8
	costBulk         = 10    // memory.fill/copy/init, plus len >> costBulkShift
	costBulkShift    = 3     // bulk memory: one gas per 8 bytes
	costLocalsShift  = 3     // declared locals >> 3, charged on each call
	maxPages         = 65536 // pages addressable by a 32-bit memory
)

// opCost returns the static cost of the instruction with opcode op (and
// sub-opcode sub for the 0xfc prefix).
func opCost(op byte, sub uint32) uint64 {
	switch op {
	case 0x10:
		return costCall
	case 0x11:
		return costCallIndirect
	case 0x40:
		return costMemoryGrow
	case 0x6d, 0x6e, 0x6f, 0x70, // i32.div_s/u, rem_s/u
		0x7f, 0x80, 0x81, 0x82: // i64.div_s/u, rem_s/u
		return costDivRem
	case 0xfc:
		if sub >= 8 && sub <= 11 && sub != 9 {
			return costBulk
		}
	}
	return costDefault
}

// nanOp reports the value type an instruction's result must be
// canonicalised as, or 0 if the instruction cannot produce a fresh NaN.
// abs, neg, copysign, loads, stores and reinterpret only move bits and
// are deterministic on every engine.
func nanOp(op byte) byte {
	switch op {
	case 0x8d, 0x8e, 0x8f, 0x90, 0x91, // f32.ceil floor trunc nearest sqrt
		0x92, 0x93, 0x94, 0x95, 0x96, 0x97, // f32.add sub mul div min max
		0xb6: // f32.demote_f64
		return valF32
	case 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, // f64.ceil floor trunc nearest sqrt
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, // f64.add sub mul div min max
		0xbb: // f64.promote_f32
		return valF64
	}
	return 0
}
