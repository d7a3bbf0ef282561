package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/internal/authoring"
)

// TestSourceSimulateCLI: `assay source simulate` prints the verdict of
// one simulated round (text or --json) and exits 1 when the fetch fails,
// 2 on a usage error.
func TestSourceSimulateCLI(t *testing.T) {
	dir := t.TempDir()
	wasm, err := os.ReadFile(filepath.Join("..", "..", "consensus", "worker", "testdata", "echo.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"echo.wasm": string(wasm), "in.txt": "hello"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := func(path string) string {
		p := filepath.Join(dir, path+".toml")
		body := "id = \"echo\"\ncode_file = \"echo.wasm\"\nevery = 1\nreplicas = 1\ngas_limit = 1_000_000\nmax_output = 100\n" +
			"[fetch]\nkind = \"file\"\n[fetch.config]\npath = \"" + path + "\"\n"
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"text", []string{src("in.txt"), "--height", "3"}, 0, "status:      ACCEPTED"},
		{"json", []string{src("in.txt"), "--json", "--time", "0"}, 0, `"status":"ACCEPTED"`},
		{"fetch fails", []string{src("nope.txt")}, 1, "UNAVAILABLE"},
		{"no file", nil, 2, ""},
		{"bad height", []string{src("in.txt"), "--height", "0"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"source", "simulate"}, tt.args...), &out, &errb)
			if code != tt.wantCode || !strings.Contains(out.String(), tt.want) {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.wantCode, out.String(), errb.String())
			}
			if tt.name == "json" {
				var rep authoring.SimReport
				if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.OutputSize != 5 || rep.Height != 1 || rep.Time != "1970-01-01T00:00:00Z" {
					t.Fatalf("report %+v, %v", rep, err)
				}
			}
		})
	}
}
