package meter_test

import "encoding/binary"

// modBuilder assembles small modules byte by byte for checker tests, so
// each case shows exactly the construct under test.
type modBuilder struct{ b []byte }

func newMod() *modBuilder {
	return &modBuilder{b: []byte("\x00asm\x01\x00\x00\x00")}
}

func uleb(v uint64) []byte { return binary.AppendUvarint(nil, v) }

func (m *modBuilder) section(id byte, payload ...[]byte) *modBuilder {
	var p []byte
	for _, x := range payload {
		p = append(p, x...)
	}
	m.b = append(m.b, id)
	m.b = append(m.b, uleb(uint64(len(p)))...)
	m.b = append(m.b, p...)
	return m
}

func str(s string) []byte { return append(uleb(uint64(len(s))), s...) }

// validator adds a type () -> (), imports, one memory of minPages, the
// exports memory and validate, and one function with the given body
// (locals vector + code, without the size prefix).
func validator(imports [][]byte, minPages uint64, body []byte) []byte {
	m := newMod()
	m.section(1, uleb(1), []byte{0x60, 0, 0})
	nimp := uint64(len(imports))
	if nimp > 0 {
		var all []byte
		for _, im := range imports {
			all = append(all, im...)
		}
		m.section(2, uleb(nimp), all)
	}
	m.section(3, uleb(1), uleb(0))
	m.section(5, uleb(1), []byte{0}, uleb(minPages))
	m.section(7, uleb(2), str("memory"), []byte{2, 0}, str("validate"), []byte{0}, uleb(nimp))
	m.section(10, uleb(1), uleb(uint64(len(body))), body)
	return m.b
}

// funcImport is an import of a function with type index 0 (() -> ()).
func funcImport(module, name string) []byte {
	return append(append(str(module), str(name)...), 0, 0)
}

func repeat(b []byte, n int) []byte {
	out := make([]byte, 0, len(b)*n)
	for range n {
		out = append(out, b...)
	}
	return out
}
