package main

import (
	"fmt"
	"io"
	"os"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/runtime/pin"
)

// cidStdin is what `assay cid -` reads; tests replace it.
var cidStdin io.Reader = os.Stdin

func init() {
	register(command{name: "cid", summary: "print the IPFS CID of a file without storing it (--v0 for CIDv0)", run: runCID})
}

// runCID is `assay cid [--v0] FILE`: the CID `ipfs add --cid-version=1`
// (or, with --v0, plain `ipfs add`) would print. FILE "-" is stdin.
func runCID(c *cmd, args []string) int {
	v0 := c.fs.Bool("v0", false, "print the CIDv0 (dag-pb leaves) instead of the CIDv1 (raw leaves)")
	pos, err := cliflag.Positionals(c.fs, args)
	if err != nil {
		return cliflag.ExitCode(err)
	}
	if len(pos) != 1 {
		return c.usage("usage: assay cid [--v0] FILE   (FILE - reads stdin)")
	}
	id, err := pin.SumFile(pos[0], cidStdin, *v0)
	if err != nil {
		return c.fail(1, err)
	}
	fmt.Fprintln(c.stdout, id)
	return 0
}
