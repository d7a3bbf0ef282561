package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/tx"
)

// TestOperatorKeyShared: the operator key of a home written by the library
// reads with the CLI's readKeyFile and `assay keys show`, and the one
// `assay init` writes reads with the library's LoadOrGenOperatorKey.
func TestOperatorKeyShared(t *testing.T) {
	lib := t.TempDir()
	h, err := node.InitHome(lib, node.TestnetConfig{ChainID: "c1", BasePort: 30700})
	if err != nil {
		t.Fatal(err)
	}
	kf, _, err := readKeyFile(filepath.Join(lib, operatorKeyFile))
	if err != nil || kf.Address != h.Operator {
		t.Fatalf("library home through the CLI: %+v %v, want %s", kf, err, h.Operator)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"keys", "show", filepath.Join(lib, operatorKeyFile)}, &out, &errb); code != 0 || !strings.Contains(out.String(), h.Operator) {
		t.Fatalf("keys show: %d %q %q", code, out.String(), errb.String())
	}

	cli := filepath.Join(t.TempDir(), "home")
	if code := run([]string{"init", "--home", cli, "--base-port", "30710"}, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	kf, priv, err := readKeyFile(filepath.Join(cli, operatorKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	key, err := node.LoadOrGenOperatorKey(cli)
	if err != nil || !bytes.Equal(key, priv) || kf.Name != "operator" {
		t.Fatalf("CLI home through the library: %v (name %q)", err, kf.Name)
	}
}

// TestKeysShowFormats: `assay keys show` reads the older {address, pub_key,
// seed} operator key files and names the file of a bad one.
func TestKeysShowFormats(t *testing.T) {
	seed := bytes.Repeat([]byte{3}, ed25519.SeedSize)
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	addr := hex.EncodeToString(tx.Address(pub))
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name, body string
		code       int
		want       string // in stdout (code 0) or stderr
	}{
		{"older seed format", `{"address":"` + addr + `","pub_key":"` + b64(pub) + `","seed":"` + b64(seed) + `"}`, 0, addr},
		{"truncated", `{"address":"` + addr, 1, "bad key file"},
		{"seed of 16 bytes", `{"seed":"` + b64(seed[:16]) + `"}`, 1, "seed must be base64 of 32 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "operator_key.json")
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := run([]string{"keys", "show", path}, &out, &errb)
			got := out.String()
			if code != 0 {
				got = errb.String()
			}
			if code != tc.code || !strings.Contains(got, tc.want) || (code != 0 && !strings.Contains(got, path)) {
				t.Errorf("exit %d, out %q err %q; want %d and %q", code, out.String(), errb.String(), tc.code, tc.want)
			}
		})
	}
}
