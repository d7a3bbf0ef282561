//go:build !wasip1

package main

import (
	"testing"

	"github.com/assaynet/assay/sdk/assay/assaytest"
)

// TestFixturesSandbox runs the committed module/jsonfields.wasm in the real
// sandbox: compiler twice and interpreter once, identical verdicts and gas.
func TestFixturesSandbox(t *testing.T) {
	assaytest.RunSandbox(t, "module/jsonfields.wasm", "testdata")
}
