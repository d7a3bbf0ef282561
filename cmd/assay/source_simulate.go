package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/plugins/sourcefile"
)

// runSourceSimulate is `assay source simulate FILE.toml [--height H]
// [--time T] [--config assay.toml] [--wasm FILE] [--json]`.
func runSourceSimulate(c *cmd, args []string) int {
	var o authoring.SimOptions
	fs := c.fs
	cliflag.Int(fs, &o.Height, "height", 1, 1, maxHeightFlag, "round height")
	at := fs.String("time", "", "round block time: RFC 3339 or unix seconds (default: now)")
	fs.StringVar(&o.Config, "config", "", "assay.toml with [fetch] and [[plugins]] tables (default: built-in fetchers)")
	fs.StringVar(&o.Wasm, "wasm", "", "module `file` when the source names its code by CID")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := cliflag.Positionals(fs, args)
	if err != nil || len(pos) != 1 {
		return c.usage("usage: assay source simulate FILE.toml|FILE.json [--height H] [--time T] [--config assay.toml] [--wasm FILE] [--json]")
	}
	if o.Config == "" {
		o.FileRoot = filepath.Dir(pos[0]) // without a node config, "file" reads beside the source file
	}
	o.Log = c.stderr
	sf, err := sourcefile.Load(pos[0])
	var rep authoring.SimReport
	if err == nil {
		if o.Time, err = cliflag.RoundTime(*at, time.Now); err == nil {
			rep, err = authoring.Simulate(context.Background(), sf, o)
		}
	}
	if err != nil {
		return c.fail(1, err)
	}
	authoring.Write(c.stdout, rep, *asJSON)
	if rep.Status == "UNAVAILABLE" {
		return 1
	}
	return 0
}
