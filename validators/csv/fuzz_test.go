//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
)

// FuzzValidate: any input is accepted or rejected, never a panic, and the
// normalised output of an accepted input is a fixed point.
func FuzzValidate(f *testing.F) {
	params, err := os.ReadFile("testdata/params.json")
	if err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile("testdata/accepted.input")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("id,price,when,day,ok,note\n1,1,2023-11-14T22:13:20Z,2023-02-28,true,\"a\"\"b\"\n"))
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
