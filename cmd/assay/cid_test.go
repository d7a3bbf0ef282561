package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCIDCommand(t *testing.T) {
	dir := t.TempDir()
	hello := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(hello, []byte("hello world\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"v1", []string{"cid", hello}, "", 0,
			"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4\n", ""},
		{"v0 flag first", []string{"cid", "--v0", hello}, "", 0,
			"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o\n", ""},
		{"v0 flag last", []string{"cid", hello, "-v0"}, "", 0,
			"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o\n", ""},
		{"empty file", []string{"cid", empty}, "", 0,
			"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku\n", ""},
		{"stdin", []string{"cid", "-"}, "hello world\n", 0,
			"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4\n", ""},
		{"missing file", []string{"cid", filepath.Join(dir, "nope")}, "", 1, "", "no such file"},
		{"no file", []string{"cid"}, "", 2, "", "usage: assay cid"},
		{"two files", []string{"cid", hello, empty}, "", 2, "", "usage: assay cid"},
		{"bad flag", []string{"cid", "--v2", hello}, "", 2, "", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cidStdin = strings.NewReader(tt.stdin)
			t.Cleanup(func() { cidStdin = os.Stdin })
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			if code != tt.wantCode {
				t.Fatalf("run(%q) = %d, want %d (stderr %q)", tt.args, code, tt.wantCode, errb.String())
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errb.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errb.String(), tt.wantErr)
			}
		})
	}
}
