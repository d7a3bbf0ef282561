//go:build !wasip1

// Package assaytest helps validator program authors test a Go validator program on the
// host: build its .wasm reproducibly, check a committed .wasm is what the
// source builds to, and run the fixtures of a testdata directory natively
// (assay.Exec) with the same expectations the sandbox is held to.
package assaytest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/fixture"
)

// BuildFlags are the `go build` flags of every committed Go validator
// program: a WASI reactor, no paths, VCS stamps or build IDs in the
// bytes, so the same source and toolchain give the same module.
var BuildFlags = []string{
	"-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=",
}

// BuildTimeout bounds one go build.
const BuildTimeout = 5 * time.Minute

// Build compiles the Go validator program package in dir to the wasm file out.
func Build(ctx context.Context, dir, out string) error {
	ctx, cancel := context.WithTimeout(ctx, BuildTimeout)
	defer cancel()
	abs, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("assaytest: %w", err)
	}
	args := append([]string{"build"}, BuildFlags...)
	args = append(args, "-o", abs, ".")
	cmd := exec.CommandContext(ctx, goTool(), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("assaytest: go build in %s: %w\n%s", dir, err, b)
	}
	return nil
}

func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

var producerGo = regexp.MustCompile(`Go cmd/compile.(go[0-9][0-9a-z.\-]*)`)

// GoVersion returns the Go toolchain version recorded in a Go module's
// "producers" section, or "" if there is none.
func GoVersion(wasm []byte) string {
	m := producerGo.FindSubmatch(wasm)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// CheckReproducible rebuilds the validator program in dir and fails t unless the
// result is byte-identical to the committed file. It skips when the
// committed module was built by another Go toolchain (its bytes then
// legitimately differ) or when testing.Short.
func CheckReproducible(t testing.TB, dir, committed string) {
	t.Helper()
	if testing.Short() {
		t.Skip("assaytest: rebuild skipped in -short mode")
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if v := GoVersion(want); v != runtime.Version() {
		t.Skipf("%s was built with %s, this is %s: rebuild it with scripts/validators.sh", committed, v, runtime.Version())
	}
	out := filepath.Join(t.TempDir(), filepath.Base(committed))
	if err := Build(context.Background(), dir, out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s (%d bytes) differs from a fresh build (%d bytes): run scripts/validators.sh and commit", committed, len(want), len(got))
	}
}

// RunNative runs every fixture in dir through the validator program registered in
// this test binary (assay.Exec), as subtests. FAILED expectations with a
// kind are skipped: only the sandbox meters gas and limits.
func RunNative(t *testing.T, dir string) {
	t.Helper()
	fxs, err := fixture.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fxs {
		t.Run(f.Name, func(t *testing.T) {
			round := assay.Round{Height: f.Expect.Height, TimeNanos: f.Expect.TimeNanos}
			res := assay.Exec(assay.Job{Input: f.Input, Params: f.Params, Round: round})
			if f.Expect.Kind != "" {
				t.Skipf("expects FAILED(%s): only the sandbox can tell", f.Expect.Kind)
			}
			if os.Getenv("ASSAY_UPDATE") != "" && res.Status == f.Expect.Status && res.Status == abi.StatusAccepted {
				writeGolden(t, dir, f.Name, res.Output)
				return
			}
			exp := f.Expect
			exp.MaxGas = 0 // no gas natively
			if err := exp.Check(fixture.Got{Status: res.Status, Output: res.Output}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// cacheDir is a compiled-code cache private to this user and module, so
// that repeated test runs skip the compiler (the sandbox keys entries by
// code CID, rewriter and wazero versions, and verifies them).
func cacheDir(wasm []byte) string {
	sum := sha256.Sum256(wasm)
	return filepath.Join(os.TempDir(), fmt.Sprintf("assaytest-cache-%d", os.Getuid()), hex.EncodeToString(sum[:8]))
}

// writeGolden stores an accepted fixture's output as NAME.output (run the
// tests with ASSAY_UPDATE=1 to regenerate, then review the diff).
func writeGolden(t *testing.T, dir, name string, out []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".output"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s.output", name)
}

// RunSandbox runs every fixture in dir through the committed module
// wasmPath in the real sandbox (compiler twice, interpreter once) and fails
// t for every fixture that is nondeterministic or misses its expectation.
// It logs the gas report.
func RunSandbox(t *testing.T, wasmPath, dir string) []fixture.Report {
	t.Helper()
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	fxs, err := fixture.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	reports, err := fixture.RunAll(context.Background(), wasm, fxs, fixture.Options{CacheDir: cacheDir(wasm)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		t.Logf("%-24s %-9v gas %12d  wall %8.2fms", r.Name, r.Status, r.GasUsed, float64(r.Wall.Microseconds())/1000)
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}
	return reports
}

// HugeInput is the size of the input RunHuge sends: the largest a node's
// default fetch cap lets through, well past every validator program's own limit.
const HugeInput = 16 << 20

// RunHuge runs the module once on a HugeInput-byte input of filler bytes in
// the sandbox at the node's maximum gas and fails t unless the verdict is a
// rejection whose reason contains want: a hostile size must cost a clear
// verdict, not a crash or out_of_gas.
func RunHuge(t *testing.T, wasmPath string, params []byte, filler byte, want string) {
	t.Helper()
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.Fixture{
		Name: "huge", Input: bytes.Repeat([]byte{filler}, HugeInput), Params: params,
		Expect: fixture.Expect{Status: abi.StatusRejected, ReasonContains: want, Height: 1},
	}
	reports, err := fixture.RunAll(context.Background(), wasm, []fixture.Fixture{f}, fixture.Options{SkipInterpreter: true, CacheDir: cacheDir(wasm)})
	if err != nil {
		t.Fatal(err)
	}
	r := reports[0]
	t.Logf("%d-byte input: %v %s gas %d wall %v", HugeInput, r.Status, r.Kind, r.GasUsed, r.Wall)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
}

// BenchSandbox benchmarks every fixture in dir on the compiler engine as a
// sub-benchmark, reporting the fixture's gas as "gas/op" beside the wall
// time (instantiate, _initialize, validate). `make bench` collects it.
func BenchSandbox(b *testing.B, wasmPath, dir string) {
	b.Helper()
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		b.Fatal(err)
	}
	fxs, err := fixture.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{CacheDir: cacheDir(wasm)})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close(ctx)
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range fxs {
		job := sandbox.Job{Source: "fixture/" + f.Name, Input: f.Input, Params: f.Params,
			Height: f.Expect.Height, Time: f.Expect.TimeNanos, GasLimit: fixture.DefaultGasLimit}
		b.Run(f.Name, func(b *testing.B) {
			var gas uint64
			for i := 0; i < b.N; i++ {
				res := rt.Run(ctx, code, job)
				if res.Status != f.Expect.Status {
					b.Fatalf("status %v, want %v", res.Status, f.Expect.Status)
				}
				gas = res.GasUsed
			}
			b.ReportMetric(float64(gas), "gas/op")
		})
	}
}
