package dataimage

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Section and value type ids used by ExportGlobals.
const (
	secImport = 2
	secGlobal = 6
	secExport = 7

	kindGlobal = 3

	typeI32 = 0x7f
	typeI64 = 0x7e
	typeF32 = 0x7d
	typeF64 = 0x7c
)

// ExportedGlobal is a mutable global that ExportGlobals exported.
type ExportedGlobal struct {
	Index uint32 // index in the module's global index space
	Name  string // the export name ExportGlobals gave it
}

// ExportGlobals returns the module with every mutable number global it
// defines exported as prefix+index (decimal), except those already
// exported under a name in skip, so that the host can read and set a
// whole instance's state. Its error names what is not handled: a mutable
// reference-typed global (its value is a host pointer, not a portable
// number) or a module shape the decoder declines.
func ExportGlobals(wasm []byte, prefix string, skip map[string]bool) ([]byte, []ExportedGlobal, error) {
	secs, err := sections(wasm)
	if err != nil {
		return nil, nil, fmt.Errorf("dataimage: module sections: %w", err)
	}
	var imported uint32
	var mutable []uint32
	exportAt := -1
	skipped := map[uint32]bool{}
	var exportBody []byte
	for i, s := range secs {
		switch s.id {
		case secImport:
			if imported, err = importedGlobals(s.body); err != nil {
				return nil, nil, err
			}
		case secGlobal:
			if mutable, err = mutableGlobals(s.body, imported); err != nil {
				return nil, nil, err
			}
		case secExport:
			exportAt, exportBody = i, s.body
			if err := exportedGlobals(s.body, skip, skipped); err != nil {
				return nil, nil, err
			}
		}
	}
	var out []ExportedGlobal
	for _, idx := range mutable {
		if !skipped[idx] {
			out = append(out, ExportedGlobal{Index: idx, Name: prefix + strconv.FormatUint(uint64(idx), 10)})
		}
	}
	if len(out) == 0 {
		return wasm, nil, nil
	}
	// The new export section: the old entries, then ours.
	var body []byte
	n := uint32(0)
	var rest []byte
	if exportBody != nil {
		r := reader{b: exportBody}
		n = r.u32()
		rest = exportBody[r.pos:]
	}
	body = binary.AppendUvarint(body, uint64(n)+uint64(len(out)))
	body = append(body, rest...)
	for _, g := range out {
		body = binary.AppendUvarint(body, uint64(len(g.Name)))
		body = append(body, g.Name...)
		body = append(body, kindGlobal)
		body = binary.AppendUvarint(body, uint64(g.Index))
	}
	sec := append([]byte{secExport}, binary.AppendUvarint(nil, uint64(len(body)))...)
	sec = append(sec, body...)
	res := append([]byte{}, wasm[:8]...)
	placed := false
	for i, s := range secs {
		if i == exportAt {
			res, placed = append(res, sec...), true
			continue
		}
		// Without an export section, ours goes before the first section
		// that must follow it (start, element, data count, code, data).
		if !placed && exportAt < 0 && s.id > secExport && s.id != 0 {
			res, placed = append(res, sec...), true
		}
		res = append(res, s.raw...)
	}
	if !placed {
		res = append(res, sec...)
	}
	return res, out, nil
}

// importedGlobals counts the imported globals.
func importedGlobals(body []byte) (uint32, error) {
	r := reader{b: body}
	n := r.u32()
	var globals uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.bytes(r.u32()) // module
		r.bytes(r.u32()) // name
		switch r.byte() {
		case 0: // func
			r.u32()
		case 1: // table
			r.byte()
			limits(&r)
		case 2: // memory
			limits(&r)
		case 3: // global
			r.byte()
			r.byte()
			globals++
		default:
			return 0, fmt.Errorf("dataimage: import %d: unknown kind", i)
		}
	}
	if r.err != nil {
		return 0, fmt.Errorf("dataimage: import section: %w", r.err)
	}
	return globals, nil
}

func limits(r *reader) {
	flags := r.byte()
	r.u32()
	if flags&1 != 0 {
		r.u32()
	}
}

// mutableGlobals lists the defined mutable globals; a mutable global of a
// reference type is an error.
func mutableGlobals(body []byte, imported uint32) ([]uint32, error) {
	r := reader{b: body}
	n := r.u32()
	var out []uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		t, mut := r.byte(), r.byte()
		if mut == 1 {
			switch t {
			case typeI32, typeI64, typeF32, typeF64:
				out = append(out, imported+i)
			default:
				return nil, fmt.Errorf("dataimage: global %d: a mutable global of type 0x%02x cannot be snapshotted", imported+i, t)
			}
		}
		skipConstExpr(&r)
	}
	if r.err != nil {
		return nil, fmt.Errorf("dataimage: global section: %w", r.err)
	}
	return out, nil
}

// skipConstExpr reads a constant expression up to its end.
func skipConstExpr(r *reader) {
	for r.err == nil {
		switch op := r.byte(); op {
		case 0x0b: // end
			return
		case 0x41: // i32.const
			r.s32()
		case 0x42: // i64.const
			r.s64()
		case 0x43: // f32.const
			r.bytes(4)
		case 0x44: // f64.const
			r.bytes(8)
		case 0x23, 0xd2: // global.get, ref.func
			r.u32()
		case 0xd0: // ref.null
			r.byte()
		default:
			r.err = errDecline
		}
	}
}

// exportedGlobals marks the global indices exported under a name in skip.
func exportedGlobals(body []byte, skip map[string]bool, out map[uint32]bool) error {
	r := reader{b: body}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		name := r.bytes(r.u32())
		kind := r.byte()
		idx := r.u32()
		if kind == kindGlobal && skip[string(name)] {
			out[idx] = true
		}
	}
	if r.err != nil {
		return fmt.Errorf("dataimage: export section: %w", r.err)
	}
	return nil
}

// Shape reports whether the module exports a function named name and
// whether it has a data count section (which memory.init and data.drop
// need).
func Shape(wasm []byte, name string) (exports, dataCount bool) {
	secs, err := sections(wasm)
	if err != nil {
		return false, false
	}
	for _, s := range secs {
		switch s.id {
		case secDataCount:
			dataCount = true
		case secExport:
			r := reader{b: s.body}
			n := r.u32()
			for i := uint32(0); i < n && r.err == nil; i++ {
				got := r.bytes(r.u32())
				kind := r.byte()
				r.u32()
				if kind == 0 && string(got) == name {
					exports = true
				}
			}
		}
	}
	return exports, dataCount
}
