package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/plugins"
)

// TestInitWritesLoadableHome runs `assay init` and reads the home back the
// way `assay start` does.
func TestInitWritesLoadableHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	var out, errb bytes.Buffer
	if code := run([]string{"init", "--home", home, "--chain-id", "c1", "--base-port", "30100"}, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	cfg, err := cometnode.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RPC.ListenAddress != "tcp://127.0.0.1:30101" || !cfg.P2P.AllowDuplicateIP || cfg.P2P.AddrBookStrict {
		t.Errorf("config.toml: rpc %s dup %v strict %v", cfg.RPC.ListenAddress, cfg.P2P.AllowDuplicateIP, cfg.P2P.AddrBookStrict)
	}
	ac, err := node.Load(home)
	if err != nil {
		t.Fatal(err)
	}
	if ac.Gateway.Listen != "127.0.0.1:30103" || ac.Worker.Concurrency != 4 {
		t.Errorf("assay.toml: %+v", ac)
	}
	if pc, err := plugins.LoadConfig(filepath.Join(home, node.ConfigFile)); err != nil {
		t.Errorf("plugins cannot read assay.toml: %v", err)
	} else if len(pc.Fetch.AllowPrivateRanges) != 0 {
		t.Errorf("init allows private ranges by default: %v", pc.Fetch.AllowPrivateRanges)
	}
	if _, _, err := readKeyFile(filepath.Join(home, operatorKeyFile)); err != nil {
		t.Error(err)
	}
	// A second init must not overwrite the keys.
	if code := run([]string{"init", "--home", home}, &out, &errb); code == 0 {
		t.Error("init over an existing home succeeded")
	}
}

// TestTestnetAllowPrivateRanges: `assay testnet` writes the opt-in of
// --allow-private-ranges into every assay.toml, none without it, and
// refuses a bad range before writing anything.
func TestTestnetAllowPrivateRanges(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		code  int
		want  []string
	}{
		{"default", nil, 0, nil},
		{"loopback", []string{"--allow-private-ranges", "127.0.0.0/8,fd00::/8"}, 0, []string{"127.0.0.0/8", "fd00::/8"}},
		{"bad range", []string{"--allow-private-ranges", "127.0.0.1"}, 2, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "net")
			var out, errb bytes.Buffer
			args := append([]string{"testnet", "-n", "2", "-o", dir, "--base-port", fmt.Sprint(30400 + 100*i)}, tt.flags...)
			if code := run(args, &out, &errb); code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errb.String())
			}
			if tt.code != 0 {
				if !strings.Contains(errb.String(), "allow_private_ranges[0] \"127.0.0.1\"") {
					t.Errorf("stderr does not name the bad range: %s", errb.String())
				}
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Errorf("homes written despite the bad range: %v", err)
				}
				return
			}
			for n := 0; n < 2; n++ {
				pc, err := plugins.LoadConfig(filepath.Join(dir, fmt.Sprintf("node%d", n), node.ConfigFile))
				if err != nil {
					t.Fatal(err)
				}
				if got := pc.Fetch.AllowPrivateRanges; !slices.Equal(got, tt.want) {
					t.Errorf("node%d: allow_private_ranges = %q, want %q", n, got, tt.want)
				}
			}
		})
	}
}

func TestKeysCommands(t *testing.T) {
	ring := t.TempDir()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"keys", "add", "alice", "--keyring", ring}, 0, "alice"},
		{[]string{"keys", "add", "alice", "--keyring", ring}, 1, ""},
		{[]string{"keys", "add", "bad/name", "--keyring", ring}, 2, ""},
		{[]string{"keys", "show", "alice", "--keyring", ring}, 0, "address:"},
		{[]string{"keys", "show", "nobody", "--keyring", ring}, 1, ""},
		{[]string{"keys", "list", "--keyring", ring}, 0, "alice"},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != tc.code || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: code %d out %q err %q", tc.args, code, out.String(), errb.String())
		}
	}
}

// TestNodeDown checks the error a user sees when no node answers.
func TestNodeDown(t *testing.T) {
	ring := t.TempDir()
	var out, errb bytes.Buffer
	run([]string{"keys", "add", "k", "--keyring", ring}, &out, &errb)
	for _, args := range [][]string{
		{"validators", "--node", "tcp://127.0.0.1:1"},
		{"unjail", "--key", "k", "--keyring", ring, "--node", "tcp://127.0.0.1:1"},
	} {
		errb.Reset()
		if code := run(args, &out, &errb); code != 1 || !strings.Contains(errb.String(), "node unreachable") {
			t.Errorf("%v: code %d, stderr %q", args, code, errb.String())
		}
	}
}
