//go:build !wasip1

package ohlcvas

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/assaynet/assay/internal/numtest"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
)

// numHarness builds sdk/as/testdata/numtest.ts (sdk/as/assembly/num.ts
// behind the ABI) with sdk/as's pinned asc and runs jobs on it. It skips
// without the compiler.
func numHarness(t *testing.T) numtest.Run {
	t.Helper()
	const sdk = "../../sdk/as"
	if _, err := os.Stat(sdk + "/node_modules/.bin/asc"); err != nil {
		t.Skip("assemblyscript not installed in sdk/as (make tools, or npm ci in sdk/as): skipping the number tests")
	}
	out := filepath.Join(t.TempDir(), "numtest.wasm")
	cmd := exec.Command("node_modules/.bin/asc", "testdata/numtest.ts", "--runtime", "stub", "--use", "abort=testdata/numtest/abortTrap",
		"--exportStart", "_initialize", "-O3", "--noAssert", "-o", out)
	cmd.Dir = sdk
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("asc: %v\n%s", err, b)
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	return func(input []byte) []string {
		t.Helper()
		res := rt.Run(ctx, code, sandbox.Job{Source: "num", Input: input, Height: 1, GasLimit: 200_000_000})
		if res.Status != abi.StatusAccepted {
			t.Fatalf("numtest: %v %s %s %v", res.Status, res.Kind, res.Reason, res.Err)
		}
		return strings.Split(strings.TrimSuffix(string(res.Output), "\n"), "\n")
	}
}

// TestFormatEMatchesStrconv: num.ts's formatE writes what Go's
// strconv.FormatFloat(f, 'e', -1, 64) writes (the shortest digits that
// read back, the nearest of them), which sdk/dec.FromFloat and so the Go
// validator use, for edge cases and a seeded sample of 3,000 doubles.
func TestFormatEMatchesStrconv(t *testing.T) {
	run := numHarness(t)
	fs := append(numtest.EdgeFloats(), numtest.RandomFloats(3000)...)
	numtest.CheckFormat(t, run, "AS", fs, 500, func(f float64) string { return strconv.FormatFloat(f, 'e', -1, 64) })
}

// TestParseF64MatchesStrconv: num.ts's parseF64 reads JSON number text to
// the bits of Go's strconv.ParseFloat (±Inf: out of range), for edge
// cases, exact midpoints between doubles, long digit strings and a seeded
// sample.
func TestParseF64MatchesStrconv(t *testing.T) {
	numtest.CheckParse(t, numHarness(t), "AS", numtest.ParseTexts(2000), 100)
}
