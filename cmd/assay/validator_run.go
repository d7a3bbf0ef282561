package main

import (
	"flag"
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
func runValidatorRun(c *cmd, args []string) int {
	var f runFlags
	f.register(c.fs)
	pos, err := cliflag.Interleaved(c.fs, args)
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
	writeReport(c.stdout, f.json, rep)
	if res.Status == abi.StatusUnavailable {
		return 1
	}
	return 0
}
