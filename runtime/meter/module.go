package meter

import (
	"bytes"
	"fmt"
)

// Section ids of the WebAssembly binary format.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

// sectionRank gives the required order of non-custom sections.
var sectionRank = map[byte]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5, secTag: 6,
	secGlobal: 7, secExport: 8, secStart: 9, secElement: 10, secDataCount: 11,
	secCode: 12, secData: 13,
}

// External kinds of imports and exports.
const (
	kindFunc   = 0
	kindTable  = 1
	kindMemory = 2
	kindGlobal = 3
)

var kindNames = [...]string{"func", "table", "memory", "global"}

// Value types.
const (
	valI32     = 0x7f
	valI64     = 0x7e
	valF32     = 0x7d
	valF64     = 0x7c
	valV128    = 0x7b
	valFuncref = 0x70
	valExtern  = 0x6f
)

var header = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}

type funcType struct{ params, results []byte }

type limits struct {
	min, max uint32
	hasMax   bool
}

type importEntry struct {
	module, name string
	kind         byte
	typeIdx      uint32 // kindFunc
	lim          limits // kindTable, kindMemory
	global       byte   // kindGlobal value type
}

// elemSegment is an active element segment (flags 0): its offset
// expression as raw bytes (with its end) and its function indices.
type elemSegment struct {
	offset []byte
	funcs  []uint32
}

type exportEntry struct {
	name string
	kind byte
	idx  uint32
}

// module is a decoded module: what the checker and rewriter need, plus the
// raw payloads of the sections that are copied unchanged.
type module struct {
	types       []funcType
	imports     []importEntry
	importFuncs uint32   // imported functions (they come first in the index space)
	importTypes []uint32 // type index of each imported function
	importGlobs uint32
	funcs       []uint32 // type index of each defined function
	tables      []limits
	memories    []limits
	globals     uint32 // defined globals
	globalRaw   []byte // global section entries, without the count
	exports     []exportEntry
	exportRaw   []byte // export section entries, without the count
	elemEntries int
	elems       []elemSegment // active funcref segments on table 0
	dataBytes   int
	codes       [][]byte // function bodies (locals + code), raw
	raw         map[byte][]byte
}

// decode parses the module structure. Function bodies stay raw; the body
// walker checks and rewrites them.
func decode(wasm []byte) (*module, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], header[:4]) {
		return nil, malformed("", "magic header not detected")
	}
	if !bytes.Equal(wasm[4:8], header[4:8]) {
		return nil, malformed("", "unknown binary version")
	}
	m := &module{raw: map[byte][]byte{}}
	r := &reader{b: wasm, pos: 8}
	lastRank := 0
	for !r.eof() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		payload, err := r.bytes(size)
		if err != nil {
			return nil, malformed(fmt.Sprintf("section %d", id), "section size %d past end", size)
		}
		if id == secCustom {
			if err := checkCustom(payload); err != nil {
				return nil, err
			}
			continue
		}
		rank, ok := sectionRank[id]
		if !ok {
			return nil, malformed("", "malformed section id %d", id)
		}
		if rank <= lastRank {
			return nil, malformed(fmt.Sprintf("section %d", id), "unexpected section (out of order or duplicate)")
		}
		lastRank = rank
		if err := m.section(id, payload); err != nil {
			return nil, err
		}
	}
	if len(m.funcs) != len(m.codes) {
		return nil, malformed("", "function and code section have inconsistent lengths (%d vs %d)", len(m.funcs), len(m.codes))
	}
	return m, nil
}

func checkCustom(payload []byte) error {
	r := &reader{b: payload, where: "custom section"}
	_, err := r.name()
	return err
}

func (m *module) section(id byte, payload []byte) error {
	where := fmt.Sprintf("section %d", id)
	r := &reader{b: payload, where: where}
	var err error
	switch id {
	case secType:
		err = m.decodeTypes(r)
	case secImport:
		err = m.decodeImports(r)
	case secFunction:
		err = m.decodeFunctions(r)
	case secTable:
		err = m.decodeTables(r)
	case secMemory:
		err = m.decodeMemories(r)
	case secGlobal:
		err = m.decodeGlobals(r)
	case secExport:
		err = m.decodeExports(r)
	case secStart:
		return errorf(ErrForbidden, "start section", "a start section is not allowed (validators run only validate)")
	case secElement:
		err = m.decodeElements(r)
	case secDataCount:
		_, err = r.u32()
	case secCode:
		err = m.decodeCodes(r)
	case secData:
		err = m.decodeData(r)
	case secTag:
		return errorf(ErrForbidden, "tag section", "exception handling is not allowed")
	}
	if err != nil {
		return err
	}
	if !r.eof() {
		return malformed(where, "section size mismatch")
	}
	m.raw[id] = payload
	return nil
}

