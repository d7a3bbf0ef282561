package meter_test

import (
	_ "embed"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
)

// depth.wasm is built with: wat2wasm testdata/depth.wat -o testdata/depth.wasm
//
//go:embed testdata/depth.wasm
var depthWasm []byte

// TestCallDepth: the call depth travels as a parameter of every defined
// function; the host calls an export at depth 0 and the callee at depth
// abi.MaxCallDepth + 1 traps with stack_limit, through direct calls, an
// export that is also called from inside, and call_indirect, on both
// engines with the same gas.
func TestCallDepth(t *testing.T) {
	wasm := instrument(t, depthWasm)
	const big = 1 << 40
	tests := []struct {
		fn       string
		n        uint64
		wantKind string
	}{
		{"down", abi.MaxCallDepth, ""},
		{"down", abi.MaxCallDepth + 1, abi.KindStackLimit},
		{"via", abi.MaxCallDepth - 1, ""},
		{"via", abi.MaxCallDepth, abi.KindStackLimit},
		{"indirect", abi.MaxCallDepth, ""},
		{"indirect", abi.MaxCallDepth + 1, abi.KindStackLimit},
	}
	for _, tt := range tests {
		var gas [2]int64
		for i, e := range engines {
			o := call(t, e, wasm, big, 0, tt.fn, tt.n)
			if o.kind != tt.wantKind {
				t.Errorf("%s %s(%d): kind %q, want %q", e.name, tt.fn, tt.n, o.kind, tt.wantKind)
			}
			gas[i] = o.gasUsed
		}
		if gas[0] != gas[1] {
			t.Errorf("%s(%d): gas compiler %d != interpreter %d", tt.fn, tt.n, gas[0], gas[1])
		}
	}
}

// TestMultiValueExits: the extra gas result rides on every way out of a
// function with several results: br_if and br_table to the function's
// label, return and the final end.
func TestMultiValueExits(t *testing.T) {
	wasm := instrument(t, depthWasm)
	want := map[uint64][]uint64{0: {7, 8}, 1: {11, 12}, 2: {13, 14}, 3: {9, 10}}
	for n, w := range want {
		for _, e := range engines {
			o := call(t, e, wasm, 1<<40, 0, "multi", n)
			if o.kind != "" || !slices.Equal(o.results, w) {
				t.Errorf("%s multi(%d) = %v %q, want %v", e.name, n, o.results, o.kind, w)
			}
		}
	}
}

// hostile is a module of n defined functions of one type with params
// i64 params, each exported (so each gets an export wrapper that passes
// every param on), plus memory and validate.
func hostile(n, params int) []byte {
	m := newMod()
	m.section(1, uleb(2), []byte{0x60, 0, 0}, []byte{0x60}, uleb(uint64(params)), repeat([]byte{0x7e}, params), []byte{0})
	m.section(3, uleb(uint64(n+1)), []byte{0}, repeat([]byte{1}, n))
	m.section(5, uleb(1), []byte{0, 1})
	var exports []byte
	for i := range n {
		exports = append(exports, str("f"+itoa36(i))...)
		exports = append(exports, 0)
		exports = append(exports, uleb(uint64(i+1))...)
	}
	m.section(7, uleb(uint64(n+2)), str("memory"), []byte{2, 0}, str("validate"), []byte{0, 0}, exports)
	m.section(10, uleb(uint64(n+1)), repeat([]byte{2, 0, 0x0b}, n+1))
	return m.b
}

// itoa36 is i in base 36: short distinct export names.
func itoa36(i int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 36 {
		b = append([]byte{digits[i%36]}, b...)
	}
	return string(b)
}

// TestExpansionBounded: the wrappers the rewrite appends count against
// MaxFunctions with the defined functions, so a module that exports all
// of its functions cannot double the function count past the limit, and
// the worst case (every function exported, MaxParams params each) stays a
// bounded rewrite.
func TestExpansionBounded(t *testing.T) {
	lim := meter.DefaultLimits()
	half := lim.MaxFunctions / 2
	// validate is defined and exported too: half-1 others fit exactly
	ok := hostile(half-1, lim.MaxParams)
	start := time.Now()
	out, info, err := meter.Instrument(ok, lim)
	if err != nil {
		t.Fatalf("%d exported functions: %v", half, err)
	}
	t.Logf("%d exported functions of %d params: %d bytes -> %d bytes in %v", info.Functions, lim.MaxParams, len(ok), len(out), time.Since(start))
	// each wrapper passes MaxParams params on (2 bytes each below 128,
	// 3 above) plus ~20 bytes; a defined body grows by a few bytes
	if bound := len(ok) + half*(3*lim.MaxParams+40); len(out) > bound {
		t.Errorf("rewrite of %d bytes, want at most %d", len(out), bound)
	}
	_, err = meter.Check(hostile(half, lim.MaxParams), lim)
	if !errors.Is(err, meter.ErrLimit) || !strings.Contains(err.Error(), "wrappers") {
		t.Fatalf("%d exported functions: err = %v, want the function limit", half+1, err)
	}
}
