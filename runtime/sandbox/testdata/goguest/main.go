// Command goguest is a Go (wasip1) validator program for the sandbox's tests and
// benchmarks. It uses the host ABI directly, without the SDK: validate
// parses the input as JSON (rejecting it when it is not) and outputs the
// hex SHA-256 of the input and the number of top-level values.
//
// Build (from this directory; the .wasm is committed):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags="-s -w" -o goguest.wasm .
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"unsafe"
)

//go:wasmimport assay input_len
func inputLen() int32

//go:wasmimport assay input_read
func inputRead(dst unsafe.Pointer, offset, n int32) int32

//go:wasmimport assay output_write
func outputWrite(src unsafe.Pointer, n int32)

//go:wasmimport assay reject
func reject(msg unsafe.Pointer, n int32)

func main() {}

func input() []byte {
	buf := make([]byte, inputLen())
	if len(buf) > 0 {
		inputRead(unsafe.Pointer(&buf[0]), 0, int32(len(buf)))
	}
	return buf
}

func write(f func(unsafe.Pointer, int32), b []byte) {
	if len(b) == 0 {
		f(nil, 0)
		return
	}
	f(unsafe.Pointer(&b[0]), int32(len(b)))
}

//go:wasmexport validate
func validate() {
	in := input()
	var doc any
	if err := json.Unmarshal(in, &doc); err != nil {
		write(reject, []byte("invalid json: "+err.Error()))
		return
	}
	n := 1
	switch v := doc.(type) {
	case []any:
		n = len(v)
	case map[string]any:
		n = len(v)
	}
	sum := sha256.Sum256(in)
	write(outputWrite, []byte(hex.EncodeToString(sum[:])+" "+strconv.Itoa(n)+"\n"))
}
