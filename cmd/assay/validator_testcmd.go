package main

import (
	"encoding/json"
	"fmt"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/sdk/fixture"
)

// testFlags are the flags of `assay validator test`.
type testFlags struct {
	authoring.FixtureOptions
	json   bool
	update bool
}

// runValidatorTest is `assay validator test DIR`.
func runValidatorTest(c *cmd, args []string) int {
	var f testFlags
	fs := c.fs
	fs.StringVar(&f.Wasm, "wasm", "", "module `file` (default: the one *.wasm in DIR)")
	cliflag.Uint(fs, &f.GasLimit, "gas", fixture.DefaultGasLimit, 1, maxGasFlag, "gas limit per job")
	fs.BoolVar(&f.NoBuild, "no-build", false, "do not run make in DIR first")
	fs.BoolVar(&f.NoInterpreter, "no-interpreter", false, "skip the interpreter cross-check")
	fs.BoolVar(&f.json, "json", false, "print a JSON array, one object per fixture")
	fs.StringVar(&f.Fixtures, "fixtures", "testdata", "fixture directory inside DIR")
	fs.BoolVar(&f.update, "update", false, "first write expected outputs (.expect, .output) for fixtures that have none or differ")
	pos, err := cliflag.Positionals(fs, args)
	if err != nil {
		return cliflag.ExitCode(err)
	}
	if len(pos) != 1 {
		return c.usage("usage: assay validator test DIR [--wasm FILE] [--gas N] [--no-build] [--no-interpreter] [--json] [--update]")
	}
	if f.update {
		written, err := authoring.UpdateFixtures(pos[0], f.FixtureOptions, c.stderr)
		for _, w := range written {
			fmt.Fprintf(c.stderr, "wrote %s\n", w)
		}
		if err != nil {
			return c.failf(1, "--update: %v", err)
		}
		f.NoBuild = true
	}
	rows, err := authoring.RunFixtures(pos[0], f.FixtureOptions, c.stderr)
	if err != nil {
		return c.fail(1, err)
	}
	if f.json {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rows)
	} else {
		authoring.WriteFixtureTable(c.stdout, rows, !f.NoInterpreter)
	}
	for _, r := range rows {
		if !r.OK {
			return 1
		}
	}
	return 0
}
