package testports

import (
	"fmt"
	"net"
	"testing"
)

// TestFreeBase: the range it returns can be listened on, and a range with
// a port taken is not free.
func TestFreeBase(t *testing.T) {
	base := FreeBase(t, 2)
	if base < lo || base+20 > hi {
		t.Fatalf("base %d outside %d..%d", base, lo, hi)
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+5))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if free(base, 20) {
		t.Fatalf("range %d+20 reported free with port %d taken", base, base+5)
	}
}
