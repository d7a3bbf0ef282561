package main

import (
	"fmt"
	"io"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
)

// runValidatorCheck is `assay validator check FILE.wasm`.
func runValidatorCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay validator check", stderr)
	pos, err := cliflag.Interleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: assay validator check FILE.wasm")
		return 2
	}
	info, id, err := authoring.Check(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "assay validator check: %v\n", err)
		return 1
	}
	authoring.WriteCheck(stdout, pos[0], id, info)
	return 0
}
