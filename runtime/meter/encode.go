package meter

import "github.com/assaynet/assay/runtime/abi"

// slots assigns the indices of the appended globals; the scratch locals
// are set per function by the walker.
func (m *module) slots() slots {
	g := m.importGlobs + m.globals
	s := slots{gas: g, depth: g + 1, memLimit: g + 2, memMax: maxPages}
	if len(m.memories) > 0 && m.memories[0].hasMax {
		s.memMax = uint64(m.memories[0].max)
	}
	return s
}

// encode writes the rewritten module: the original sections in canonical
// order (custom sections dropped), with the globals, exports and code
// sections extended or replaced.
func (m *module) encode(codes [][]byte, s slots) []byte {
	out := append([]byte{}, header...)
	for _, id := range []byte{secType, secImport, secFunction, secTable, secMemory} {
		out = appendSection(out, id, m.raw[id])
	}
	out = appendSection(out, secGlobal, m.globalSection())
	out = appendSection(out, secExport, m.exportSection(s))
	out = appendSection(out, secElement, m.raw[secElement])
	out = appendSection(out, secDataCount, m.raw[secDataCount])
	if len(codes) > 0 || m.raw[secCode] != nil {
		out = appendSection(out, secCode, codeSection(codes))
	}
	return appendSection(out, secData, m.raw[secData])
}

func appendSection(out []byte, id byte, payload []byte) []byte {
	if payload == nil {
		return out
	}
	out = append(out, id)
	out = appendU32(out, uint32(len(payload)))
	return append(out, payload...)
}

func (m *module) globalSection() []byte {
	b := appendU32(nil, m.globals+3)
	b = append(b, m.globalRaw...)
	b = append(b, valI64, 1, opI64Const, 0, opEnd) // gas
	b = append(b, valI32, 1, opI32Const, 0, opEnd) // depth
	b = append(b, valI32, 1, opI32Const, 0, opEnd) // memory limit
	return b
}

func (m *module) exportSection(s slots) []byte {
	b := appendU32(nil, uint32(len(m.exports))+3)
	b = append(b, m.exportRaw...)
	for _, e := range []struct {
		name string
		idx  uint32
	}{{abi.GlobalGas, s.gas}, {abi.GlobalDepth, s.depth}, {abi.GlobalMemLimit, s.memLimit}} {
		b = appendU32(b, uint32(len(e.name)))
		b = append(b, e.name...)
		b = append(b, kindGlobal)
		b = appendU32(b, e.idx)
	}
	return b
}

func codeSection(codes [][]byte) []byte {
	b := appendU32(nil, uint32(len(codes)))
	for _, c := range codes {
		b = appendU32(b, uint32(len(c)))
		b = append(b, c...)
	}
	return b
}
