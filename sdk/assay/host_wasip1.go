//go:build wasip1

package assay

import "unsafe"

// The "assay" host imports (runtime/abi, docs/abi.md). Pointers are
// offsets into the module's linear memory.

//go:wasmimport assay input_len
func abiInputLen() int32

//go:wasmimport assay input_read
func abiInputRead(dst unsafe.Pointer, offset, n int32) int32

//go:wasmimport assay params_len
func abiParamsLen() int32

//go:wasmimport assay params_read
func abiParamsRead(dst unsafe.Pointer, offset, n int32) int32

//go:wasmimport assay round_height
func abiRoundHeight() int64

//go:wasmimport assay round_time
func abiRoundTime() int64

//go:wasmimport assay output_write
func abiOutputWrite(src unsafe.Pointer, n int32)

//go:wasmimport assay reject
func abiReject(msg unsafe.Pointer, n int32)

//go:wasmimport assay log
func abiLog(msg unsafe.Pointer, n int32)

// validate is the module's entry point, called once per job.
//
//go:wasmexport validate
func validate() { runJob(wasmHost{}) }

// wasmHost is the host as seen from inside the sandbox.
type wasmHost struct{}

func ptr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

func (wasmHost) inputLen() int { return int(abiInputLen()) }
func (wasmHost) inputRead(dst []byte, off int) int {
	return int(abiInputRead(ptr(dst), int32(off), int32(len(dst))))
}
func (wasmHost) paramsLen() int { return int(abiParamsLen()) }
func (wasmHost) paramsRead(dst []byte, off int) int {
	return int(abiParamsRead(ptr(dst), int32(off), int32(len(dst))))
}
func (wasmHost) round() Round {
	return Round{Height: abiRoundHeight(), TimeNanos: abiRoundTime()}
}
func (wasmHost) outputWrite(p []byte) { abiOutputWrite(ptr(p), int32(len(p))) }
func (wasmHost) reject(reason []byte) { abiReject(ptr(reason), int32(len(reason))) }
func (wasmHost) log(msg []byte)       { abiLog(ptr(msg), int32(len(msg))) }
