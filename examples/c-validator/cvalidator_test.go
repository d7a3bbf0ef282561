// Package cvalidator tests the C example validator program (src/validator.c, built to
// the committed validator.wasm by its Makefile).
package cvalidator

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "validator.wasm", "testdata") }

// TestBuild rebuilds the module with clang twice into temp dirs and checks
// both builds are identical and pass the fixtures. It skips without clang.
func TestBuild(t *testing.T) {
	for _, tool := range []string{"clang", "wasm-ld", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install clang lld make): skipping the C rebuild", tool)
		}
	}
	var builds [][]byte
	for i := 0; i < 2; i++ {
		out := filepath.Join(t.TempDir(), "validator.wasm")
		cmd := exec.Command("make", "-s", "-B", "OUT="+out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make: %v\n%s", err, b)
		}
		wasm, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		builds = append(builds, wasm)
	}
	if !bytes.Equal(builds[0], builds[1]) {
		t.Fatal("two clang builds differ")
	}
	fresh := filepath.Join(t.TempDir(), "fresh.wasm")
	if err := os.WriteFile(fresh, builds[0], 0o644); err != nil {
		t.Fatal(err)
	}
	assaytest.RunSandbox(t, fresh, "testdata")
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox: the
// per-job floor of a small C guest, a yardstick for the Go validators.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "validator.wasm", "testdata") }
