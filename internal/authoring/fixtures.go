package authoring

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/assaynet/assay/internal/filelimit"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/sdk/fixture"
)

// buildTimeout bounds `make` before a fixture run.
const buildTimeout = 5 * time.Minute

// FixtureOptions configure RunFixtures.
type FixtureOptions struct {
	Wasm          string // module file; "" = the one *.wasm in the directory
	GasLimit      uint64 // per job
	NoBuild       bool   // do not run make in the directory first
	NoInterpreter bool   // skip the interpreter cross-check
	Fixtures      string // fixture directory inside the validator's
}

// FixtureRow is one fixture's outcome, and one object of the `assay
// validator test --json` array. Outside tools parse it: only add fields.
type FixtureRow struct {
	Name      string  `json:"name"`
	Status    string  `json:"status"`
	Kind      string  `json:"kind,omitempty"`
	GasUsed   uint64  `json:"gas_used"`
	WallMS    float64 `json:"wall_ms"`
	OutputCID string  `json:"output_cid"`
	OK        bool    `json:"ok"`
	Error     string  `json:"error,omitempty"`
}

// RunFixtures builds the validator program in dir (make, when it has a Makefile;
// make's output goes to buildOut) and runs its fixtures (sdk/fixture):
// each twice on the compiler and, unless o.NoInterpreter, once on the
// interpreter, which must agree on verdict and gas.
func RunFixtures(dir string, o FixtureOptions, buildOut io.Writer) ([]FixtureRow, error) {
	wasm, err := builtWasm(dir, o, buildOut)
	if err != nil {
		return nil, err
	}
	fxs, err := fixture.Load(filepath.Join(dir, o.Fixtures))
	if err != nil {
		return nil, err
	}
	reports, err := fixture.RunAll(context.Background(), wasm, fxs, fixture.Options{GasLimit: o.GasLimit, SkipInterpreter: o.NoInterpreter})
	if err != nil {
		return nil, err
	}
	rows := make([]FixtureRow, len(reports))
	for i, r := range reports {
		rows[i] = rowOf(r)
	}
	return rows, nil
}

func rowOf(r fixture.Report) FixtureRow {
	row := FixtureRow{Name: r.Name, Status: r.Status.String(), Kind: r.Kind, GasUsed: r.GasUsed,
		WallMS: float64(r.Wall.Microseconds()) / 1000, OK: r.Err == nil}
	if c, err := pin.SumBytes(r.Output); err == nil {
		row.OutputCID = c.String()
	}
	if r.Err != nil {
		row.Error = r.Err.Error()
	}
	return row
}

// builtWasm builds the validator program in dir unless o.NoBuild (make,
// when it has a Makefile; make's output goes to buildOut) and reads its
// module: o.Wasm, or the single *.wasm file in dir.
func builtWasm(dir string, o FixtureOptions, buildOut io.Writer) ([]byte, error) {
	if !o.NoBuild {
		if err := makeIn(dir, buildOut); err != nil {
			return nil, err
		}
	}
	wasmPath, err := findWasm(dir, o.Wasm)
	if err != nil {
		return nil, err
	}
	wasm, err := filelimit.Read(wasmPath, filelimit.Code)
	if err != nil {
		return nil, err
	}
	return wasm, nil
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
