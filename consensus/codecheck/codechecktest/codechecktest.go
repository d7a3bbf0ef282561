// Package codechecktest holds the initializer cases that the store-time
// module check is tested with at each layer that answers a StoreCode
// (consensus/state, consensus/app): modules of runtime/sandbox/testdata
// and the answer each gets.
package codechecktest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/assaynet/assay/consensus/state"
)

// InitCase is a module of runtime/sandbox/testdata and the answer to a
// StoreCode of it: its code and a part of its log.
type InitCase struct {
	// Module is the module's path below runtime/sandbox/testdata.
	Module string
	// Code is the StoreCode's result code.
	Code state.Code
	// Reason is contained in the result's log ("" for a stored module).
	Reason string
}

// InitCases: a module whose _initialize traps, loops past the v1 bound
// or calls a job-only host function is refused with code 9 (CodeWasm)
// and the sandbox's reason; a Go guest is stored.
var InitCases = []InitCase{
	{"init_trap.wasm", state.CodeWasm, "_initialize ended FAILED trap:unreachable"},
	{"init_loop.wasm", state.CodeWasm, "_initialize ran past the initialization gas bound of 20000000"},
	{"init_input.wasm", state.CodeWasm, "_initialize called assay.input_len, which only a job may call"},
	{"goguest/goguest.wasm", state.CodeOK, ""},
}

// Wasm reads c's module.
func (c InitCase) Wasm(t testing.TB) []byte {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "runtime", "sandbox", "testdata", c.Module))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
