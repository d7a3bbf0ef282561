//go:build !wasip1

// Package ohlcvc tests validators/ohlcv ported to C (src/ohlcv.c with the
// header-only SDK sdk/c/assay.h, built to the committed ohlcv-c.wasm by
// its Makefile) against the Go reference: the same fixtures (testdata
// links to ../ohlcv/testdata) and byte-equal outputs on more inputs.
package ohlcvc

import (
	"bytes"
	"testing"

	"github.com/assaynet/assay/sdk/assay/assaytest"
	"github.com/assaynet/assay/validators/internal/porttest"
)

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ohlcv-c.wasm", "testdata") }

// TestSameAsGo runs the Go module and the port on inputs and params the
// fixtures do not cover and wants the same verdict and bytes.
func TestSameAsGo(t *testing.T) { porttest.SameAsGo(t, "ohlcv-c.wasm", porttest.Cases(true)) }

// TestSameReasonsAsGo: the port rejects with the Go program's reasons
// byte for byte, sdk/jcs's and sdk/dec's error texts and offsets included.
func TestSameReasonsAsGo(t *testing.T) { porttest.SameAsGo(t, "ohlcv-c.wasm", porttest.ReasonCases()) }

// TestReproducibleBuild rebuilds the module with clang twice in place and
// once from a copy of the sources in another directory, and wants the
// committed bytes each time. It skips without clang and wasm-ld.
func TestReproducibleBuild(t *testing.T) {
	porttest.Rebuild(t, ".", "ohlcv-c.wasm", "clang", "wasm-ld")
	moved := porttest.BuildCopy(t, "validators/ohlcv-c",
		"sdk/c/assay.h", "validators/ohlcv-c/src/ohlcv.c", "validators/ohlcv-c/Makefile")
	if want := porttest.ReadFile(t, "ohlcv-c.wasm"); !bytes.Equal(moved, want) {
		t.Fatalf("a build from another directory gives %d bytes that differ from the committed %d", len(moved), len(want))
	}
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "ohlcv-c.wasm", "testdata") }
