// Package testports finds free loopback port ranges for tests that start
// real nodes.
package testports

import (
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
)

// Range of base ports tried: below Linux's ephemeral range (32768+),
// where client sockets of other tests (and TIME-WAIT leftovers of load
// runs) take ports.
const lo, hi = 20000, 32000

// FreeBase finds a base port whose next 10n ports are free on
// 127.0.0.1 (node i of a testnet uses base+10i .. +3). It tries 100
// random bases and fails t when none is free.
func FreeBase(t testing.TB, n int) int {
	t.Helper()
	for try := 0; try < 100; try++ {
		base := lo + rand.IntN(hi-lo-10*n)
		if free(base, 10*n) {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

// free reports whether ports base .. base+n-1 can all be listened on.
func free(base, n int) bool {
	for p := base; p < base+n; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		_ = l.Close()
	}
	return true
}
