//go:build !wasip1

// Package ohlcvas tests validators/ohlcv ported to AssemblyScript (assembly/index.ts, built
// to the committed ohlcv-as.wasm by its Makefile) against the Go
// reference: the same fixtures (testdata links to ../ohlcv/testdata) and
// byte-equal outputs on more inputs.
package ohlcvas

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/assaynet/assay/runtime/sandbox"
	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ohlcv-as.wasm", "testdata") }

// TestSameAsGo runs the Go module and the port on inputs and params the
// fixtures do not cover and wants the same verdict and bytes. Numbers of
// 17 significant digits are left out: AssemblyScript's parseFloat and
// f64.toString are not exact there (0.30000000000000004 becomes
// "0.30000000000000007"); docs/authors.md says so.
func TestSameAsGo(t *testing.T) { sameAsGo(t, "ohlcv-as.wasm") }

// TestReproducibleBuild rebuilds the module with sdk/as's pinned asc
// twice and wants the committed bytes. It skips when sdk/as/node_modules
// is not installed (make tools, or npm ci --offline in sdk/as).
func TestReproducibleBuild(t *testing.T) {
	if _, err := os.Stat("../../sdk/as/node_modules/.bin/asc"); err != nil {
		t.Skip("assemblyscript not installed in sdk/as (make tools, or npm ci in sdk/as): skipping the AssemblyScript rebuild")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed: skipping the AssemblyScript rebuild")
	}
	want, err := os.ReadFile("ohlcv-as.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		out := filepath.Join(t.TempDir(), "out.wasm")
		if b, err := exec.Command("make", "-s", "-B", "OUT="+out).CombinedOutput(); err != nil {
			t.Fatalf("make: %v\n%s", err, b)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("build %d gives %d bytes that differ from the committed %d: run make validators", i, len(got), len(want))
		}
	}
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "ohlcv-as.wasm", "testdata") }

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
		{`{"symbol":"X\u00e9\"",` + win + `}`, `[{"v":0.1,"t":1699999501,"o":0.3000000000000001,"h":1e2,"l":1e-7,"c":50}]`},
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
