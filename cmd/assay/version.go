package main

import (
	"fmt"
	"io"

	"github.com/assaynet/assay/runtime/meter"
)

func init() {
	register(command{name: "version", summary: "print the CLI and rewriter versions", run: runVersion})
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "assay dev (validator ABI v1, rewriter v%d)\n", meter.Version)
	return 0
}
