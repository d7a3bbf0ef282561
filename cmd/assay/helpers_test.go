package main

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"net"
	"testing"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/node"
)

// echoWasm is a tiny validator (its output is its input), so tests do not
// wait for a Go validator to compile.
const echoWasm = "../../consensus/worker/testdata/echo.wasm"

// freeBase finds a base port whose next 10n ports are free on loopback.
func freeBase(t *testing.T, n int) int {
	t.Helper()
	// Below Linux's ephemeral range (32768+), where client sockets of
	// other tests (and TIME-WAIT leftovers of load runs) take ports.
	const lo, hi = 20000, 32000
	for try := 0; try < 100; try++ {
		base := lo + rand.IntN(hi-lo-10*n)
		ok := true
		for p := base; p < base+10*n && ok; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				ok = false
				continue
			}
			_ = l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

// operatorKeyFile is a node home's operator key.
const operatorKeyFile = node.OperatorKeyFile

// readKeyFile reads a key file (operator or `assay keys`).
func readKeyFile(path string) (*cometnode.KeyFile, ed25519.PrivateKey, error) {
	return cometnode.LoadKeyFile(path)
}
