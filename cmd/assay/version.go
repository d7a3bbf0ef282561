package main

import (
	"fmt"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/runtime/meter"
)

func init() {
	register(command{name: "version", summary: "print the CLI and rewriter versions", run: runVersion})
}

func runVersion(c *cmd, args []string) int {
	if err := c.fs.Parse(args); err != nil {
		return cliflag.ExitCode(err)
	}
	if c.fs.NArg() != 0 {
		return c.failf(2, "unexpected argument %q\nusage: assay version", c.fs.Arg(0))
	}
	fmt.Fprintf(c.stdout, "assay dev (validator ABI v1, rewriter v%d)\n", meter.Version)
	return 0
}
