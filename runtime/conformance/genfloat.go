package conformance

// Float expressions of the generator: every NaN-producing operation of
// DESIGN §4, on operands that include NaNs with payloads, and the ways
// their bits reach an i32 (reinterpret, comparisons, saturating
// truncation, stores).

var (
	genF32Binops = []byte{0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98} // add sub mul div min max copysign
	genF32Unops  = []byte{0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91} // abs neg ceil floor trunc nearest sqrt
	genF64Binops = []byte{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6}
	genF64Unops  = []byte{0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f}
	// Interesting bit patterns: NaNs (quiet, signalling, payloads, sign),
	// infinities, zeros.
	genF32Bits = []uint32{0x7fc00000, 0xffc00000, 0x7fa00001, 0xff800001, 0x7f800000, 0xff800000, 0, 0x80000000, 0x3f800000}
	genF64Bits = []uint64{0x7ff8000000000000, 0xfff8000000000001, 0x7ff4000000000001, 0x7ff0000000000000, 0, 0x8000000000000000, 0x3ff0000000000000}
)

// floatToI32 pushes an i32 computed from a float expression.
func (g *generator) floatToI32(depth int) {
	switch g.choice(6) {
	case 0:
		g.f32(depth + 1)
		g.op(0xbc) // i32.reinterpret_f32
	case 1:
		g.f64(depth + 1)
		g.op(0xbd, 0xa7) // i64.reinterpret_f64, i32.wrap_i64
	case 2:
		g.f64(depth + 1)
		g.op(0xbd, 0x42, 32, 0x88, 0xa7) // high half: i64.shr_u 32, wrap
	case 3:
		g.f32(depth + 1)
		g.f32(depth + 1)
		g.op(0x5b + byte(g.choice(6))) // f32.eq ne lt gt le ge
	case 4:
		g.f32(depth + 1)
		g.op(0xfc, byte(g.choice(2))) // i32.trunc_sat_f32_s/u
	default:
		g.f64(depth + 1)
		g.op(0xfc, byte(2+g.choice(2))) // i32.trunc_sat_f64_s/u
	}
}

func (g *generator) f32(depth int) {
	g.budget--
	if depth > genMaxDepth {
		g.op(0x43)
		g.b = append(g.b, le32(genF32Bits[g.choice(len(genF32Bits))])...)
		return
	}
	switch g.choice(7) {
	case 0:
		g.op(0x43)
		g.b = append(g.b, le32(genF32Bits[g.choice(len(genF32Bits))])...)
	case 1:
		g.f32(depth + 1)
		g.f32(depth + 1)
		g.op(genF32Binops[g.choice(len(genF32Binops))])
	case 2:
		g.f32(depth + 1)
		g.op(genF32Unops[g.choice(len(genF32Unops))])
	case 3:
		g.f64(depth + 1)
		g.op(0xb6) // f32.demote_f64
	case 4:
		g.expr(depth + 1)
		g.op(0xbe) // f32.reinterpret_i32
	case 5:
		g.expr(depth + 1)
		g.op(0xb2) // f32.convert_i32_s
	default:
		g.address(depth)
		g.op(0x2a, 2, 0) // f32.load
	}
}

func (g *generator) f64(depth int) {
	g.budget--
	if depth > genMaxDepth {
		g.op(0x44)
		g.b = append(g.b, le64(genF64Bits[g.choice(len(genF64Bits))])...)
		return
	}
	switch g.choice(6) {
	case 0:
		g.op(0x44)
		g.b = append(g.b, le64(genF64Bits[g.choice(len(genF64Bits))])...)
	case 1:
		g.f64(depth + 1)
		g.f64(depth + 1)
		g.op(genF64Binops[g.choice(len(genF64Binops))])
	case 2:
		g.f64(depth + 1)
		g.op(genF64Unops[g.choice(len(genF64Unops))])
	case 3:
		g.f32(depth + 1)
		g.op(0xbb) // f64.promote_f32
	case 4:
		g.expr(depth + 1)
		g.op(0xb7) // f64.convert_i32_s
	default:
		g.address(depth)
		g.op(0x2b, 3, 0) // f64.load (address is 8-aligned or not; align is a hint)
	}
}
