// Command gen writes the corpus modules that are too large to write as
// WAT by hand (run from runtime/testdata: go run ./gen). Each is a minimal
// validator (memory + validate) whose validate body is one huge construct:
//
//	locals_huge.wasm   (func (local i32 × 50,000,000))
//	nesting_deep.wasm  (block (block ... 100,000 deep ... ))
//	brtable_huge.wasm  (block (br_table 0 0 ... 200,000 targets ... (i32.const 0)))
//
// All three must be rejected by the store-time checker without allocating
// in proportion to the count.
package main

import (
	"bytes"
	"fmt"
	"os"
)

func uleb(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		b = append(b, c)
		if v == 0 {
			return b
		}
	}
}

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
	for _, name := range []string{"locals_huge.wasm", "nesting_deep.wasm", "brtable_huge.wasm"} {
		if err := os.WriteFile(name, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
