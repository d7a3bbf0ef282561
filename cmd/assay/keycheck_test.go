package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyFilePermissionWarning: a key file that group or others can read
// is used with a warning naming the file and the chmod fix; a 0600 one
// without; a special file is refused.
func TestKeyFilePermissionWarning(t *testing.T) {
	keyring := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"keys", "add", "k", "--keyring", keyring}, &out, &errb); code != 0 {
		t.Fatalf("keys add: %s", errb.String())
	}
	path := filepath.Join(keyring, "k.json")
	warning := "key file " + path + " is accessible by group or others (mode 0644); run: chmod 600 " + path
	tests := []struct {
		name string
		mode os.FileMode
		args []string
		code int
		want string // "" : no warning
	}{
		{"show 0600", 0o600, []string{"keys", "show", path}, 0, ""},
		{"show 0644", 0o644, []string{"keys", "show", path}, 0, warning},
		{"list 0644", 0o644, []string{"keys", "list", "--keyring", keyring}, 0, warning},
		{"tx 0644", 0o644, []string{"unjail", "--key", path, "--node", "tcp://127.0.0.1:1"}, 1, warning},
		{"show /dev/zero", 0o600, []string{"keys", "show", "/dev/zero"}, 1, "key file /dev/zero is not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errb.String())
			}
			if tc.want == "" && strings.Contains(errb.String(), "warning") {
				t.Errorf("unexpected warning: %s", errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q, want %q", errb.String(), tc.want)
			}
		})
	}
}
