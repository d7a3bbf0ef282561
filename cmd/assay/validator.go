package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
	"github.com/assaynet/assay/sdk/fixture"
)

// The sub-commands of `assay validator`, in the order `assay validator
// help` lists them: flags and output over package authoring.
func init() {
	register(command{name: "validator", summary: "author tools: check, run, new, test a validator program", subs: []command{
		{name: "check", summary: "statically check a validator program (.wasm) and print its report", run: runValidatorCheck},
		{name: "new", summary: "scaffold a validator program (Go, C, Rust or AssemblyScript) with fixtures and a Makefile", run: runValidatorNew},
		{name: "run", summary: "run a validator program on an input and print the verdict", run: runValidatorRun},
		{name: "test", summary: "run a validator program's fixtures (twice and under the interpreter) with a gas report", run: runValidatorTest},
	}})
}

// runValidatorCheck is `assay validator check FILE.wasm`.
func runValidatorCheck(c *cmd, args []string) int {
	pos, err := cliflag.Positionals(c.fs, args)
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

// runValidatorNew is `assay validator new NAME --lang go|c|rust|as [--dir D] [--sdk PATH]`.
func runValidatorNew(c *cmd, args []string) int {
	lang := c.fs.String("lang", "go", "language: "+strings.Join(authoring.Languages, ", "))
	dir := c.fs.String("dir", "", "directory to create (default ./NAME)")
	sdk := c.fs.String("sdk", "", "Assay checkout to copy the SDK from (default: the SDK built into this binary)")
	pos, err := cliflag.Positionals(c.fs, args)
	if err != nil {
		return cliflag.ExitCode(err)
	}
	if len(pos) != 1 || !authoring.ValidName(pos[0]) {
		return c.usage("usage: assay validator new NAME --lang go|c|rust|as [--dir D] [--sdk PATH] (NAME: lowercase letters, digits, _)")
	}
	if *dir == "" {
		*dir = pos[0]
	}
	files, version, err := authoring.Scaffold(pos[0], *lang, *dir, *sdk)
	if err == nil {
		err = authoring.WriteScaffold(*dir, files)
	}
	if err != nil {
		return c.fail(1, err)
	}
	if version != "" {
		fmt.Fprintf(c.stdout, "SDK %s copied to %s\n", version, filepath.Join(*dir, authoring.SDKDir))
	}
	fmt.Fprintf(c.stdout, "created %s validator %q in %s\nnext:\n  make -C %s\n  assay validator test %s\n", *lang, pos[0], *dir, *dir, *dir)
	return 0
}

// runFlags are the flags of `assay validator run`.
type runFlags struct {
	authoring.RunOptions
	output string
	json   bool
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.Input, "input", "", "input `file` (required; - for stdin)")
	fs.StringVar(&f.Params, "params", "", "params `file`")
	fs.StringVar(&f.output, "output", "", "write the output bytes to `file`")
	fs.StringVar(&f.Engine, "engine", "compiler", "wazero engine: compiler or interpreter")
	fs.StringVar(&f.Time, "time", "0", "round time: RFC 3339 or unix nanoseconds")
	fs.StringVar(&f.Source, "source", "local", "source id (seeds random_get)")
	cliflag.Uint(fs, &f.Gas, "gas", sandbox.DefaultMaxGas, 1, maxGasFlag, "gas limit")
	cliflag.Int(fs, &f.Height, "height", 1, 1, maxHeightFlag, "round block height")
	cliflag.Uint(fs, &f.MemoryPages, "memory-pages", 0, 0, maxMemoryPagesFlag, "memory limit in 64 KiB pages (0 = node default)")
	cliflag.Int(fs, &f.MaxOutput, "max-output", sandbox.DefaultMaxOutput, 1, maxOutputFlag, "output limit in bytes")
	fs.BoolVar(&f.json, "json", false, "print one JSON object")
}

// runValidatorRun is `assay validator run FILE.wasm --input F ...`.
func runValidatorRun(c *cmd, args []string) int {
	var f runFlags
	f.register(c.fs)
	pos, err := cliflag.Positionals(c.fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 || f.Input == "" {
		return c.usage("usage: assay validator run FILE.wasm --input FILE [flags] (see -h)")
	}
	job, eng, err := f.Job()
	if err != nil {
		return c.fail(2, err)
	}
	rep, res, err := authoring.Run(pos[0], eng, job)
	if err == nil && f.output != "" && res.Output != nil {
		err = os.WriteFile(f.output, res.Output, 0o644)
	}
	if err != nil {
		return c.fail(1, err)
	}
	authoring.Write(c.stdout, rep, f.json)
	if res.Status == abi.StatusUnavailable {
		return 1
	}
	return 0
}

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
	authoring.WriteFixtures(c.stdout, rows, !f.NoInterpreter, f.json)
	for _, r := range rows {
		if !r.OK {
			return 1
		}
	}
	return 0
}
