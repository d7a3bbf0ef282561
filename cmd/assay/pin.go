package main

import (
	"context"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/node"
)

func init() {
	register(command{name: "pin", summary: "the node's pin store: gc", subs: []command{
		{name: "gc", summary: "apply assay.toml's [retention] and collect garbage, node stopped (--dry-run: only show)", run: runPinGC},
	}})
}

// runPinGC is `assay pin gc --home DIR [--dry-run] [-v]`; the work is
// node.GCHome's.
func runPinGC(c *cmd, args []string) int {
	home := c.fs.String("home", "", "node home directory (required; the node must be stopped)")
	dry := c.fs.Bool("dry-run", false, "show what would be unpinned and freed, change nothing")
	verbose := c.fs.Bool("v", false, "list every pin that goes")
	if err := c.fs.Parse(args); err != nil || !cliflag.NoArgs(c.fs) {
		return cliflag.ExitCode(err)
	}
	if *home == "" {
		return c.failf(2, "--home is required")
	}
	rep, err := node.GCHome(context.Background(), *home, *dry)
	if err != nil {
		return c.fail(1, err)
	}
	rep.Write(c.stdout, *verbose)
	return 0
}
