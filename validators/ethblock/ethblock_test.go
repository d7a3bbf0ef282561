package main

import (
	"testing"

	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesNative(t *testing.T) { assaytest.RunNative(t, "testdata") }

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ethblock.wasm", "testdata") }

func TestReproducibleBuild(t *testing.T) { assaytest.CheckReproducible(t, ".", "ethblock.wasm") }
