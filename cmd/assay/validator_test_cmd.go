package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/sdk/fixture"
)

func init() {
	registerValidatorCommand(command{
		name:    "test",
		summary: "run a validator's fixtures (twice and under the interpreter) with a gas report",
		run:     runValidatorTest,
	})
}

// buildTimeout bounds `make` before a test run.
const buildTimeout = 5 * time.Minute

// testFlags are the flags of `assay validator test`.
type testFlags struct {
	wasm           string
	gas            uint64
	noBuild        bool
	noInterpreter  bool
	json           bool
	fixturesSubdir string
}

// testRow is one fixture in the --json report (an array of these).
type testRow struct {
	Name      string  `json:"name"`
	Status    string  `json:"status"`
	Kind      string  `json:"kind,omitempty"`
	GasUsed   uint64  `json:"gas_used"`
	WallMS    float64 `json:"wall_ms"`
	OutputCID string  `json:"output_cid"`
	OK        bool    `json:"ok"`
	Error     string  `json:"error,omitempty"`
}

// runValidatorTest is `assay validator test DIR`.
func runValidatorTest(args []string, stdout, stderr io.Writer) int {
	var f testFlags
	fs := newFlags("assay validator test", stderr)
	fs.StringVar(&f.wasm, "wasm", "", "module `file` (default: the one *.wasm in DIR)")
	uintVar(fs, &f.gas, "gas", fixture.DefaultGasLimit, 1, maxGasFlag, "gas limit per job")
	fs.BoolVar(&f.noBuild, "no-build", false, "do not run make in DIR first")
	fs.BoolVar(&f.noInterpreter, "no-interpreter", false, "skip the interpreter cross-check")
	fs.BoolVar(&f.json, "json", false, "print a JSON array, one object per fixture")
	fs.StringVar(&f.fixturesSubdir, "fixtures", "testdata", "fixture directory inside DIR")
	pos, err := flagsAndArgs(fs, args)
	if err != nil {
		return flagErrExit(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: assay validator test DIR [--wasm FILE] [--gas N] [--no-build] [--no-interpreter] [--json]")
		return 2
	}
	rows, err := testValidatorDir(pos[0], f, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "assay validator test: %v\n", err)
		return 1
	}
	printTestRows(stdout, rows, f.json, !f.noInterpreter)
	for _, r := range rows {
		if !r.OK {
			return 1
		}
	}
	return 0
}

func testValidatorDir(dir string, f testFlags, stderr io.Writer) ([]testRow, error) {
	if !f.noBuild {
		if err := makeIn(dir, stderr); err != nil {
			return nil, err
		}
	}
	wasmPath, err := findWasm(dir, f.wasm)
	if err != nil {
		return nil, err
	}
	wasm, err := readFileLimit(wasmPath, maxCodeFileBytes, limitCode)
	if err != nil {
		return nil, err
	}
	fxs, err := fixture.Load(filepath.Join(dir, f.fixturesSubdir))
	if err != nil {
		return nil, err
	}
	reports, err := fixture.RunAll(context.Background(), wasm, fxs, fixture.Options{GasLimit: f.gas, SkipInterpreter: f.noInterpreter})
	if err != nil {
		return nil, err
	}
	rows := make([]testRow, len(reports))
	for i, r := range reports {
		rows[i] = rowOf(r)
	}
	return rows, nil
}

func rowOf(r fixture.Report) testRow {
	row := testRow{Name: r.Name, Status: r.Status.String(), Kind: r.Kind, GasUsed: r.GasUsed,
		WallMS: float64(r.Wall.Microseconds()) / 1000, OK: r.Err == nil}
	if c, err := pin.SumBytes(r.Output); err == nil {
		row.OutputCID = c.String()
	}
	if r.Err != nil {
		row.Error = r.Err.Error()
	}
	return row
}

// makeIn runs make in dir when it has a Makefile.
func makeIn(dir string, stderr io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, "Makefile")); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := exec.LookPath("make"); err != nil {
		return fmt.Errorf("%s has a Makefile but make is not installed (or pass --no-build)", dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "-s", "-C", dir)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("make -C %s: %w", dir, err)
	}
	return nil
}

// findWasm returns flagPath or the single *.wasm file in dir.
func findWasm(dir, flagPath string) (string, error) {
	if flagPath != "" {
		return flagPath, nil
	}
	list, err := filepath.Glob(filepath.Join(dir, "*.wasm"))
	if err != nil {
		return "", err
	}
	switch len(list) {
	case 0:
		return "", fmt.Errorf("no .wasm in %s (build it, or pass --wasm)", dir)
	case 1:
		return list[0], nil
	}
	return "", fmt.Errorf("%d .wasm files in %s: pass --wasm", len(list), dir)
}

func printTestRows(w io.Writer, rows []testRow, asJSON, interp bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(rows)
		return
	}
	fmt.Fprintf(w, "%-28s %-9s %12s %10s  %s\n", "FIXTURE", "STATUS", "GAS", "WALL(ms)", "RESULT")
	failed := 0
	for _, r := range rows {
		result := "ok"
		if !r.OK {
			result, failed = "FAIL: "+r.Error, failed+1
		}
		fmt.Fprintf(w, "%-28s %-9s %12d %10.2f  %s\n", r.Name, r.Status, r.GasUsed, r.WallMS, result)
	}
	runs := "twice on the compiler and once on the interpreter"
	if !interp {
		runs = "twice on the compiler"
	}
	fmt.Fprintf(w, "%d fixtures, %d failed (each run %s, verdicts and gas identical)\n", len(rows), failed, runs)
}
