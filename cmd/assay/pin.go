package main

import (
	"context"
	"fmt"
	"io"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/node"
)

func init() {
	register(command{name: "pin", summary: "the node's pin store: gc", run: group("assay pin", []command{
		{name: "gc", summary: "apply assay.toml's [retention] and collect garbage, node stopped (--dry-run: only show)", run: runPinGC},
	})})
}

// runPinGC is `assay pin gc --home DIR [--dry-run] [-v]`; the work is
// node.GCHome's.
func runPinGC(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay pin gc", stderr)
	home := fs.String("home", "", "node home directory (required; the node must be stopped)")
	dry := fs.Bool("dry-run", false, "show what would be unpinned and freed, change nothing")
	verbose := fs.Bool("v", false, "list every pin that goes")
	if err := fs.Parse(args); err != nil {
		return cliflag.ExitCode(err)
	}
	if !noArgs(fs) {
		return 2
	}
	if *home == "" {
		fmt.Fprintln(stderr, "assay pin gc: --home is required")
		return 2
	}
	rep, err := node.GCHome(context.Background(), *home, *dry)
	if err != nil {
		fmt.Fprintf(stderr, "assay pin gc: %v\n", err)
		return 1
	}
	rep.Write(stdout, *verbose)
	return 0
}