func (m *module) decodeTypes(r *reader) error {
	n, err := r.count(3)
	if err != nil {
		return err
	}
	m.types = make([]funcType, 0, n)
	for i := uint32(0); i < n; i++ {
		form, err := r.byte()
		if err != nil {
			return err
		}
		if form != 0x60 {
			return malformed(fmt.Sprintf("type %d", i), "integer representation too long / bad form 0x%x", form)
		}
		params, err := valTypes(r)
		if err != nil {
			return err
		}
		results, err := valTypes(r)
		if err != nil {
			return err
		}
		m.types = append(m.types, funcType{params, results})
	}
	return nil
}

func valTypes(r *reader) ([]byte, error) {
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	b, err := r.bytes(n)
	if err != nil {
		return nil, err
	}
	for _, t := range b {
		if err := checkValType(r, t); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func checkValType(r *reader, t byte) error {
	switch t {
	case valI32, valI64, valF32, valF64:
		return nil
	case valV128:
		return errorf(ErrForbidden, r.where, "SIMD (v128) is not allowed")
	case valFuncref, valExtern:
		return errorf(ErrForbidden, r.where, "reference-typed values are not allowed")
	}
	return r.fail("malformed value type 0x%x", t)
}

func (r *reader) limits() (limits, error) {
	flag, err := r.byte()
	if err != nil {
		return limits{}, err
	}
	switch flag {
	case 0, 1:
	case 2, 3:
		return limits{}, errorf(ErrForbidden, r.where, "shared memory (threads) is not allowed")
	default:
		return limits{}, r.fail("integer too large / bad limits flag 0x%x", flag)
	}
	var l limits
	min, err := r.uleb(32)
	if err != nil {
		return l, err
	}
	l.min = uint32(min)
	if flag == 1 {
		mx, err := r.uleb(32)
		if err != nil {
			return l, err
		}
		l.max, l.hasMax = uint32(mx), true
	}
	return l, nil
}

func (m *module) decodeImports(r *reader) error {
	n, err := r.count(4)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		var im importEntry
		if im.module, err = r.name(); err != nil {
			return err
		}
		if im.name, err = r.name(); err != nil {
			return err
		}
		if im.kind, err = r.byte(); err != nil {
			return err
		}
		switch im.kind {
		case kindFunc:
			im.typeIdx, err = r.u32()
			m.importFuncs++
			m.importTypes = append(m.importTypes, im.typeIdx)
		case kindTable:
			im.lim, err = m.tableType(r)
			m.tables = append(m.tables, im.lim)
		case kindMemory:
			im.lim, err = r.limits()
			m.memories = append(m.memories, im.lim)
		case kindGlobal:
			im.global, err = m.globalType(r)
			m.importGlobs++
		default:
			return r.fail("malformed import kind %d", im.kind)
		}
		if err != nil {
			return err
		}
		m.imports = append(m.imports, im)
	}
	return nil
}

func (m *module) tableType(r *reader) (limits, error) {
	t, err := r.byte()
	if err != nil {
		return limits{}, err
	}
	if t == valExtern {
		return limits{}, errorf(ErrForbidden, r.where, "externref tables are not allowed")
	}
	if t != valFuncref {
		return limits{}, r.fail("malformed reference type 0x%x", t)
	}
	return r.limits()
}

func (m *module) globalType(r *reader) (byte, error) {
	t, err := r.byte()
	if err != nil {
		return 0, err
	}
	if err := checkValType(r, t); err != nil {
		return 0, err
	}
	mut, err := r.byte()
	if err != nil {
		return 0, err
	}
	if mut > 1 {
		return 0, r.fail("malformed mutability %d", mut)
	}
	return t, nil
}

func (m *module) decodeFunctions(r *reader) error {
	n, err := r.count(1)
	if err != nil {
		return err
	}
	m.funcs = make([]uint32, 0, n)
	for i := uint32(0); i < n; i++ {
		t, err := r.u32()
		if err != nil {
			return err
		}
		m.funcs = append(m.funcs, t)
	}
	return nil
}

func (m *module) decodeTables(r *reader) error {
	return limitsVec(r, 3, &m.tables, m.tableType)
}

func (m *module) decodeMemories(r *reader) error {
	return limitsVec(r, 2, &m.memories, func(r *reader) (limits, error) { return r.limits() })
}

// limitsVec reads a vector of table or memory types onto dst.
func limitsVec(r *reader, minSize int, dst *[]limits, read func(*reader) (limits, error)) error {
	n, err := r.count(minSize)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		l, err := read(r)
		if err != nil {
			return err
		}
		*dst = append(*dst, l)
	}
	return nil
}

