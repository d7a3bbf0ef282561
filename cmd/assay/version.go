package main

import (
	"fmt"
	"io"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/runtime/meter"
)

func init() {
	register(command{name: "version", summary: "print the CLI and rewriter versions", run: runVersion})
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay version", stderr)
	if err := fs.Parse(args); err != nil {
		return cliflag.ExitCode(err)
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "assay version: unexpected argument %q\nusage: assay version\n", fs.Arg(0))
		return 2
	}
	fmt.Fprintf(stdout, "assay dev (validator ABI v1, rewriter v%d)\n", meter.Version)
	return 0
}
