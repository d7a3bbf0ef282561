package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// guestDir holds the sandbox's WAT test guests (built .wasm committed).
const guestDir = "../../runtime/sandbox/testdata"

func TestValidatorCheck(t *testing.T) {
	garbage := filepath.Join(t.TempDir(), "garbage.wasm")
	if err := os.WriteFile(garbage, []byte("\x00asm\x02\x00\x00\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"ok", []string{filepath.Join(guestDir, "abi.wasm")}, 0,
			[]string{"code cid:    bafkrei", "func assay.input_read (i32, i32, i32) -> (i32)", "func validate", "memory:      min 1 pages, max 4", "check:       ok"}, ""},
		{"reserved-export", []string{filepath.Join(guestDir, "globals.wasm")}, 1, nil, "reserved"},
		{"malformed", []string{garbage}, 1, nil, garbage},
		{"missing-file", []string{filepath.Join(t.TempDir(), "nope.wasm")}, 1, nil, "no such file"},
		{"usage", nil, 2, nil, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"validator", "check"}, tt.args...), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errb.String())
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.stderr)
			}
		})
	}
}
