package meter

import (
	"fmt"

	"github.com/assaynet/assay/runtime/abi"
)

// expansion is what the rewrite adds to a module besides code: every
// defined function takes the gas balance and the remaining call depth
// (both i64) as two extra parameters and returns the remaining gas as an extra
// result, so calls between defined functions pass gas and depth in
// registers instead of through the globals.
//
//   - Types: for each original type t, its extended type ext(t) =
//     (params, i64, i32) -> (results, i64) is appended at index
//     len(types)+t; defined functions and call_indirect use it (the
//     second i64 is the calls left before abi.MaxCallDepth is passed,
//     r = abi.MaxCallDepth - depth, so the entry check is g | r >= 0). Then one
//     type [] -> results per distinct multi-value result list, for the
//     block that wraps a body.
//   - Functions: after the defined functions, one export wrapper per
//     exported defined function (original type: it loads gas and depth
//     from the globals, calls the function and stores the gas it
//     returns), then one import wrapper per imported function placed in
//     the table (extended type: it calls the import, which reads and
//     charges the global, and returns the global).
type expansion struct {
	types      uint32            // original type count; ext(t) = types + t
	blockTypes []funcType        // [] -> results, after the extended types
	blockIdx   map[string]uint32 // results -> type index
	wrappers   []wrapper
	exportWrap map[uint32]uint32 // defined function -> its export wrapper
	importWrap map[uint32]uint32 // imported function -> its table wrapper
}

// wrapper is an appended function that calls target.
type wrapper struct {
	target uint32
	export bool // export wrapper (else table wrapper of an import)
}

// ext returns the extended type index of original type t.
func (x *expansion) ext(t uint32) uint32 { return x.types + t }

// plan computes the expansion of m. The wrappers count against
// lim.MaxFunctions with the defined functions, so the output never has
// more than MaxFunctions defined functions, each wrapper at most ~3 bytes
// per parameter; the types at most triple (2×types + one per distinct
// result list). TestExpansionBounded pins both.
func plan(m *module, lim *Limits) (*expansion, error) {
	x := &expansion{
		types:      uint32(len(m.types)),
		blockIdx:   map[string]uint32{},
		exportWrap: map[uint32]uint32{},
		importWrap: map[uint32]uint32{},
	}
	for _, t := range m.funcs {
		res := m.types[t].results
		if len(res) < 2 {
			continue
		}
		if _, ok := x.blockIdx[string(res)]; !ok {
			x.blockIdx[string(res)] = 2*x.types + uint32(len(x.blockTypes))
			x.blockTypes = append(x.blockTypes, funcType{results: res})
		}
	}
	next := m.importFuncs + uint32(len(m.funcs))
	for _, e := range m.exports {
		if e.kind != kindFunc || e.idx < m.importFuncs {
			continue
		}
		if _, ok := x.exportWrap[e.idx]; !ok {
			x.exportWrap[e.idx] = next
			x.wrappers = append(x.wrappers, wrapper{target: e.idx, export: true})
			next++
		}
	}
	nfuncs := m.importFuncs + uint32(len(m.funcs))
	for i, seg := range m.elems {
		for _, f := range seg.funcs {
			if f >= nfuncs {
				return nil, errorf(ErrInvalid, fmt.Sprintf("element segment %d", i), "unknown function %d", f)
			}
			if f >= m.importFuncs {
				continue
			}
			if _, ok := x.importWrap[f]; !ok {
				x.importWrap[f] = next
				x.wrappers = append(x.wrappers, wrapper{target: f})
				next++
			}
		}
	}
	if n := len(m.funcs) + len(x.wrappers); n > lim.MaxFunctions {
		return nil, errorf(ErrLimit, "module", "%d functions (%d defined, %d wrappers of exported functions and of imported functions in the table) exceeds limit %d",
			n, len(m.funcs), len(x.wrappers), lim.MaxFunctions)
	}
	return x, nil
}

// blockType returns the block type that wraps a body with these results.
func (x *expansion) blockType(b []byte, results []byte) []byte {
	switch len(results) {
	case 0:
		return append(b, blockEmpty)
	case 1:
		return append(b, results[0])
	}
	return appendS64(b, int64(x.blockIdx[string(results)]))
}

