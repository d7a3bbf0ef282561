//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
)

// FuzzValidate: any input is accepted or rejected, never a panic, and an
// accepted one re-validates from its own candles.
func FuzzValidate(f *testing.F) {
	params, err := os.ReadFile("testdata/params.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"accepted", "rejected-order", "rejected-price"} {
		b, err := os.ReadFile("testdata/" + name + ".input")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	round := assay.Round{TimeNanos: 1_700_000_000 * 1e9}
	f.Fuzz(func(t *testing.T, b []byte) {
		validate(b, params, round)
	})
}
