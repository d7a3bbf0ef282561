// Command gen writes the corpus modules that are too large to write as
// WAT by hand (run from runtime/testdata: go run ./gen [-o dir]). Each is a minimal
// validator program (memory + validate) whose validate body is one huge construct:
//
//	locals_huge.wasm   (func (local i32 × 50,000,000))
//	nesting_deep.wasm  (block (block ... 100,000 deep ... ))
//	brtable_huge.wasm  (block (br_table 0 0 ... 200,000 targets ... (i32.const 0)))
//
// All three must be rejected by the store-time checker without allocating
// in proportion to the count. Three more sit exactly at the default caps
// and must be stored (compiled) and run:
//
//	nesting_cap.wasm   2,048 nested blocks around a 16,384-target br_table
//	brtable_cap.wasm   4 blocks, each with a 16,384-target br_table
//	locals_cap.wasm    (func $f (param i32) (local i64 × 1,023)) recursing
//	                   990 deep: the per-call locals charge at the cap
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// uleb appends v as unsigned LEB128 (the same bytes as a Go uvarint).
func uleb(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func section(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = uleb(b, uint64(len(body)))
	return append(b, body...)
}

// validator wraps a function body (locals + code, without the size) in a
// module exporting memory and validate.
func validator(body []byte) []byte {
	b := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	b = section(b, 1, []byte{1, 0x60, 0, 0})
	b = section(b, 3, []byte{1, 0})
	b = section(b, 5, []byte{1, 0, 1})
	exp := []byte{2, 6}
	exp = append(exp, "memory"...)
	exp = append(exp, 2, 0, 8)
	exp = append(exp, "validate"...)
	exp = append(exp, 0, 0)
	b = section(b, 7, exp)
	code := uleb([]byte{1}, uint64(len(body)))
	return section(b, 10, append(code, body...))
}

func main() {
	out := flag.String("o", ".", "output directory")
	flag.Parse()
	const locals, depth, targets = 50_000_000, 100_000, 200_000
	files := map[string][]byte{}
	files["locals_huge.wasm"] = validator(append(uleb([]byte{1}, locals), 0x7f, 0x0b))
	nest := []byte{0}
	nest = append(nest, bytes.Repeat([]byte{0x02, 0x40}, depth)...)
	nest = append(nest, bytes.Repeat([]byte{0x0b}, depth+1)...)
	files["nesting_deep.wasm"] = validator(nest)
	br := []byte{0, 0x02, 0x40, 0x41, 0, 0x0e}
	br = uleb(br, targets)
	br = append(br, bytes.Repeat([]byte{0}, targets+1)...)
	files["brtable_huge.wasm"] = validator(append(br, 0x0b, 0x0b))
	files["nesting_cap.wasm"] = validator(nestingCap())
	files["brtable_cap.wasm"] = validator(brTableCap())
	files["locals_cap.wasm"] = localsCap()
	for _, name := range []string{"locals_huge.wasm", "nesting_deep.wasm", "brtable_huge.wasm",
		"nesting_cap.wasm", "brtable_cap.wasm", "locals_cap.wasm"} {
		if err := os.WriteFile(filepath.Join(*out, name), files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

const (
	capNesting = 2048
	capTargets = 16384
	capLocals  = 1024
)

// nestingCap: block × 2048 { br_table (depth i mod 2048 ...) (i32.const 5) }.
func nestingCap() []byte {
	b := []byte{0}
	b = append(b, bytes.Repeat([]byte{0x02, 0x40}, capNesting)...)
	b = append(b, 0x41, 5, 0x0e)
	b = uleb(b, capTargets)
	for i := 0; i <= capTargets; i++ {
		b = uleb(b, uint64(i%capNesting))
	}
	b = append(b, bytes.Repeat([]byte{0x0b}, capNesting)...)
	return append(b, 0x0b)
}

// brTableCap: 4 × block { br_table 0 × 16384 (i32.const k) }.
func brTableCap() []byte {
	b := []byte{0}
	for k := 0; k < 4; k++ {
		b = append(b, 0x02, 0x40, 0x41, byte(k), 0x0e)
		b = uleb(b, capTargets)
		b = append(b, bytes.Repeat([]byte{0}, capTargets+1)...)
		b = append(b, 0x0b)
	}
	return append(b, 0x0b)
}

// localsCap: a module with $f (param i32) (local i64 × 1023) that calls
// itself until the parameter is 0, and validate calling $f 990.
func localsCap() []byte {
	b := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	b = section(b, 1, []byte{2, 0x60, 0, 0, 0x60, 1, 0x7f, 0})
	b = section(b, 3, []byte{2, 0, 1})
	b = section(b, 5, []byte{1, 0, 1})
	exp := []byte{2, 6}
	exp = append(exp, "memory"...)
	exp = append(exp, 2, 0, 8)
	exp = append(exp, "validate"...)
	exp = append(exp, 0, 0)
	b = section(b, 7, exp)
	// validate: i32.const 990 call 1 end
	v := []byte{0, 0x41}
	v = append(v, 0xde, 0x07) // 990 as signed LEB128
	v = append(v, 0x10, 1, 0x0b)
	// $f: local.get 0, if: local.get 0 i32.const 1 i32.sub call 1 end
	f := uleb([]byte{1}, capLocals-1)
	f = append(f, 0x7e)
	f = append(f, 0x20, 0, 0x04, 0x40, 0x20, 0, 0x41, 1, 0x6b, 0x10, 1, 0x0b, 0x0b)
	code := []byte{2}
	code = append(uleb(code, uint64(len(v))), v...)
	code = append(uleb(code, uint64(len(f))), f...)
	return section(b, 10, code)
}