// typeSection encodes the original, extended and block types.
func (x *expansion) typeSection(m *module) []byte {
	b := appendU32(nil, 2*x.types+uint32(len(x.blockTypes)))
	enc := func(b []byte, params, results []byte) []byte {
		b = append(b, 0x60)
		b = appendU32(b, uint32(len(params)))
		b = append(b, params...)
		b = appendU32(b, uint32(len(results)))
		return append(b, results...)
	}
	for _, t := range m.types {
		b = enc(b, t.params, t.results)
	}
	for _, t := range m.types {
		p := append(append([]byte{}, t.params...), valI64, valI64)
		r := append(append([]byte{}, t.results...), valI64)
		b = enc(b, p, r)
	}
	for _, t := range x.blockTypes {
		b = enc(b, nil, t.results)
	}
	return b
}

// functionSection gives defined functions their extended types and
// appends the wrappers.
func (x *expansion) functionSection(m *module) []byte {
	b := appendU32(nil, uint32(len(m.funcs)+len(x.wrappers)))
	for _, t := range m.funcs {
		b = appendU32(b, x.ext(t))
	}
	for _, w := range x.wrappers {
		t := m.funcTypeIdx(w.target)
		if !w.export {
			t = x.ext(t)
		}
		b = appendU32(b, t)
	}
	return b
}

// exportSection points function exports at their wrappers and appends the
// rewriter's globals.
func (x *expansion) exportSection(m *module, s slots) []byte {
	b := appendU32(nil, uint32(len(m.exports))+3)
	add := func(b []byte, name string, kind byte, idx uint32) []byte {
		b = appendU32(b, uint32(len(name)))
		b = append(b, name...)
		b = append(b, kind)
		return appendU32(b, idx)
	}
	for _, e := range m.exports {
		idx := e.idx
		if w, ok := x.exportWrap[idx]; ok && e.kind == kindFunc {
			idx = w
		}
		b = add(b, e.name, e.kind, idx)
	}
	b = add(b, abi.GlobalGas, kindGlobal, s.gas)
	b = add(b, abi.GlobalDepth, kindGlobal, s.depth)
	return add(b, abi.GlobalMemLimit, kindGlobal, s.memLimit)
}

// elementSection points table entries of imports at their wrappers.
func (x *expansion) elementSection(m *module) []byte {
	if m.raw[secElement] == nil {
		return nil
	}
	b := appendU32(nil, uint32(len(m.elems)))
	for _, seg := range m.elems {
		b = append(b, 0)
		b = append(b, seg.offset...)
		b = appendU32(b, uint32(len(seg.funcs)))
		for _, f := range seg.funcs {
			if w, ok := x.importWrap[f]; ok {
				f = w
			}
			b = appendU32(b, f)
		}
	}
	return b
}

// wrapperBodies returns the code of the wrappers.
func (x *expansion) wrapperBodies(m *module, s slots) [][]byte {
	out := make([][]byte, 0, len(x.wrappers))
	for _, w := range x.wrappers {
		ft := m.types[m.funcTypeIdx(w.target)]
		b := []byte{0} // no locals
		for i := range ft.params {
			b = appendOp(b, opLocalGet, uint32(i))
		}
		if w.export {
			// the host (or another module) calls with the globals set
			b = appendOp(b, opGlobalGet, s.gas)
			b = append(b, opI32Const)
			b = appendS64(b, abi.MaxCallDepth)
			b = appendOp(b, opGlobalGet, s.depth)
			b = appendOp(append(b, opI32Sub, opI64ExtendS), opCall, w.target)
			b = appendOp(b, opGlobalSet, s.gas)
		} else {
			// call_indirect spilled the gas before the call: the host
			// reads and charges the global, which is the balance after
			b = appendOp(b, opCall, w.target)
			b = appendOp(b, opGlobalGet, s.gas)
		}
		out = append(out, append(b, opEnd))
	}
	return out
}

// funcTypeIdx is the type index of function idx (which must exist).
func (m *module) funcTypeIdx(idx uint32) uint32 {
	if idx >= m.importFuncs {
		return m.funcs[idx-m.importFuncs]
	}
	return m.importTypes[idx]
}
