package main

import (
	"crypto/ed25519"
	"testing"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/internal/testports"
	"github.com/assaynet/assay/node"
)

// echoWasm is a tiny validator (its output is its input), so tests do not
// wait for a Go validator to compile.
const echoWasm = "../../consensus/worker/testdata/echo.wasm"

// freeBase finds a base port whose next 10n ports are free on loopback.
func freeBase(t *testing.T, n int) int { return testports.FreeBase(t, n) }

// operatorKeyFile is a node home's operator key.
const operatorKeyFile = node.OperatorKeyFile

// readKeyFile reads a key file (operator or `assay keys`).
func readKeyFile(path string) (*cometnode.KeyFile, ed25519.PrivateKey, error) {
	return cometnode.LoadKeyFile(path)
}
