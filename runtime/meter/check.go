package meter

import (
	"fmt"
	"strings"

	"github.com/assaynet/assay/runtime/abi"
)

// check applies the module-level limits and policies and fills Info.
func check(m *module, lim *Limits) (*Info, error) {
	info := &Info{Functions: len(m.funcs), Globals: int(m.globals), DataBytes: m.dataBytes}
	if err := checkCounts(m, lim); err != nil {
		return nil, err
	}
	if err := checkMemoryTable(m, lim, info); err != nil {
		return nil, err
	}
	if err := checkImports(m, lim, info); err != nil {
		return nil, err
	}
	if err := checkExports(m, lim, info); err != nil {
		return nil, err
	}
	return info, nil
}

func checkCounts(m *module, lim *Limits) error {
	for _, c := range []struct {
		what string
		n    int
		max  int
	}{
		{"types", len(m.types), lim.MaxTypes},
		{"functions", len(m.funcs), lim.MaxFunctions},
		{"globals", int(m.globals), lim.MaxGlobals},
		{"data bytes", m.dataBytes, lim.MaxDataBytes},
		{"element entries", m.elemEntries, lim.MaxElemEntries},
	} {
		if c.n > c.max {
			return errorf(ErrLimit, "module", "%d %s exceeds limit %d", c.n, c.what, c.max)
		}
	}
	for i, t := range m.types {
		if n := max(len(t.params), len(t.results)); n > lim.MaxParams {
			return errorf(ErrLimit, fmt.Sprintf("type %d", i), "%d params or results exceeds limit %d", n, lim.MaxParams)
		}
	}
	for i, t := range m.funcs {
		if int(t) >= len(m.types) {
			return malformed(funcWhere(int(m.importFuncs)+i), "unknown type %d", t)
		}
	}
	return nil
}

func checkMemoryTable(m *module, lim *Limits, info *Info) error {
	if len(m.memories) > 1 {
		return errorf(ErrForbidden, "module", "%d memories: multiple memories are not allowed", len(m.memories))
	}
	if len(m.tables) > 1 {
		return errorf(ErrForbidden, "module", "%d tables: one table at most", len(m.tables))
	}
	if len(m.memories) == 1 {
		mem := m.memories[0]
		if mem.min > lim.MaxMemoryPages {
			return errorf(ErrLimit, "memory", "minimum %d pages exceeds limit %d", mem.min, lim.MaxMemoryPages)
		}
		info.MemoryMin, info.MemoryMax, info.HasMemoryMax = mem.min, mem.max, mem.hasMax
	}
	if len(m.tables) == 1 {
		if t := m.tables[0]; t.min > lim.MaxTableSize {
			return errorf(ErrLimit, "table", "minimum %d entries exceeds limit %d", t.min, lim.MaxTableSize)
		}
		info.TableMin = m.tables[0].min
	}
	return nil
}

func checkImports(m *module, lim *Limits, info *Info) error {
	for i, im := range m.imports {
		where := fmt.Sprintf("import %d (%s.%s)", i, im.module, im.name)
		desc := Import{Module: im.module, Name: im.name, Kind: kindNames[im.kind]}
		if im.kind == kindFunc {
			if int(im.typeIdx) >= len(m.types) {
				return malformed(where, "unknown type %d", im.typeIdx)
			}
			desc.Type = sigString(m.types[im.typeIdx])
		}
		info.Imports = append(info.Imports, desc)
		if lim.AllowImport != nil {
			if !lim.AllowImport(im.module, im.name) {
				return errorf(ErrImport, where, "not allowed")
			}
			continue
		}
		if im.kind != kindFunc {
			return errorf(ErrImport, where, "only function imports are allowed, not a %s", kindNames[im.kind])
		}
		allowed, ok := abi.LookupImport(im.module, im.name)
		if !ok {
			return errorf(ErrImport, where, "not in the allow-list (see docs/abi.md)")
		}
		if !sameSig(m.types[im.typeIdx], allowed.Sig) {
			return errorf(ErrImport, where, "signature %s, want %s", desc.Type, sigString(toFuncType(allowed.Sig)))
		}
	}
	return nil
}

func checkExports(m *module, lim *Limits, info *Info) error {
	var hasMemory, hasValidate bool
	for _, e := range m.exports {
		if e.idx >= m.indexSpace(e.kind) {
			return errorf(ErrInvalid, "export "+e.name, "unknown %s %d", kindNames[e.kind], e.idx)
		}
		info.Exports = append(info.Exports, Export{Name: e.name, Kind: kindNames[e.kind]})
		if strings.HasPrefix(e.name, abi.ReservedPrefix) {
			return errorf(ErrExport, "export "+e.name, "names starting with %q are reserved", abi.ReservedPrefix)
		}
		if !lim.RequireValidatorExports {
			continue
		}
		switch e.name {
		case abi.ExportMemory:
			hasMemory = e.kind == kindMemory
		case abi.ExportValidate, abi.ExportInitialize:
			ft, ok := m.funcTypeOf(e.idx)
			if e.kind != kindFunc || !ok || len(ft.params) != 0 || len(ft.results) != 0 {
				return errorf(ErrExport, "export "+e.name, "must be a function of type () -> ()")
			}
			hasValidate = hasValidate || e.name == abi.ExportValidate
		}
	}
	if lim.RequireValidatorExports && !hasMemory {
		return errorf(ErrExport, "exports", "no %q memory export", abi.ExportMemory)
	}
	if lim.RequireValidatorExports && !hasValidate {
		return errorf(ErrExport, "exports", "no %q function export", abi.ExportValidate)
	}
	return nil
}

func toFuncType(s abi.Signature) funcType {
	ft := funcType{}
	for _, p := range s.Params {
		ft.params = append(ft.params, byte(p))
	}
	for _, r := range s.Results {
		ft.results = append(ft.results, byte(r))
	}
	return ft
}

func sameSig(t funcType, s abi.Signature) bool {
	want := toFuncType(s)
	return string(t.params) == string(want.params) && string(t.results) == string(want.results)
}

var valNames = map[byte]string{valI32: "i32", valI64: "i64", valF32: "f32", valF64: "f64"}

func sigString(t funcType) string {
	list := func(ts []byte) string {
		names := make([]string, len(ts))
		for i, v := range ts {
			names[i] = valNames[v]
		}
		return "(" + strings.Join(names, ", ") + ")"
	}
	return list(t.params) + " -> " + list(t.results)
}

// indexSpace is the number of entities of an external kind.
func (m *module) indexSpace(kind byte) uint32 {
	switch kind {
	case kindFunc:
		return m.importFuncs + uint32(len(m.funcs))
	case kindTable:
		return uint32(len(m.tables))
	case kindMemory:
		return uint32(len(m.memories))
	}
	return m.importGlobs + m.globals
}
