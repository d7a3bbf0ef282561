//go:build !wasip1

// Package ohlcvrust tests validators/ohlcv ported to Rust (src/lib.rs, built
// to the committed ohlcv-rust.wasm by its Makefile) against the Go
// reference: the same fixtures (testdata links to ../ohlcv/testdata) and
// byte-equal outputs on more inputs.
package ohlcvrust

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/sandbox"
	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ohlcv-rust.wasm", "testdata") }

// TestSameAsGo runs the Go module and the port on inputs and params the
// fixtures do not cover and wants the same verdict and bytes.
func TestSameAsGo(t *testing.T) { sameAsGo(t, "ohlcv-rust.wasm") }

// TestReproducibleBuild rebuilds the module with Debian's rustc from a copy
// of the sources in another directory and wants the committed bytes. It
// skips without rustc and its wasm32 standard library.
func TestReproducibleBuild(t *testing.T) {
	rustc := "/usr/bin/rustc"
	if _, err := os.Stat(rustc); err != nil {
		t.Skip("Debian's rustc not installed (apt-get install rustc libstd-rust-dev-wasm32, or make tools): skipping the Rust rebuild")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed: skipping the Rust rebuild")
	}
	root := t.TempDir()
	for _, dir := range []string{"sdk/rust/src", "validators/ohlcv-rust/src"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"sdk/rust/src/lib.rs", "sdk/rust/src/json.rs", "sdk/rust/src/dec.rs",
		"validators/ohlcv-rust/src/lib.rs", "validators/ohlcv-rust/Makefile"} {
		b, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "out.wasm")
	cmd := exec.Command("make", "-s", "-C", filepath.Join(root, "validators/ohlcv-rust"), "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(b), "can't find crate for `std`") {
			t.Skipf("rustc has no wasm32 standard library (apt-get install libstd-rust-dev-wasm32): %s", b)
		}
		t.Fatalf("make: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("ohlcv-rust.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("a rebuild in %s gives %d bytes that differ from the committed %d: run make validators", root, len(got), len(want))
	}
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "ohlcv-rust.wasm", "testdata") }

// sameAsGo compares the port with ../ohlcv/ohlcv.wasm job by job.
func sameAsGo(t *testing.T, port string) {
	goWasm, err := os.ReadFile("../ohlcv/ohlcv.wasm")
	if err != nil {
		t.Fatal(err)
	}
	portWasm, err := os.ReadFile(port)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	goCode, err := rt.Store(ctx, goWasm)
	if err != nil {
		t.Fatal(err)
	}
	portCode, err := rt.Store(ctx, portWasm)
	if err != nil {
		t.Fatal(err)
	}
	const win = `"window_start":1699999500,"window_end":1699999800`
	cases := []struct{ params, input string }{
		{`{"symbol":"ETH-USD",` + win + `}`, `[[1699999500,1.5e3,"2e3","1000.0",1.25e3,"0.000"]]`},
		{`{"symbol":"X","interval":60,` + win + `,"complete":true}`, `[[1699999500,1,1,1,1,1]]`},
		{`{"symbol":"X","interval":60,"window":300,"time_unit":"ms"}`, `[[1699999560000,1,1,1,1,1]]`},
		{`{"symbol":"X\u00e9\"",` + win + `}`, `[{"v":0.1,"t":1699999501,"o":0.30000000000000004,"h":1e2,"l":1e-7,"c":50}]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500.5,1,1,1,1,1]]`},
		{`{"symbol":"X",` + win + `}`, `{"a":1}`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,null,1,1,1,1]]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,"1x",1,1,1,1]]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,1,1,1,1,1],]`},
		{`{"symbol":"X",` + win + `}`, `[{"t":1699999500,"o":1,"h":1,"l":1,"c":1,"c":1}]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,1,1,1,1,1e999]]`},
		{`{"symbol":"X",` + win + `}`, `["\ud800"]`},
		{`{"symbol":"X",` + win + `}`, `[{"t":1699999500,"o":1,"h":1,"l":1,"c":1,"x":1}]`},
		{`{"symbol":"X",` + win + `,"max_candles":1}`, `[[1699999500,1,1,1,1,1],[1699999501,1,1,1,1,1]]`},
		{`{"symbol":"X","window_start":5,"window_end":5}`, `[]`},
		{`{"window":60}`, `[]`},
		// Integers beyond 2^53 are written as ECMAScript does: 2^55 is
		// 36028797018963970, -2^59 is -576460752303423500.
		{`{"symbol":"X","window_start":36028797018963968,"window_end":36028797018964968}`, `[[36028797018963968,1,1,1,1,1]]`},
		{`{"symbol":"X","interval":1024,"window_start":-576460752303423488,"window_end":-576460752303420416}`,
			`[[-576460752303423488,2,2,2,2,2],[-576460752303422464,1,1,1,1,1]]`},
	}
	for _, c := range cases {
		job := sandbox.Job{Source: "same", Input: []byte(c.input), Params: []byte(c.params), Height: 1,
			Time: 1_700_000_000_000_000_000, GasLimit: 200_000_000}
		want := rt.Run(ctx, goCode, job)
		got := rt.Run(ctx, portCode, job)
		if got.Status != want.Status || !bytes.Equal(got.Output, want.Output) {
			t.Errorf("params %s input %s:\n port %v %q\n   go %v %q", c.params, c.input, got.Status, got.Output, want.Status, want.Output)
		}
	}
}
