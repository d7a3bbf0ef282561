package meter

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
// order (custom sections dropped), with the types, functions, globals,
// exports, elements and code extended or replaced (see expansion).
func (m *module) encode(codes [][]byte, s slots, x *expansion) []byte {
	out := append([]byte{}, header...)
	if m.raw[secType] != nil || len(x.blockTypes) > 0 {
		out = appendSection(out, secType, x.typeSection(m))
	}
	out = appendSection(out, secImport, m.raw[secImport])
	if m.raw[secFunction] != nil || len(x.wrappers) > 0 {
		out = appendSection(out, secFunction, x.functionSection(m))
	}
	for _, id := range []byte{secTable, secMemory} {
		out = appendSection(out, id, m.raw[id])
	}
	out = appendSection(out, secGlobal, m.globalSection())
	out = appendSection(out, secExport, x.exportSection(m, s))
	out = appendSection(out, secElement, x.elementSection(m))
	out = appendSection(out, secDataCount, m.raw[secDataCount])
	codes = append(codes, x.wrapperBodies(m, s)...)
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

func codeSection(codes [][]byte) []byte {
	b := appendU32(nil, uint32(len(codes)))
	for _, c := range codes {
		b = appendU32(b, uint32(len(c)))
		b = append(b, c...)
	}
	return b
}
