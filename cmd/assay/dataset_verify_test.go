package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/internal/apitest"
	"github.com/assaynet/assay/internal/devnet"
)

// TestDatasetVerifyCommand runs `dataset verify` and `dataset get
// --verify` against a real one-validator devnet: verified (text, JSON,
// genesis), a wrong trust hash, a proven absence, a node down and usage
// errors, each with its documented exit code.
func TestDatasetVerifyCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	net := apitest.Start(t)
	n := net.Nodes[0]
	d := apitest.Accepted(t, net)
	cfg, err := cometnode.LoadConfig(n.Home)
	if err != nil {
		t.Fatal(err)
	}
	trustHash := apitest.TrustHash(t, net, 2)
	src := apitest.Source
	node := cfg.RPC.ListenAddress
	trust := []string{"--node", node, "--trust-height", "2", "--trust-hash", hex.EncodeToString(trustHash)}
	round := fmt.Sprint(d.Round)
	genesis := filepath.Join(n.Home, "config", "genesis.json")
	outFile := filepath.Join(t.TempDir(), "out")

	tests := []struct {
		name        string
		args        []string
		code        int
		out, errOut string
	}{
		{"verified", append([]string{"verify", src, round, "--gateway", n.Gateway}, trust...), 0, "verified " + src + " round " + round, ""},
		{"json", append([]string{"verify", src, round, "--json"}, trust...), 0, `"verified": true`, ""},
		{"genesis", []string{"verify", src, round, "--node", node, "--genesis", genesis}, 0, "genesis validators' signatures", ""},
		{"get verify", append([]string{"get", d.OutputCID, "--verify", "--source", src, "--round", round, "--gateway", n.Gateway, "-o", outFile}, trust...), 0, "", "bytes"},
		{"get verify other cid", append([]string{"get", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "--verify", "--source", src, "--round", round, "--gateway", n.Gateway}, trust...), 1, "", "record: the proven output of " + src},
		{"wrong trust hash", []string{"verify", src, round, "--node", node, "--trust-height", "2", "--trust-hash", strings.Repeat("ab", 32)}, 1, "", "header: header 2"},
		{"absent", append([]string{"verify", src, "999999999"}, trust...), 4, "", "absence proven"},
		{"node down", []string{"verify", src, round, "--node", "tcp://127.0.0.1:1", "--trust-height", "2", "--trust-hash", strings.Repeat("ab", 32)}, 3, "", "unavailable"},
		{"no trust root", []string{"verify", src, round, "--node", node}, 2, "", "no trust root"},
		{"get verify no round", []string{"get", d.OutputCID, "--verify", "--source", src}, 2, "", "--verify needs --source and --round"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"dataset"}, tc.args...), &out, &errb)
			if code != tc.code || !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.errOut) {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s\nwant %q / %q", code, tc.code, out.String(), errb.String(), tc.out, tc.errOut)
			}
			if tc.name == "json" {
				var v struct {
					Dataset struct {
						OutputCID string `json:"output_cid"`
					}
				}
				if err := json.Unmarshal(out.Bytes(), &v); err != nil || v.Dataset.OutputCID != d.OutputCID {
					t.Errorf("JSON %s: %v", out.String(), err)
				}
			}
		})
	}
	if b, err := os.ReadFile(outFile); err != nil || len(b) == 0 {
		t.Errorf("get --verify -o: %d bytes, %v", len(b), err)
	}
}

// TestDevnetVerifyCommand: the verify command the devnet shows for its
// latest dataset works when run while the devnet runs.
func TestDevnetVerifyCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two CometBFT nodes")
	}
	o := devnet.RunOptions{
		Config: devnet.Config{Validators: 2, BasePort: freeBase(t, 2), CacheDir: t.TempDir(), BlockTime: 100 * time.Millisecond,
			GenesisParams: `{"commit_window":"3","reveal_window":"3"}`},
		Sources:  devnet.Sources{Symbols: []string{"BTC-USD"}, Every: 2, Replicas: 1},
		Duration: 2 * time.Minute, Headless: true, Dir: t.TempDir(), Code: echoWasm,
	}
	var view bytes.Buffer
	ran := false
	o.Until = func(s *devnet.Summary) bool {
		if s.VerifyCommand == "" {
			return false
		}
		args := strings.Fields(s.VerifyCommand)
		if len(args) < 4 || args[0] != "assay" || !strings.Contains(s.VerifyCommand, "--gateway") {
			t.Fatalf("verify command %q", s.VerifyCommand)
		}
		var out, errb bytes.Buffer
		if code := run(args[1:], &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", s.VerifyCommand, code, out.String(), errb.String())
		}
		if !strings.Contains(out.String(), "bytes   ") {
			t.Errorf("no bytes verified:\n%s", out.String())
		}
		ran = true
		return true
	}
	if _, err := devnet.Run(context.Background(), o, &view); err != nil {
		t.Fatal(err)
	}
	if !ran || !strings.Contains(view.String(), "verify a dataset, trusting no node: assay dataset verify btc-usd ") {
		t.Fatalf("ran %v; view:\n%s", ran, view.String())
	}
}
