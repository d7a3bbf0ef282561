package conformance

// A minimal WebAssembly binary encoder, enough to build the "spectest" host
// module the spec scripts import. Nothing else in the project encodes Wasm
// by hand.

import "encoding/binary"

const (
	secType   = 1
	secImport = 2
	secFunc   = 3
	secTable  = 4
	secMemory = 5
	secGlobal = 6
	secExport = 7
	secCode   = 10
)

// Value type bytes of the binary format.
const (
	valI32     = 0x7f
	valI64     = 0x7e
	valF32     = 0x7d
	valF64     = 0x7c
	valFuncref = 0x70
)

// uleb appends v as unsigned LEB128 (the same bytes as a Go uvarint).
func uleb(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// sleb appends v as signed LEB128.
func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		done := (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0)
		if !done {
			c |= 0x80
		}
		b = append(b, c)
		if done {
			return b
		}
	}
}

// name appends a length-prefixed UTF-8 string.
func name(b []byte, s string) []byte {
	return append(uleb(b, uint64(len(s))), s...)
}

// section appends a section with its id and size prefix.
func section(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = uleb(b, uint64(len(body)))
	return append(b, body...)
}

// vector encodes count items with a count prefix.
func vector(items ...[]byte) []byte {
	b := uleb(nil, uint64(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

var wasmHeader = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
