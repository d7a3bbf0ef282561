package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	ethOnce        sync.Once
	ethBin, ethSum string
	ethErr         error
)

// buildEthfetcher builds examples/ethfetcher once per test binary.
func buildEthfetcher(t *testing.T) (bin, sum string) {
	t.Helper()
	ethOnce.Do(func() {
		dir, err := os.MkdirTemp("", "assay-cli-plugin")
		if err != nil {
			ethErr = err
			return
		}
		ethBin = filepath.Join(dir, "ethfetcher")
		out, err := exec.Command("go", "build", "-o", ethBin, "../../examples/ethfetcher").CombinedOutput()
		if err != nil {
			ethErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		b, err := os.ReadFile(ethBin)
		s := sha256.Sum256(b)
		ethSum, ethErr = hex.EncodeToString(s[:]), err
	})
	if ethErr != nil {
		t.Fatal(ethErr)
	}
	return ethBin, ethSum
}

// writePluginConfig writes an assay.toml with the given [[plugins]] tables.
func writePluginConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "assay.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPluginList(t *testing.T) {
	bin, sum := buildEthfetcher(t)
	good := fmt.Sprintf("[[plugins]]\nname = \"eth\"\npath = %q\nsha256 = %q\n", bin, sum)
	bad := fmt.Sprintf("[[plugins]]\nname = \"tampered\"\npath = %q\nsha256 = %q\n", bin, strings.Repeat("0", 64))
	tests := []struct {
		name   string
		config string
		code   int
		want   []string
	}{
		{"good", good, 0, []string{"builtin  http", "eth      eth_block  running", "pid "}},
		{"bad checksum", good + bad, 1, []string{"eth_block", "running", "tampered", "failed", "checksum mismatch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run([]string{"plugin", "list", "--config", writePluginConfig(t, tt.config)}, &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errb.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
	var out, errb bytes.Buffer
	if code := run([]string{"plugin", "list", "--config", "testdata/none.toml"}, &out, &errb); code != 1 {
		t.Errorf("missing config: exit %d", code)
	}
}
