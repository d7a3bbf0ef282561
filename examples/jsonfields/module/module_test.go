package module_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/assaynet/assay/examples/jsonfields/module"
)

// TestEmbeddedParamsMatchFixtures: the devnet's params are the fixtures'.
func TestEmbeddedParamsMatchFixtures(t *testing.T) {
	want, err := os.ReadFile("../testdata/params.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(module.Params, want) {
		t.Fatalf("module/params.json differs from testdata/params.json")
	}
	if !bytes.HasPrefix(module.Wasm, []byte("\x00asm")) {
		t.Fatal("embedded module is not Wasm")
	}
}
