//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
)

// TestMainnetKnownHashes checks the hash of Ethereum mainnet blocks 0 and 1
// (header fields and hashes as published by every block explorer). The
// hashes were not computed by this code, so a match shows that the RLP
// encoding and keccak256 are right.
func TestMainnetKnownHashes(t *testing.T) {
	for _, name := range []string{"mainnet-0", "mainnet-1"} {
		in, err := os.ReadFile("testdata/" + name + ".input")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := validate(in, nil, assay.Round{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
