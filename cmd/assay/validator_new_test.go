package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/assaynet/assay/internal/authoring"
)

// vtRepoRoot is the Assay checkout the tests run in.
func vtRepoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// vtNeedTools skips the test when a tool the scaffold's Makefile runs is
// missing, and puts this test's Go toolchain first on PATH.
func vtNeedTools(t *testing.T, tools ...string) {
	t.Helper()
	t.Setenv("PATH", filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: skipping (apt-get install clang lld make)", tool)
		}
	}
}

// TestValidatorNewThenTest scaffolds a validator in each language and runs
// `assay validator test` on it: both fixtures pass.
func TestValidatorNewThenTest(t *testing.T) {
	tests := []struct {
		lang  string
		tools []string
	}{
		{"go", []string{"make", "go"}},
		{"c", []string{"make", "clang", "wasm-ld"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			vtNeedTools(t, tt.tools...)
			dir := filepath.Join(t.TempDir(), "v_"+tt.lang)
			var out, errb bytes.Buffer
			if code := run([]string{"validator", "new", "v_" + tt.lang, "--lang", tt.lang, "--dir", dir, "--sdk", vtRepoRoot(t)}, &out, &errb); code != 0 {
				t.Fatalf("new: exit %d: %s", code, errb.String())
			}
			out.Reset()
			errb.Reset()
			if code := run([]string{"validator", "test", dir, "--json"}, &out, &errb); code != 0 {
				t.Fatalf("test: exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
			}
			var rows []authoring.FixtureRow
			if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 2 {
				t.Fatalf("report %s: %v", out.String(), err)
			}
			for _, r := range rows {
				if !r.OK || r.GasUsed == 0 || r.OutputCID == "" {
					t.Errorf("fixture %+v", r)
				}
			}
		})
	}
}

func TestValidatorNewErrors(t *testing.T) {
	nonEmpty := t.TempDir()
	if err := os.WriteFile(filepath.Join(nonEmpty, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"validator", "new"}, 2, "usage"},
		{[]string{"validator", "new", "Bad-Name"}, 2, "usage"},
		{[]string{"validator", "new", "ok", "--lang", "rust", "--dir", filepath.Join(t.TempDir(), "x")}, 1, `unknown language "rust"`},
		{[]string{"validator", "new", "ok", "--lang", "c", "--dir", nonEmpty}, 1, "not empty"},
		{[]string{"validator", "new", "ok", "--sdk", t.TempDir(), "--dir", filepath.Join(t.TempDir(), "x")}, 1, "no go.mod"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.wantCode || !strings.Contains(errb.String(), tt.wantErr) {
			t.Errorf("%q: exit %d stderr %q, want %d and %q", tt.args, code, errb.String(), tt.wantCode, tt.wantErr)
		}
	}
}

// TestValidatorNewInTree: a Go scaffold inside the Assay module gets no
// go.mod of its own.
func TestValidatorNewInTree(t *testing.T) {
	dir, err := os.MkdirTemp(vtRepoRoot(t), ".scaffold-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var out, errb bytes.Buffer
	if code := run([]string{"validator", "new", "intree", "--dir", filepath.Join(dir, "intree")}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "intree", "go.mod")); !os.IsNotExist(err) {
		t.Fatalf("in-tree scaffold has a go.mod (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "intree", "main.go")); err != nil {
		t.Fatal(err)
	}
}
