//go:build !wasip1

package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
)

// FuzzDecodeHeader: any bytes decode to a header that re-encodes to the
// same bytes (canonical RLP), or are rejected; never a panic.
func FuzzDecodeHeader(f *testing.F) {
	f.Add([]byte{0xc0})
	f.Add([]byte{0xc2, 0x81, 0x01})
	f.Add([]byte{0xf8, 0x38})
	f.Add(append([]byte{0xc3}, 0x80, 0x80, 0x80))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeHeader(b)
		if err != nil {
			return
		}
		if again := encodeHeader(h); !bytes.Equal(again, b) {
			t.Fatalf("decode/encode changed %x into %x", b, again)
		}
	})
}

// FuzzValidate: the whole validator program never panics on any input.
func FuzzValidate(f *testing.F) {
	for _, name := range []string{"mainnet-1", "cancun", "rlp-genesis", "hostile-rlp-truncated"} {
		b, err := os.ReadFile("testdata/" + name + ".input")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		validate(b, nil, assay.Round{})
	})
}
