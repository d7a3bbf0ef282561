package main

import (
	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
)

// runValidatorCheck is `assay validator check FILE.wasm`.
func runValidatorCheck(c *cmd, args []string) int {
	pos, err := cliflag.Interleaved(c.fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		return c.usage("usage: assay validator check FILE.wasm")
	}
	info, id, err := authoring.Check(pos[0])
	if err != nil {
		return c.fail(1, err)
	}
	authoring.WriteCheck(c.stdout, pos[0], id, info)
	return 0
}
