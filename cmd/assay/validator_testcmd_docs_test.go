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

// docStep is one step of a markdown walkthrough: a command (a `$ ` line
// of a console block) or a file to write (a code block whose info string
// carries file=NAME).
type docStep struct {
	cmd  string
	file string
	body string
}

// docSteps returns the steps of a markdown file in order.
func docSteps(t *testing.T, path string) []docStep {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var steps []docStep
	var file *docStep // the file block being read
	inConsole := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```") && file != nil:
			steps = append(steps, *file)
			file = nil
		case strings.HasPrefix(line, "```console"):
			inConsole = true
		case strings.HasPrefix(line, "```") && !inConsole && blockFile(line) != "":
			file = &docStep{file: blockFile(line)}
		case strings.HasPrefix(line, "```"):
			inConsole = false
		case file != nil:
			file.body += line + "\n"
		case inConsole && strings.HasPrefix(line, "$ "):
			steps = append(steps, docStep{cmd: strings.TrimPrefix(line, "$ ")})
		}
	}
	return steps
}

// blockFile returns NAME of a "```lang file=NAME" fence, "" if none.
func blockFile(fence string) string {
	for _, f := range strings.Fields(strings.TrimPrefix(fence, "```")) {
		if name, ok := strings.CutPrefix(f, "file="); ok {
			return name
		}
	}
	return ""
}

// TestAuthorsDoc runs every step of docs/authors.md in order, in a
// temporary directory: plain `assay ...` commands in process, the rest
// (pipes, redirections, loops, the background node) with sh and the CLI
// built by the page's first command on PATH. Section 9 runs a real
// `assay start` on free loopback ports (see docNode).
func TestAuthorsDoc(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI and two validators, runs a node")
	}
	vtNeedTools(t, "sh", "make", "go", "sed", "grep", "tr", "seq")
	_, clangErr := exec.LookPath("clang")
	_, ldErr := exec.LookPath("wasm-ld")
	root, work := vtRepoRoot(t), t.TempDir()
	t.Setenv("ASSAY_SRC", root)
	t.Setenv("PATH", work+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Chdir(work)
	node := newDocNode(t, work)
	steps := docSteps(t, filepath.Join(root, "docs", "authors.md"))
	if len(steps) < 20 {
		t.Fatalf("found %d steps in docs/authors.md", len(steps))
	}
	for _, s := range steps {
		if s.file != "" {
			writeDocFile(t, s)
			continue
		}
		c := s.cmd
		if strings.Contains(c, "temps_c") && (clangErr != nil || ldErr != nil) {
			t.Logf("skipped (no clang/wasm-ld): %s", c)
			continue
		}
		// Build the CLI into the temp dir, not the checkout.
		c = strings.ReplaceAll(c, "-o bin/assay", "-o "+filepath.Join(work, "assay"))
		c = node.localize(c)
		switch {
		case strings.HasSuffix(c, "&"):
			node.background(strings.TrimSpace(strings.TrimSuffix(c, "&")))
		case strings.HasPrefix(c, "assay ") && !strings.ContainsAny(c, "|<>&;()"):
			runDocAssay(t, c)
		default:
			runDocShell(t, c)
		}
	}
	node.check()
}

func writeDocFile(t *testing.T, s docStep) {
	t.Helper()
	if !filepath.IsLocal(s.file) {
		t.Fatalf("doc file %q is not a local path", s.file)
	}
	if err := os.WriteFile(s.file, []byte(s.body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s:\n%s", s.file, s.body)
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
