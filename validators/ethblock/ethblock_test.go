//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesNative(t *testing.T) { assaytest.RunNative(t, "testdata") }

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ethblock.wasm", "testdata") }

func TestReproducibleBuild(t *testing.T) { assaytest.CheckReproducible(t, ".", "ethblock.wasm") }

func TestHugeInputSandbox(t *testing.T) {
	params, err := os.ReadFile("testdata/params.json")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	assaytest.RunHuge(t, "ethblock.wasm", params, '[', "exceeds")
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "ethblock.wasm", "testdata") }
