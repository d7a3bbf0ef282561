package authoring

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins/sourcefile"
)

// jsoncanonDir is a Go reference validator program (a JSON Schema
// validator whose gas depends on the source id and height it is seeded
// with, so a job built from the wrong round shows in the gas).
const jsoncanonDir = "../../validators/jsoncanon"

// TestSimulate simulates a source with a "file" fetch and checks each
// verdict against `validator run`'s for the job the chain would build:
// the source's params, gas limit, memory, output limit and id, the
// height and the block time.
func TestSimulate(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(jsoncanonDir, "jsoncanon.wasm"), filepath.Join(dir, "v.wasm"))
	copyFile(t, filepath.Join(jsoncanonDir, "testdata", "params.json"), filepath.Join(dir, "schema.json"))
	copyFile(t, filepath.Join(jsoncanonDir, "testdata", "accepted.input"), filepath.Join(dir, "good.json"))
	writeFile(t, filepath.Join(dir, "bad.json"), `{"station":"x","readings":[]}`)
	at := time.Unix(1_700_000_000, 0)
	cases := []struct {
		name, input, extra string
		status, kind       string
	}{
		{"accepted", "good.json", "", "ACCEPTED", ""},
		{"rejected", "bad.json", "", "REJECTED", ""},
		{"output limit", "good.json", "max_output = 3\n", "FAILED", "output_limit"},
		{"no input", "missing.json", "", "UNAVAILABLE", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := filepath.Join(dir, "s.toml")
			maxOut := "max_output = 65536\n"
			if tc.extra != "" {
				maxOut = tc.extra
			}
			writeFile(t, src, `id = "sim-1"
code_file = "v.wasm"
params_file = "schema.json"
every = 2
replicas = 1
gas_limit = 400_000_000
memory_pages = 512
`+maxOut+`[fetch]
kind = "file"
[fetch.config]
path = "`+tc.input+`"
`)
			sf, err := sourcefile.Load(src)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Simulate(context.Background(), sf, SimOptions{Height: 9, Time: at, FileRoot: dir})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != tc.status || rep.Kind != tc.kind || rep.GasLimit != 400_000_000 || rep.CodeCID == "" {
				t.Fatalf("report %+v, want %s %q", rep, tc.status, tc.kind)
			}
			if tc.status == "UNAVAILABLE" {
				if !strings.Contains(rep.Reason, "missing.json") || rep.OutputCID != "" {
					t.Fatalf("unavailable report %+v", rep)
				}
				return
			}
			job, eng, err := RunOptions{Input: filepath.Join(dir, tc.input), Params: filepath.Join(dir, "schema.json"), Engine: "compiler",
				Time: "1700000000000000000", Source: "sim-1", Gas: 400_000_000, Height: 9, MemoryPages: 512, MaxOutput: sf.MaxOutput}.Job()
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := Run(filepath.Join(dir, "v.wasm"), eng, job)
			if err != nil {
				t.Fatal(err)
			}
			if rep.GasUsed != want.GasUsed || rep.OutputCID != want.OutputCID || rep.Reason != want.Reason || rep.Kind != want.Kind ||
				rep.OutputSize != want.OutputSize || rep.CodeCID != want.CodeCID || rep.InputCID == "" || rep.Time != "2023-11-14T22:13:20Z" {
				t.Fatalf("simulate %+v\nvalidator run %+v", rep, want)
			}
			if tc.status == "REJECTED" && rep.Reason == "" {
				t.Fatal("REJECTED without a reason")
			}
		})
	}
}

// TestSimulateCodeByCID: a source that names its code by CID runs the
// --wasm module only when it is that code.
func TestSimulateCodeByCID(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "in"), "hello")
	_, other, err := Check(filepath.Join(jsoncanonDir, "jsoncanon.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	sf := &sourcefile.SourceFile{ID: "s", Code: other, Every: 1, Replicas: 1, GasLimit: 1e6, MaxOutput: 100}
	sf.Fetch.Kind, sf.Fetch.Config = "file", []byte(`{"path":"in"}`)
	o := SimOptions{Height: 1, Time: time.Unix(0, 0), FileRoot: dir}
	if _, err := Simulate(context.Background(), sf, o); err == nil || !strings.Contains(err.Error(), "--wasm") {
		t.Fatalf("no --wasm: error %v", err)
	}
	o.Wasm = echoWasm
	if _, err := Simulate(context.Background(), sf, o); err == nil || !strings.Contains(err.Error(), "do not match the code CID") {
		t.Fatalf("wrong module: error %v", err)
	}
	_, echo, err := Check(echoWasm)
	if err != nil {
		t.Fatal(err)
	}
	sf.Code = echo
	rep, err := Simulate(context.Background(), sf, o)
	if err != nil || rep.Status != "ACCEPTED" || rep.OutputSize != 5 || rep.GasLimit != 1e6 || rep.Height != 1 {
		t.Fatalf("echo: %+v, %v", rep, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
