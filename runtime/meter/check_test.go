package meter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/meter"
)

func TestCheckLimitsAndForbidden(t *testing.T) {
	empty := []byte{0, 0x0b}
	nested := func(n int) []byte {
		b := []byte{0}
		b = append(b, repeat([]byte{0x02, 0x40}, n)...)
		b = append(b, repeat([]byte{0x0b}, n)...)
		return append(b, 0x0b)
	}
	brTable := func(n int) []byte {
		b := []byte{0, 0x02, 0x40, 0x41, 0}
		b = append(b, 0x0e)
		b = append(b, uleb(uint64(n))...)
		b = append(b, repeat([]byte{0}, n+1)...)
		return append(b, 0x0b, 0x0b)
	}
	tests := []struct {
		name string
		wasm []byte
		kind error
		msg  string
	}{
		{"ok", validator(nil, 1, empty), nil, ""},
		{"locals", validator(nil, 1, append(append([]byte{1}, uleb(70000)...), 0x7f, 0x0b)), meter.ErrLimit, "function 0: 70000 locals exceeds limit 1024"},
		{"nesting ok", validator(nil, 1, nested(2048)), nil, ""},
		{"nesting", validator(nil, 1, nested(2049)), meter.ErrLimit, "block nesting 2049 exceeds limit 2048"},
		{"br_table", validator(nil, 1, brTable(20000)), meter.ErrLimit, "br_table with 20000 targets exceeds limit 16384"},
		{"br_table total", validator(nil, 1, manyBrTables(17, 16000)), meter.ErrLimit, "br_table targets in the module exceeds limit 262144"},
		{"memory", validator(nil, 513, empty), meter.ErrLimit, "minimum 513 pages exceeds limit 512"},
		{"simd", validator(nil, 1, []byte{0, 0xfd, 0x0c, 0x0b}), meter.ErrForbidden, "SIMD"},
		{"atomics", validator(nil, 1, []byte{0, 0xfe, 0x03, 0x0b}), meter.ErrForbidden, "atomic"},
		{"tail call", validator(nil, 1, []byte{0, 0x12, 0, 0x0b}), meter.ErrForbidden, "tail call"},
		{"try", validator(nil, 1, []byte{0, 0x06, 0x40, 0x0b, 0x0b}), meter.ErrForbidden, "exception"},
		{"table.grow", validator(nil, 1, []byte{0, 0xfc, 15, 0, 0x0b}), meter.ErrForbidden, "table instruction"},
		{"ref.null", validator(nil, 1, []byte{0, 0xd0, 0x70, 0x1a, 0x0b}), meter.ErrForbidden, "reference"},
		{"over-aligned load", validator(nil, 1, []byte{0, 0x41, 0, 0x28, 3, 0, 0x1a, 0x0b}), meter.ErrInvalid, "alignment"},
		{"natural load", validator(nil, 1, []byte{0, 0x41, 0, 0x28, 2, 0, 0x1a, 0x0b}), nil, ""},
		{"illegal opcode", validator(nil, 1, []byte{0, 0xff, 0x0b}), meter.ErrMalformed, "illegal opcode 0xff"},
		{"unterminated body", validator(nil, 1, []byte{0, 0x01}), meter.ErrMalformed, "unexpected end"},
		{"unknown import", validator([][]byte{funcImport("env", "abort")}, 1, empty), meter.ErrImport, "env.abort): not in the allow-list"},
		{"wrong signature", validator([][]byte{funcImport("assay", "input_len")}, 1, empty), meter.ErrImport, "signature () -> (), want () -> (i32)"},
		{"allowed import", validator([][]byte{funcImport("wasi_snapshot_preview1", "nope")}, 1, empty), meter.ErrImport, "allow-list"},
	}
	for _, tt := range tests {
		_, err := meter.Check(tt.wasm, meter.DefaultLimits())
		if tt.kind == nil {
			if err != nil {
				t.Errorf("%s: unexpected error %v", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want %v containing %q", tt.name, err, tt.kind, tt.msg)
		}
	}
}

// manyBrTables is a body with k br_tables of n targets each.
func manyBrTables(k, n int) []byte {
	one := []byte{0x02, 0x40, 0x41, 0, 0x0e}
	one = append(one, uleb(uint64(n))...)
	one = append(one, repeat([]byte{0}, n+1)...)
	one = append(one, 0x0b)
	return append(append([]byte{0}, repeat(one, k)...), 0x0b)
}

func TestCheckReport(t *testing.T) {
	info, err := meter.Check(loopWasm, meter.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != len(loopWasm) || info.MemoryMin != 1 || info.Functions != 10 || info.MaxNesting != 2 {
		t.Errorf("unexpected report %+v", info)
	}
}

func TestModuleSizeLimit(t *testing.T) {
	lim := meter.DefaultLimits()
	lim.MaxModuleBytes = 100
	if _, err := meter.Check(loopWasm, lim); !errors.Is(err, meter.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
}

// FuzzInstrument: any bytes give a clean error or a rewrite; the rewrite
// is deterministic and never panics.
func FuzzInstrument(f *testing.F) {
	f.Add(loopWasm)
	f.Add(benchWasm)
	f.Add(validator(nil, 1, []byte{0, 0x0b}))
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, wasm []byte) {
		out, _, err := meter.Instrument(wasm, meter.DefaultLimits())
		if err != nil {
			var me *meter.Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v is not a *meter.Error", err)
			}
			return
		}
		again, _, err := meter.Instrument(wasm, meter.DefaultLimits())
		if err != nil || string(again) != string(out) {
			t.Fatal("rewrite is not deterministic")
		}
	})
}
