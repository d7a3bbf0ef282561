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
// missing (a command on PATH, or an absolute path that must exist), and
// puts this test's Go toolchain first on PATH.
func vtNeedTools(t *testing.T, tools ...string) {
	t.Helper()
	t.Setenv("PATH", filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, tool := range tools {
		var err error
		if filepath.IsAbs(tool) {
			_, err = os.Stat(tool)
		} else {
			_, err = exec.LookPath(tool)
		}
		if err != nil {
			t.Skipf("%s not installed: skipping (make tools installs clang, lld, Debian's rustc with libstd-rust-dev-wasm32 and sdk/as's asc)", tool)
		}
	}
}

// TestValidatorNewBuildsAnywhere scaffolds a validator program in each
// language from a temporary directory outside the checkout, with the SDK
// built into the binary, builds it and runs `assay validator test` on it
// (both fixtures pass), then copies the sources to another directory,
// rebuilds and wants the same .wasm bytes. The Go scaffold builds with
// GOFLAGS=-mod=mod GOPROXY=off and an empty module cache: offline, from
// its assay-sdk copy alone. Languages whose toolchain is missing skip.
func TestValidatorNewBuildsAnywhere(t *testing.T) {
	tests := []struct {
		lang  string
		tools []string
	}{
		{"go", []string{"make", "go"}},
		{"c", []string{"make", "clang", "wasm-ld"}},
		{"rust", []string{"make", "/usr/bin/rustc", "/usr/lib/rustlib/wasm32-unknown-unknown"}},
		{"as", []string{"make", filepath.Join(vtRepoRoot(t), "sdk/as/node_modules/.bin/asc")}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			vtNeedTools(t, tt.tools...)
			t.Setenv("GOFLAGS", "-mod=mod")
			t.Setenv("GOPROXY", "off")
			t.Setenv("GOWORK", "off")
			t.Setenv("GOTOOLCHAIN", "local")
			t.Setenv("GOMODCACHE", t.TempDir())
			t.Setenv("ASC", filepath.Join(vtRepoRoot(t), "sdk/as/node_modules/.bin/asc"))
			t.Chdir(t.TempDir())
			name := "v_" + tt.lang
			var out, errb bytes.Buffer
			if code := run([]string{"validator", "new", name, "--lang", tt.lang}, &out, &errb); code != 0 {
				t.Fatalf("new: exit %d: %s", code, errb.String())
			}
			if tt.lang != "c" && !strings.Contains(out.String(), "SDK sdk-") {
				t.Errorf("new printed %q, want the SDK version", out.String())
			}
			vtTestPasses(t, name)
			moved := filepath.Join(t.TempDir(), "elsewhere", name)
			if err := os.CopyFS(moved, os.DirFS(name)); err != nil {
				t.Fatal(err)
			}
			wasm := name + ".wasm"
			if err := os.Remove(filepath.Join(moved, wasm)); err != nil {
				t.Fatal(err)
			}
			os.RemoveAll(filepath.Join(moved, "target"))
			if b, err := exec.Command("make", "-s", "-C", moved).CombinedOutput(); err != nil {
				t.Fatalf("make in %s: %v\n%s", moved, err, b)
			}
			a, _ := os.ReadFile(filepath.Join(name, wasm))
			b, _ := os.ReadFile(filepath.Join(moved, wasm))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Fatalf("rebuild in another directory: %d bytes, first build %d bytes, not equal", len(b), len(a))
			}
		})
	}
}

// vtTestPasses runs `assay validator test DIR --json`: both scaffold
// fixtures pass.
func vtTestPasses(t *testing.T, dir string) {
	t.Helper()
	var out, errb bytes.Buffer
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
}

// TestValidatorNewSDKFlag scaffolds with --sdk: the SDK is copied from
// that checkout, and the project builds and passes its fixtures.
func TestValidatorNewSDKFlag(t *testing.T) {
	vtNeedTools(t, "make", "go")
	dir := filepath.Join(t.TempDir(), "v_sdk")
	var out, errb bytes.Buffer
	if code := run([]string{"validator", "new", "v_sdk", "--dir", dir, "--sdk", vtRepoRoot(t)}, &out, &errb); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errb.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "assay-sdk", "VERSION")); err != nil || !strings.Contains(string(b), "the Assay checkout "+vtRepoRoot(t)) {
		t.Fatalf("VERSION %q, %v", b, err)
	}
	vtTestPasses(t, dir)
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
		{[]string{"validator", "new", "ok", "--lang", "cobol", "--dir", filepath.Join(t.TempDir(), "x")}, 1, `unknown language "cobol" (want go, c, rust, as)`},
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
