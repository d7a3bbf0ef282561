package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/plugins/sourcefile"
)

// runSourceSimulate is `assay source simulate FILE.toml [--height H]
// [--time T] [--config assay.toml] [--wasm FILE] [--json]`.
func runSourceSimulate(args []string, stdout, stderr io.Writer) int {
	var o authoring.SimOptions
	fs := newFlags("assay source simulate", stderr)
	cliflag.Int(fs, &o.Height, "height", 1, 1, maxHeightFlag, "round height")
	at := fs.String("time", "", "round block time: RFC 3339 or unix seconds (default: now)")
	fs.StringVar(&o.Config, "config", "", "assay.toml with [fetch] and [[plugins]] tables (default: built-in fetchers)")
	fs.StringVar(&o.Wasm, "wasm", "", "module `file` when the source names its code by CID")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := cliflag.Interleaved(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: assay source simulate FILE.toml|FILE.json [--height H] [--time T] [--config assay.toml] [--wasm FILE] [--json]")
		return 2
	}
	sf, err := sourcefile.Load(pos[0])
	if err == nil {
		o.Time, err = parseFetchTime(*at, time.Now)
	}
	if o.Config == "" {
		o.FileRoot = filepath.Dir(pos[0]) // without a node config, "file" reads beside the source file
	}
	var rep authoring.SimReport
	if o.Log = stderr; err == nil {
		rep, err = authoring.Simulate(context.Background(), sf, o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay source simulate: %v\n", err)
		return 1
	}
	if *asJSON {
		b, _ := json.Marshal(rep) // a flat struct of strings and numbers cannot fail
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		rep.WriteText(stdout)
	}
	if rep.Status == "UNAVAILABLE" {
		return 1
	}
	return 0
}
