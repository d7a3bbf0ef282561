package conformance

import (
	"encoding/binary"
	"math"
)

// SpectestModuleName is the import module name of the spec suite's host.
const SpectestModuleName = "spectest"

// SpectestModule returns the binary of the "spectest" module the spec
// scripts import, as the reference interpreter defines it: print functions
// that do nothing, global_i32/i64 = 666, global_f32/f64 = 666.6, a funcref
// table of 10 (max 20) and a memory of 1 (max 2) pages. It is plain Wasm,
// not metered: it stands for the host.
func SpectestModule() []byte {
	sigs := [][]byte{
		{}, {valI32}, {valI64}, {valF32}, {valF64}, {valI32, valF32}, {valF64, valF64},
	}
	names := []string{"print", "print_i32", "print_i64", "print_f32", "print_f64", "print_i32_f32", "print_f64_f64"}
	var types, funcs, bodies, exports [][]byte
	for i, p := range sigs {
		types = append(types, cat([]byte{0x60}, vector(bytesOf(p)...), vector()))
		funcs = append(funcs, uleb(nil, uint64(i)))
		bodies = append(bodies, []byte{2, 0, 0x0b}) // size 2: no locals, end
		exports = append(exports, cat(name(nil, names[i]), []byte{0}, uleb(nil, uint64(i))))
	}
	globals := [][]byte{
		cat([]byte{valI32, 0, 0x41}, sleb(nil, 666), []byte{0x0b}),
		cat([]byte{valI64, 0, 0x42}, sleb(nil, 666), []byte{0x0b}),
		cat([]byte{valF32, 0, 0x43}, le32(math.Float32bits(666.6)), []byte{0x0b}),
		cat([]byte{valF64, 0, 0x44}, le64(math.Float64bits(666.6)), []byte{0x0b}),
	}
	for i, g := range []string{"global_i32", "global_i64", "global_f32", "global_f64"} {
		exports = append(exports, cat(name(nil, g), []byte{3}, uleb(nil, uint64(i))))
	}
	exports = append(exports,
		cat(name(nil, "table"), []byte{1, 0}),
		cat(name(nil, "memory"), []byte{2, 0}))
	b := append([]byte(nil), wasmHeader...)
	b = section(b, secType, vector(types...))
	b = section(b, secFunc, vector(funcs...))
	b = section(b, secTable, vector([]byte{valFuncref, 1, 10, 20}))
	b = section(b, secMemory, vector([]byte{1, 1, 2}))
	b = section(b, secGlobal, vector(globals...))
	b = section(b, secExport, vector(exports...))
	return section(b, secCode, vector(bodies...))
}

func bytesOf(p []byte) [][]byte {
	out := make([][]byte, len(p))
	for i := range p {
		out[i] = p[i : i+1]
	}
	return out
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
