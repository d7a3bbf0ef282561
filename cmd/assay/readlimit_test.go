package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/internal/filelimit"
)

// TestReadLimits: every file the CLI reads whole is capped. /dev/zero
// (endless) and a sparse file one byte over the limit fail at once with
// "larger than the N-byte limit" instead of exhausting memory.
func TestReadLimits(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	abiWasm := filepath.Join(guestDir, "abi.wasm")
	in := writeFile(t, "in", []byte("hello"))
	overCode := sparseFile(t, filelimit.Code.Bytes+1)
	overInput := sparseFile(t, filelimit.Input.Bytes+1)
	keyring := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"keys", "add", "k", "--keyring", keyring}, &out, &errb); code != 0 {
		t.Fatalf("keys add: %s", errb.String())
	}
	testDir := t.TempDir()
	code, params, input := strconv.FormatInt(filelimit.Code.Bytes, 10), strconv.FormatInt(filelimit.Params.Bytes, 10), strconv.FormatInt(filelimit.Input.Bytes, 10)
	tests := []struct {
		name  string
		args  []string
		limit string
	}{
		{"run code", []string{"validator", "run", "/dev/zero", "--input", in}, code},
		{"run code sparse", []string{"validator", "run", overCode, "--input", in}, code},
		{"run input", []string{"validator", "run", abiWasm, "--input", "/dev/zero"}, input},
		{"run input sparse", []string{"validator", "run", abiWasm, "--input", overInput}, input},
		{"run params", []string{"validator", "run", abiWasm, "--input", in, "--params", "/dev/zero"}, params},
		{"check", []string{"validator", "check", "/dev/zero"}, code},
		{"check sparse", []string{"validator", "check", overCode}, code},
		{"test --wasm", []string{"validator", "test", testDir, "--no-build", "--wasm", "/dev/zero"}, code},
		{"code store", []string{"code", "store", "/dev/zero", "--key", "k", "--keyring", keyring, "--node", "tcp://127.0.0.1:1"}, code},
		{"devnet --code", []string{"devnet", "--code", "/dev/zero", "--headless"}, code},
		{"devnet --params", []string{"devnet", "--code", abiWasm, "--params", "/dev/zero", "--headless"}, params},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			start := time.Now()
			if code := run(tc.args, &out, &errb); code == 0 {
				t.Fatalf("exit 0 for %q", tc.args)
			}
			want := "-byte limit of"
			if !strings.Contains(errb.String(), "is larger than the "+tc.limit+want) {
				t.Errorf("stderr %q, want %q", errb.String(), "is larger than the "+tc.limit+want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// sparseFile returns a file of n bytes that takes no disk space.
func sparseFile(t *testing.T, n int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(n); err != nil {
		t.Fatal(err)
	}
	return p
}
