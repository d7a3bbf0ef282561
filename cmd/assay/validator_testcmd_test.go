package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidatorTestCommand runs the committed C example's fixtures, then a
// copy with one expectation broken: the command must say which and fail.
func TestValidatorTestCommand(t *testing.T) {
	ex := filepath.Join(vtRepoRoot(t), "examples", "c-validator")
	var out, errb bytes.Buffer
	if code := run([]string{"validator", "test", ex, "--no-build"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "0 failed") || !strings.Contains(out.String(), "accepted-crlf") {
		t.Fatalf("report:\n%s", out.String())
	}

	broken := t.TempDir()
	vtCopyDir(t, filepath.Join(ex, "testdata"), filepath.Join(broken, "testdata"))
	vtCopyFile(t, filepath.Join(ex, "validator.wasm"), filepath.Join(broken, "validator.wasm"))
	if err := os.WriteFile(filepath.Join(broken, "testdata", "rejected-max.expect"), []byte("status: ACCEPTED\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"validator", "test", broken, "--no-interpreter"}, &out, &errb); code != 1 {
		t.Fatalf("broken fixture: exit %d, want 1\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "rejected-max") || !strings.Contains(out.String(), "FAIL: status REJECTED, want ACCEPTED") {
		t.Fatalf("report:\n%s", out.String())
	}
}

func TestValidatorTestErrors(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"validator", "test"}, 2, "usage"},
		{[]string{"validator", "test", empty}, 1, "no .wasm"},
		{[]string{"validator", "test", empty, "--wasm", filepath.Join(empty, "none.wasm")}, 1, "no such file"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.wantCode || !strings.Contains(errb.String(), tt.wantErr) {
			t.Errorf("%q: exit %d stderr %q, want %d and %q", tt.args, code, errb.String(), tt.wantCode, tt.wantErr)
		}
	}
}

func vtCopyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		vtCopyFile(t, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
	}
}

func vtCopyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