func (m *module) decodeGlobals(r *reader) error {
	n, err := r.count(4)
	if err != nil {
		return err
	}
	start := r.pos
	for i := uint32(0); i < n; i++ {
		if _, err := m.globalType(r); err != nil {
			return err
		}
		if err := constExpr(r, m.importGlobs); err != nil {
			return err
		}
	}
	m.globals = n
	m.globalRaw = r.b[start:r.pos]
	return nil
}

// constExpr skips a constant expression, allowing only the MVP forms.
func constExpr(r *reader, globals uint32) error {
	for steps := 0; ; steps++ {
		op, err := r.byte()
		if err != nil {
			return err
		}
		switch op {
		case 0x0b:
			return nil
		case 0x41, 0x42, 0x43, 0x44:
			err = r.constImm(op)
		case 0x23:
			var idx uint32
			if idx, err = r.u32(); err == nil && idx >= globals {
				return errorf(ErrInvalid, r.where, "unknown global %d in constant expression", idx)
			}
		case 0xd0, 0xd2:
			return errorf(ErrForbidden, r.where, "reference instructions are not allowed in constant expressions")
		default:
			return errorf(ErrMalformed, r.where, "constant expression required (opcode 0x%x)", op)
		}
		if err != nil {
			return err
		}
		if steps >= 1 {
			return errorf(ErrMalformed, r.where, "type mismatch: constant expression too long")
		}
	}
}

func (m *module) decodeExports(r *reader) error {
	n, err := r.count(3)
	if err != nil {
		return err
	}
	start := r.pos
	for i := uint32(0); i < n; i++ {
		var e exportEntry
		if e.name, err = r.name(); err != nil {
			return err
		}
		if e.kind, err = r.byte(); err != nil {
			return err
		}
		if e.kind > kindGlobal {
			return r.fail("malformed export kind %d", e.kind)
		}
		if e.idx, err = r.u32(); err != nil {
			return err
		}
		m.exports = append(m.exports, e)
	}
	m.exportRaw = r.b[start:r.pos]
	return nil
}

func (m *module) decodeElements(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		flag, err := r.u32()
		if err != nil {
			return err
		}
		if flag != 0 {
			return errorf(ErrForbidden, fmt.Sprintf("element segment %d", i), "only active funcref segments on table 0 are allowed (flags %d uses reference types)", flag)
		}
		start := r.pos
		if err := constExpr(r, m.importGlobs); err != nil {
			return err
		}
		seg := elemSegment{offset: r.b[start:r.pos]}
		cnt, err := r.count(1)
		if err != nil {
			return err
		}
		for j := uint32(0); j < cnt; j++ {
			f, err := r.u32()
			if err != nil {
				return err
			}
			seg.funcs = append(seg.funcs, f)
		}
		m.elems = append(m.elems, seg)
		m.elemEntries += int(cnt)
	}
	return nil
}

func (m *module) decodeData(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		flag, err := r.u32()
		if err != nil {
			return err
		}
		switch flag {
		case 0:
			err = constExpr(r, m.importGlobs)
		case 1:
		case 2:
			var mem uint32
			if mem, err = r.u32(); err == nil && mem != 0 {
				return errorf(ErrForbidden, fmt.Sprintf("data segment %d", i), "multiple memories are not allowed")
			}
			if err == nil {
				err = constExpr(r, m.importGlobs)
			}
		default:
			return r.fail("malformed data segment flags %d", flag)
		}
		if err != nil {
			return err
		}
		size, err := r.u32()
		if err != nil {
			return err
		}
		if _, err := r.bytes(size); err != nil {
			return err
		}
		m.dataBytes += int(size)
	}
	return nil
}

func (m *module) decodeCodes(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	m.codes = make([][]byte, 0, n)
	for i := uint32(0); i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return err
		}
		body, err := r.bytes(size)
		if err != nil {
			return err
		}
		m.codes = append(m.codes, body)
	}
	return nil
}

// funcTypeOf returns the type of function index idx (imports first).
func (m *module) funcTypeOf(idx uint32) (funcType, bool) {
	var t uint32
	if idx < m.importFuncs {
		n := uint32(0)
		for _, im := range m.imports {
			if im.kind == kindFunc {
				if n == idx {
					t = im.typeIdx
					break
				}
				n++
			}
		}
	} else if i := idx - m.importFuncs; int(i) < len(m.funcs) {
		t = m.funcs[i]
	} else {
		return funcType{}, false
	}
	if int(t) >= len(m.types) {
		return funcType{}, false
	}
	return m.types[t], true
}
