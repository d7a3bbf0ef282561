package codecheck_test

import (
	"os"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/codecheck"
	"github.com/assaynet/assay/runtime/meter"
)

func TestCheck(t *testing.T) {
	wasm, err := os.ReadFile("../testdata/minimal.wasm")
	if err != nil {
		t.Fatal(err)
	}
	c := codecheck.New(meter.DefaultLimits())
	id, err := c.Check(wasm)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if !strings.HasPrefix(id, "bafkrei") {
		t.Fatalf("cid %q is not a raw-leaf CIDv1", id)
	}
	if _, err := c.Check([]byte("not wasm")); err == nil {
		t.Fatal("garbage accepted")
	}
}
