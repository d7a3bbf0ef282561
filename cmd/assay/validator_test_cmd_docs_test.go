package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// docCommands returns the `$ ` lines of the console blocks of a markdown file.
func docCommands(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	inConsole := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```console"):
			inConsole = true
		case strings.HasPrefix(line, "```"):
			inConsole = false
		case inConsole && strings.HasPrefix(line, "$ "):
			cmds = append(cmds, strings.TrimPrefix(line, "$ "))
		}
	}
	return cmds
}

// TestAuthorsDoc runs every command of docs/authors.md in order, in a
// temporary directory: `assay ...` in process, the rest with sh.
func TestAuthorsDoc(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and two validators")
	}
	vtNeedTools(t, "sh", "make", "go")
	_, clangErr := exec.LookPath("clang")
	_, ldErr := exec.LookPath("wasm-ld")
	root, work := vtRepoRoot(t), t.TempDir()
	t.Setenv("ASSAY_SRC", root)
	t.Chdir(work)
	cmds := docCommands(t, filepath.Join(root, "docs", "authors.md"))
	if len(cmds) < 10 {
		t.Fatalf("found %d commands in docs/authors.md", len(cmds))
	}
	for _, c := range cmds {
		if strings.Contains(c, "temps_c") && (clangErr != nil || ldErr != nil) {
			t.Logf("skipped (no clang/wasm-ld): %s", c)
			continue
		}
		// Build the CLI into the temp dir, not the checkout.
		c = strings.ReplaceAll(c, "-o bin/assay", "-o "+filepath.Join(work, "assay"))
		if strings.HasPrefix(c, "assay ") {
			runDocAssay(t, c)
			continue
		}
		runDocShell(t, c)
	}
}

func runDocAssay(t *testing.T, c string) {
	t.Helper()
	args := strings.Fields(os.ExpandEnv(strings.TrimPrefix(c, "assay ")))
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("$ %s\nexit %d\nstdout:\n%s\nstderr:\n%s", c, code, out.String(), errb.String())
	}
	t.Logf("$ %s\n%s", c, out.String())
}

func runDocShell(t *testing.T, c string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", c)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("$ %s\n%v\n%s", c, err, out)
	}
	t.Logf("$ %s\n%s", c, out)
}
