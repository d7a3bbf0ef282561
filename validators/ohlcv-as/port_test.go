//go:build !wasip1

// Package ohlcvas tests validators/ohlcv ported to AssemblyScript (assembly/index.ts, built
// to the committed ohlcv-as.wasm by its Makefile) against the Go
// reference: the same fixtures (testdata links to ../ohlcv/testdata) and
// byte-equal outputs on more inputs.
package ohlcvas

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/assaynet/assay/sdk/assay/assaytest"
	"github.com/assaynet/assay/validators/internal/porttest"
)

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ohlcv-as.wasm", "testdata") }

// TestSameAsGo runs the Go module and the port on inputs and params the
// fixtures do not cover and wants the same verdict and bytes. Numbers of
// 17 significant digits are left out: AssemblyScript's parseFloat and
// f64.toString are not exact there (0.30000000000000004 becomes
// "0.30000000000000007"); docs/authors.md says so.
func TestSameAsGo(t *testing.T) { porttest.SameAsGo(t, "ohlcv-as.wasm", porttest.Cases(false)) }

// TestReproducibleBuild rebuilds the module with sdk/as's pinned asc
// twice and wants the committed bytes. It skips when sdk/as/node_modules
// is not installed (make tools, or npm ci --offline in sdk/as).
func TestReproducibleBuild(t *testing.T) {
	if _, err := os.Stat("../../sdk/as/node_modules/.bin/asc"); err != nil {
		t.Skip("assemblyscript not installed in sdk/as (make tools, or npm ci in sdk/as): skipping the AssemblyScript rebuild")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed: skipping the AssemblyScript rebuild")
	}
	want, err := os.ReadFile("ohlcv-as.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		out := filepath.Join(t.TempDir(), "out.wasm")
		if b, err := exec.Command("make", "-s", "-B", "OUT="+out).CombinedOutput(); err != nil {
			t.Fatalf("make: %v\n%s", err, b)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("build %d gives %d bytes that differ from the committed %d: run make validators", i, len(got), len(want))
		}
	}
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "ohlcv-as.wasm", "testdata") }
