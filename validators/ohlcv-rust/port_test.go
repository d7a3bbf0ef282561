//go:build !wasip1

// Package ohlcvrust tests validators/ohlcv ported to Rust (src/lib.rs, built
// to the committed ohlcv-rust.wasm by its Makefile) against the Go
// reference: the same fixtures (testdata links to ../ohlcv/testdata) and
// byte-equal outputs on more inputs.
package ohlcvrust

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/sdk/assay/assaytest"
	"github.com/assaynet/assay/validators/internal/porttest"
)

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ohlcv-rust.wasm", "testdata") }

// TestSameAsGo runs the Go module and the port on inputs and params the
// fixtures do not cover and wants the same verdict and bytes.
func TestSameAsGo(t *testing.T) { porttest.SameAsGo(t, "ohlcv-rust.wasm", porttest.Cases(true)) }

// TestReproducibleBuild rebuilds the module with Debian's rustc from a copy
// of the sources in another directory and wants the committed bytes. It
// skips without rustc and its wasm32 standard library.
func TestReproducibleBuild(t *testing.T) {
	rustc := "/usr/bin/rustc"
	if _, err := os.Stat(rustc); err != nil {
		t.Skip("Debian's rustc not installed (apt-get install rustc libstd-rust-dev-wasm32, or make tools): skipping the Rust rebuild")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed: skipping the Rust rebuild")
	}
	root := t.TempDir()
	for _, dir := range []string{"sdk/rust/src", "validators/ohlcv-rust/src"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"sdk/rust/src/lib.rs", "sdk/rust/src/json.rs", "sdk/rust/src/dec.rs",
		"validators/ohlcv-rust/src/lib.rs", "validators/ohlcv-rust/Makefile"} {
		b, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "out.wasm")
	cmd := exec.Command("make", "-s", "-C", filepath.Join(root, "validators/ohlcv-rust"), "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(b), "can't find crate for `std`") {
			t.Skipf("rustc has no wasm32 standard library (apt-get install libstd-rust-dev-wasm32): %s", b)
		}
		t.Fatalf("make: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("ohlcv-rust.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("a rebuild in %s gives %d bytes that differ from the committed %d: run make validators", root, len(got), len(want))
	}
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "ohlcv-rust.wasm", "testdata") }
