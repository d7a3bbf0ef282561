package main

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// leafCommands walks the command table through each group's help (as a
// user would) and returns the path of every command that runs, e.g.
// ["keys", "add"] and ["version"].
func leafCommands(t *testing.T) [][]string {
	t.Helper()
	var leaves [][]string
	var walk func(path []string, depth int)
	walk = func(path []string, depth int) {
		var out, errb bytes.Buffer
		run(append(slices.Clone(path), "--help"), &out, &errb)
		prefix := "usage: " + strings.Join(append([]string{"assay"}, path...), " ") + " <command>"
		if !strings.HasPrefix(out.String(), prefix) {
			leaves = append(leaves, path)
			return
		}
		if depth > 3 {
			t.Fatalf("command groups nested deeper than 3 at %q", path)
		}
		_, list, _ := strings.Cut(out.String(), "commands:\n")
		for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
			if name, _, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
				walk(append(slices.Clone(path), name), depth+1)
			}
		}
	}
	for _, c := range commandList(commands) {
		walk([]string{c.name}, 1)
	}
	if len(leaves) < 20 {
		t.Fatalf("found only %d commands: %q", len(leaves), leaves)
	}
	return leaves
}

// TestEveryCommandRejectsUnknownFlags: `assay ... --bogus` and stray
// positional arguments are usage errors (exit 2 with a usage line) for
// every command, help and version included.
func TestEveryCommandRejectsUnknownFlags(t *testing.T) {
	t.Chdir(t.TempDir()) // whatever a broken command would write lands here
	t.Setenv("ASSAY_KEYRING", t.TempDir())
	paths := append(leafCommands(t), []string{"help"}, []string{"keys", "help"})
	for _, path := range paths {
		name := strings.Join(path, " ")
		for _, extra := range [][]string{{"--bogus"}, {"x1", "x2", "x3", "x4"}} {
			var out, errb bytes.Buffer
			args := append(slices.Clone(path), extra...)
			code := run(args, &out, &errb)
			if code != 2 || !strings.Contains(strings.ToLower(errb.String()), "usage") {
				t.Errorf("assay %s %s: exit %d, stderr %q; want 2 and a usage line", name, strings.Join(extra, " "), code, errb.String())
			}
			if out.Len() != 0 {
				t.Errorf("assay %s %s: wrote %q to stdout", name, strings.Join(extra, " "), out.String())
			}
		}
	}
}

// builtinNumeric matches a flag whose type flag.PrintDefaults names as a
// built-in numeric type: one not defined with uintVar/intVar/durationVar.
var builtinNumeric = regexp.MustCompile(`(?m)^  -(\S+) (int|uint|int64|uint64|float|duration)$`)

// TestNumericFlagsRangeChecked: every numeric flag of every command is a
// range-checked one, and out-of-range values are usage errors naming the
// flag and the range (no wrap: --memory-pages 4294967296 is not 0).
func TestNumericFlagsRangeChecked(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, path := range leafCommands(t) {
		var out, errb bytes.Buffer
		run(append(slices.Clone(path), "-h"), &out, &errb)
		for _, m := range builtinNumeric.FindAllStringSubmatch(errb.String(), -1) {
			t.Errorf("assay %s: flag -%s is a plain %s, not range-checked", strings.Join(path, " "), m[1], m[2])
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--memory-pages", "4294967296"}, "-memory-pages: out of range 0..65536"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--memory-pages", "65537"}, "-memory-pages: out of range 0..65536"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--memory-pages", "-1"}, "-memory-pages: not an integer in 0..65536"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--max-output", "-5"}, "-max-output: out of range 1..1048576"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--max-output", "99999999999999999999"}, "-max-output: out of range 1..1048576"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--gas", "0"}, "-gas: out of range 1..200000000"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--gas", "18446744073709551616"}, "-gas: out of range 1..200000000"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--height", "-1"}, "-height: out of range 1..9223372036854775807"},
		{[]string{"validator", "run", "x.wasm", "--input", "in", "--height", "1x"}, "-height: not an integer"},
		{[]string{"validator", "test", ".", "--gas", "200000001"}, "-gas: out of range 1..200000000"},
		{[]string{"fetch", "--source", "s.toml", "--height", "-1"}, "-height: out of range 0..9223372036854775807"},
		{[]string{"init", "--home", "h", "--stake", "0"}, "-stake: out of range 1..1152921504606846975"},
		{[]string{"init", "--home", "h", "--stake", "9223372036854775808"}, "-stake: out of range 1..1152921504606846975"},
		{[]string{"init", "--home", "h", "--base-port", "65530"}, "-base-port: out of range 1..65529"},
		{[]string{"init", "--home", "h", "--base-port", "0"}, "-base-port: out of range 1..65529"},
		{[]string{"testnet", "-o", "o", "-n", "0"}, "-n: out of range 1..1000"},
		{[]string{"testnet", "-o", "o", "-n", "-4"}, "-n: out of range 1..1000"},
		{[]string{"testnet", "-o", "o", "--stake", "18446744073709551615"}, "-stake: out of range"},
		{[]string{"testnet", "-o", "o", "--base-port", "70000"}, "-base-port: out of range 1..65529"},
		{[]string{"testnet", "-o", "o", "--timeout-commit", "-1s"}, "-timeout-commit: out of range 0s..1h0m0s"},
		{[]string{"testnet", "-o", "o", "-n", "1000", "--base-port", "60000"}, "-n 1000 from --base-port 60000 needs ports up to 69996"},
		{[]string{"testnet", "-o", "o", "-n", "4", "--stake", "1000000000000000000"}, "exceeds CometBFT's total voting power"},
		{[]string{"devnet", "--validators", "0"}, "-validators: out of range 1..1000"},
		{[]string{"devnet", "--k", "4294967299"}, "-k: out of range 1..64"},
		{[]string{"devnet", "--k", "0"}, "-k: out of range 1..64"},
		{[]string{"devnet", "--every", "0"}, "-every: out of range 1..1048576"},
		{[]string{"devnet", "--sources", "-1"}, "-sources: out of range 0..100000"},
		{[]string{"devnet", "--concurrency", "0"}, "-concurrency: out of range 1..4096"},
		{[]string{"devnet", "--base-port", "-1"}, "-base-port: out of range 1..65529"},
		{[]string{"devnet", "--blocks", "9223372036854775808"}, "-blocks: out of range 0..9223372036854775807"},
		{[]string{"devnet", "--duration", "-1s"}, "-duration: out of range"},
		{[]string{"devnet", "--block-time", "-1ms"}, "-block-time: out of range 0s..1h0m0s"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("assay %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, errb.String(), tc.want)
		}
	}
}
