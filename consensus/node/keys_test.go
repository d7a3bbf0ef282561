package node_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/tx"
)

// TestKeyFileRoundTrip: a saved key loads back as the same key, and the
// operator key of a home is created once, then read.
func TestKeyFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "alice.json")
	k, priv, err := node.NewKeyFile("alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Save(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved key: %v %v", fi, err)
	}
	got, gotPriv, err := node.LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *k || !bytes.Equal(gotPriv, priv) {
		t.Fatalf("loaded %+v, saved %+v", got, k)
	}

	home := t.TempDir()
	first, err := node.LoadOrGenOperatorKey(home)
	if err != nil {
		t.Fatal(err)
	}
	again, err := node.LoadOrGenOperatorKey(home)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("operator key changed on the second load: %v", err)
	}
	if op, _, err := node.LoadKeyFile(filepath.Join(home, node.OperatorKeyFile)); err != nil || op.Name != "operator" {
		t.Fatalf("operator key file: %+v %v", op, err)
	}
}

// TestLoadKeyFile reads key files of both formats and rejects bad ones
// with ErrKey.
func TestLoadKeyFile(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	addr := hex.EncodeToString(tx.Address(pub))
	b64 := base64.StdEncoding.EncodeToString
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize))
	badHalf := append(append([]byte{}, seed...), other[32:]...)
	tests := []struct {
		name, body string
		want       string // "" = loads; else part of the error
	}{
		{"current", `{"name":"op","address":"` + addr + `","pub_key":"` + b64(pub) + `","priv_key":"` + b64(priv) + `"}`, ""},
		{"older seed format", `{"address":"` + addr + `","pub_key":"` + b64(pub) + `","seed":"` + b64(seed) + `"}`, ""},
		{"upper-case address", `{"address":"` + strings.ToUpper(addr) + `","priv_key":"` + b64(priv) + `"}`, ""},
		{"not json", `address: x`, "invalid character"},
		{"no private key", `{"address":"` + addr + `"}`, "no priv_key"},
		{"short priv_key", `{"priv_key":"` + b64(seed) + `"}`, "64 bytes"},
		{"short seed", `{"seed":"` + b64(seed[:8]) + `"}`, "32 bytes"},
		{"priv_key halves differ", `{"priv_key":"` + b64(badHalf) + `"}`, "public half"},
		{"wrong pub_key", `{"pub_key":"` + b64(other.Public().(ed25519.PublicKey)) + `","priv_key":"` + b64(priv) + `"}`, "pub_key"},
		{"wrong address", `{"address":"00` + addr[2:] + `","priv_key":"` + b64(priv) + `"}`, "address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "key.json")
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			k, got, err := node.LoadKeyFile(path)
			if tc.want != "" {
				if !errors.Is(err, node.ErrKey) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want ErrKey and %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, priv) || k.Address != addr || k.PubKey != b64(pub) || k.PrivKey != b64(priv) {
				t.Fatalf("loaded %+v", k)
			}
		})
	}
	if _, _, err := node.LoadKeyFile(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}
