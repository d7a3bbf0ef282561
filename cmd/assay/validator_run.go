package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

func init() {
	registerValidatorCommand(command{
		name:    "run",
		summary: "run a Wasm validator on an input and print the verdict",
		run:     runValidatorRun,
	})
}

// runFlags are the flags of `assay validator run`.
type runFlags struct {
	input, params, output, engine, timeArg, source string
	gas                                            uint64
	height                                         int64
	memoryPages                                    uint32
	maxOutput                                      int
	json                                           bool
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.input, "input", "", "input `file` (required; - for stdin)")
	fs.StringVar(&f.params, "params", "", "params `file`")
	fs.StringVar(&f.output, "output", "", "write the output bytes to `file`")
	fs.StringVar(&f.engine, "engine", "compiler", "wazero engine: compiler or interpreter")
	fs.StringVar(&f.timeArg, "time", "0", "round time: RFC 3339 or unix nanoseconds")
	fs.StringVar(&f.source, "source", "local", "source id (seeds random_get)")
	uintVar(fs, &f.gas, "gas", sandbox.DefaultMaxGas, 1, maxGasFlag, "gas limit")
	intVar(fs, &f.height, "height", 1, 1, maxHeightFlag, "round block height")
	uintVar(fs, &f.memoryPages, "memory-pages", 0, 0, maxMemoryPagesFlag, "memory limit in 64 KiB pages (0 = node default)")
	intVar(fs, &f.maxOutput, "max-output", sandbox.DefaultMaxOutput, 1, maxOutputFlag, "output limit in bytes")
	fs.BoolVar(&f.json, "json", false, "print one JSON object")
}

// runReport is the --json output. Outside tools parse it: only add fields.
type runReport struct {
	Status     string  `json:"status"`
	Kind       string  `json:"kind"`
	Reason     string  `json:"reason"`
	GasUsed    uint64  `json:"gas_used"`
	OutputSize int     `json:"output_size"`
	OutputCID  string  `json:"output_cid"`
	WallMS     float64 `json:"wall_ms"`
	CodeCID    string  `json:"code_cid"`
	Engine     string  `json:"engine"`
	Log        string  `json:"log"`
	Error      string  `json:"error,omitempty"`
}

// runValidatorRun is `assay validator run FILE.wasm --input F ...`.
func runValidatorRun(args []string, stdout, stderr io.Writer) int {
	var f runFlags
	fs := newFlags("assay validator run", stderr)
	f.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 || f.input == "" {
		fmt.Fprintln(stderr, "usage: assay validator run FILE.wasm --input FILE [flags] (see -h)")
		return 2
	}
	job, eng, err := f.job()
	if err != nil {
		fmt.Fprintf(stderr, "assay validator run: %v\n", err)
		return 2
	}
	rep, res, err := runModule(pos[0], eng, job)
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
	printRun(stdout, rep, f.json)
	if res.Status == abi.StatusUnavailable {
		return 1
	}
	return 0
}

// job builds the sandbox job from the flags.
func (f *runFlags) job() (sandbox.Job, sandbox.Engine, error) {
	eng, ok := sandbox.ParseEngine(f.engine)
	if !ok {
		return sandbox.Job{}, 0, fmt.Errorf("unknown engine %q", f.engine)
	}
	t, err := parseTime(f.timeArg)
	if err != nil {
		return sandbox.Job{}, 0, err
	}
	in, err := readFileLimit(f.input, maxInputFileBytes, limitInput)
	if err != nil {
		return sandbox.Job{}, 0, err
	}
	var params []byte
	if f.params != "" {
		if params, err = readFileLimit(f.params, maxParamsFileBytes, limitParams); err != nil {
			return sandbox.Job{}, 0, err
		}
	}
	return sandbox.Job{
		Source: f.source, Input: in, Params: params, Height: f.height, Time: t,
		GasLimit: f.gas, MaxOutput: f.maxOutput, MemoryPages: f.memoryPages,
	}, eng, nil
}

// parseTime accepts RFC 3339 or integer unix nanoseconds.
func parseTime(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("--time %q: want RFC 3339 or unix nanoseconds", s)
	}
	return t.UnixNano(), nil
}

// runModule stores and runs the module once, in a fresh runtime.
func runModule(path string, eng sandbox.Engine, job sandbox.Job) (runReport, sandbox.Result, error) {
	ctx := context.Background()
	wasm, err := readFileLimit(path, maxCodeFileBytes, limitCode)
	if err != nil {
		return runReport{}, sandbox.Result{}, err
	}
	rt, err := sandbox.New(ctx, sandbox.Config{Engine: eng, MaxGas: max(job.GasLimit, sandbox.DefaultMaxGas)})
	if err != nil {
		return runReport{}, sandbox.Result{}, err
	}
	defer rt.Close(ctx)
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		return runReport{}, sandbox.Result{}, fmt.Errorf("%s: %w", path, err)
	}
	res := rt.Run(ctx, code, job)
	rep := runReport{
		Status: res.Status.String(), Kind: res.Kind, Reason: res.Reason, GasUsed: res.GasUsed,
		OutputSize: len(res.Output), WallMS: float64(res.Wall.Microseconds()) / 1000,
		CodeCID: code.CID.String(), Engine: eng.String(), Log: string(res.Log),
	}
	if res.Err != nil {
		rep.Error = res.Err.Error()
	}
	if res.Status != abi.StatusUnavailable {
		id, err := pin.SumBytes(res.Output)
		if err != nil {
			return rep, res, errors.Join(errors.New("output cid"), err)
		}
		rep.OutputCID = id.String()
	}
	return rep, res, nil
}

func printRun(w io.Writer, rep runReport, asJSON bool) {
	if asJSON {
		b, _ := json.Marshal(rep) // a flat struct of strings and numbers cannot fail
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "status:      %s\n", rep.Status)
	if rep.Kind != "" {
		fmt.Fprintf(w, "kind:        %s\n", rep.Kind)
	}
	if rep.Reason != "" {
		fmt.Fprintf(w, "reason:      %q\n", rep.Reason)
	}
	if rep.Error != "" {
		fmt.Fprintf(w, "error:       %s\n", rep.Error)
	}
	fmt.Fprintf(w, "gas used:    %d\n", rep.GasUsed)
	fmt.Fprintf(w, "output:      %d bytes\n", rep.OutputSize)
	fmt.Fprintf(w, "output cid:  %s\n", rep.OutputCID)
	fmt.Fprintf(w, "code cid:    %s\n", rep.CodeCID)
	fmt.Fprintf(w, "engine:      %s\n", rep.Engine)
	fmt.Fprintf(w, "wall:        %.3f ms\n", rep.WallMS)
	if rep.Log != "" {
		fmt.Fprintf(w, "log:\n%s\n", rep.Log)
	}
}
