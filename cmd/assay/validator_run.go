package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/assaynet/assay/internal/authoring"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
)

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
func runValidatorRun(args []string, stdout, stderr io.Writer) int {
	var f runFlags
	fs := newFlags("assay validator run", stderr)
	f.register(fs)
	pos, err := cliflag.Interleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 || f.Input == "" {
		fmt.Fprintln(stderr, "usage: assay validator run FILE.wasm --input FILE [flags] (see -h)")
		return 2
	}
	job, eng, err := f.Job()
	if err != nil {
		fmt.Fprintf(stderr, "assay validator run: %v\n", err)
		return 2
	}
	rep, res, err := authoring.Run(pos[0], eng, job)
	if err != nil {
		fmt.Fprintf(stderr, "assay validator run: %v\n", err)
		return 1
	}
	if f.output != "" && res.Output != nil {
		if err := os.WriteFile(f.output, res.Output, 0o644); err != nil {
			fmt.Fprintf(stderr, "assay validator run: %v\n", err)
			return 1
		}
	}
	writeReport(stdout, f.json, rep)
	if res.Status == abi.StatusUnavailable {
		return 1
	}
	return 0
}
