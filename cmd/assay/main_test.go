package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{nil, 0, "usage: assay"},
		{[]string{"help"}, 0, "version"},
		{[]string{"version"}, 0, "rewriter v"},
		{[]string{"no-such-command"}, 2, ""},
		{[]string{"help", "dataset"}, 0, "usage: assay dataset <command>"},
		{[]string{"dataset", "help"}, 0, "verify"},
		{[]string{"source", "help", "list"}, 0, "usage: assay source list"}, // a leaf's usage and flags, on stdout
		{[]string{"help", "no-such-command"}, 2, ""},
		{[]string{"help", "dataset", "latest"}, 0, "usage: assay dataset latest"},
		{[]string{"help", "dataset", "latest", "extra"}, 2, ""},
		{[]string{"help", "dataset", "no-such-command"}, 2, ""},
		{[]string{"help", "keys", "add"}, 0, "-keyring"},
		{[]string{"help", "version", "x"}, 2, ""},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.wantCode {
			t.Errorf("run(%q) = %d, want %d (stderr %q)", tt.args, code, tt.wantCode, errb.String())
		}
		if !strings.Contains(out.String(), tt.wantOut) {
			t.Errorf("run(%q) stdout %q lacks %q", tt.args, out.String(), tt.wantOut)
		}
	}
}
