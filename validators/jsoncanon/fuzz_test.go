//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
)

// FuzzValidate: any input is accepted or rejected, never a panic, and an
// accepted input's canonical output is accepted unchanged.
func FuzzValidate(f *testing.F) {
	params, err := os.ReadFile("testdata/params.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"accepted", "rejected-unique", "rejected-range"} {
		b, err := os.ReadFile("testdata/" + name + ".input")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := validate(in, params, assay.Round{})
		if err != nil {
			return
		}
		again, err := validate(out, params, assay.Round{})
		if err != nil || string(again) != string(out) {
			t.Fatalf("not a fixed point: %q -> %q -> %q (%v)", in, out, again, err)
		}
	})
}
