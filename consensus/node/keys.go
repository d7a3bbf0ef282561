package node

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/assaynet/assay/consensus/tx"
)

// OperatorKeyFile is the operator key's path inside a home.
const OperatorKeyFile = "config/operator_key.json"

// VRFKeyFile is the path, inside a home, of the validator's VRF key: the
// ed25519 key of its ECVRF proofs (docs/protocol.md section 1), whose
// public key genesis registers as the validator's vrf_pubkey. It is kept
// apart from the consensus key (config/priv_validator_key.json).
const VRFKeyFile = "config/vrf_key.json"

// ErrKey is returned for an unreadable or inconsistent key file.
var ErrKey = errors.New("node: bad key file")

// KeyFile is the JSON form of an ed25519 key: a home's operator key and
// the named keys of `assay keys`. Save writes it; LoadKeyFile reads it.
//
// # Notes
//
// Homes written by older builds hold {address, pub_key, seed} (a 32-byte
// seed instead of priv_key); LoadKeyFile reads those too.
type KeyFile struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`  // hex, 20 bytes
	PubKey  string `json:"pub_key"`  // base64, 32 bytes
	PrivKey string `json:"priv_key"` // base64, 64 bytes (seed ‖ public key)
}

// keyFileJSON is what LoadKeyFile decodes: KeyFile plus the old seed field.
type keyFileJSON struct {
	KeyFile
	Seed string `json:"seed,omitempty"` // base64, 32 bytes (older builds)
}

// NewKeyFile generates an ed25519 key named name.
func NewKeyFile(name string) (*KeyFile, ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("node: generate key: %w", err)
	}
	return keyFileOf(name, priv), priv, nil
}

func keyFileOf(name string, priv ed25519.PrivateKey) *KeyFile {
	pub := priv.Public().(ed25519.PublicKey)
	return &KeyFile{Name: name, Address: hex.EncodeToString(tx.Address(pub)),
		PubKey: base64.StdEncoding.EncodeToString(pub), PrivKey: base64.StdEncoding.EncodeToString(priv)}
}

// Save writes k to path (mode 0600), creating its directory (0700).
func (k *KeyFile) Save(path string) error {
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return fmt.Errorf("node: write key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("node: write key: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("node: write key: %w", err)
	}
	return nil
}

// LoadKeyFile reads the key file at path, in either format (see KeyFile),
// and checks that its address and public key belong to its private key.
// The KeyFile returned is always in the current format.
func LoadKeyFile(path string) (*KeyFile, ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("node: read key: %w", err)
	}
	var k keyFileJSON
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrKey, path, err)
	}
	priv, err := k.private()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrKey, path, err)
	}
	want := keyFileOf(k.Name, priv)
	switch {
	case k.PubKey != "" && k.PubKey != want.PubKey:
		return nil, nil, fmt.Errorf("%w: %s: pub_key is not the private key's", ErrKey, path)
	case k.Address != "" && !hexEqual(k.Address, want.Address):
		return nil, nil, fmt.Errorf("%w: %s: address is not the private key's", ErrKey, path)
	}
	return want, priv, nil
}

// private decodes priv_key or, failing that, the older seed.
func (k *keyFileJSON) private() (ed25519.PrivateKey, error) {
	switch {
	case k.PrivKey != "":
		b, err := base64.StdEncoding.DecodeString(k.PrivKey)
		if err != nil || len(b) != ed25519.PrivateKeySize {
			return nil, errors.New("priv_key must be base64 of 64 bytes")
		}
		priv := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
		if !bytes.Equal(priv, b) {
			return nil, errors.New("priv_key's public half does not match its seed")
		}
		return priv, nil
	case k.Seed != "":
		b, err := base64.StdEncoding.DecodeString(k.Seed)
		if err != nil || len(b) != ed25519.SeedSize {
			return nil, errors.New("seed must be base64 of 32 bytes")
		}
		return ed25519.NewKeyFromSeed(b), nil
	}
	return nil, errors.New("no priv_key")
}

func hexEqual(a, b string) bool {
	x, err := hex.DecodeString(a)
	return err == nil && hex.EncodeToString(x) == b
}

// LoadOrGenOperatorKey reads the operator key of home, creating it (mode
// 0600) if absent.
func LoadOrGenOperatorKey(home string) (ed25519.PrivateKey, error) {
	path := filepath.Join(home, OperatorKeyFile)
	_, key, err := LoadKeyFile(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	k, key, err := NewKeyFile("operator")
	if err != nil {
		return nil, err
	}
	if err := k.Save(path); err != nil {
		return nil, err
	}
	return key, nil
}

// LoadOrGenVRFKey reads the VRF key of home, creating it (mode 0600) if
// absent. A new key is not in the chain's genesis: a validator proposes
// with the key genesis registered for it.
func LoadOrGenVRFKey(home string) (ed25519.PrivateKey, error) {
	path := filepath.Join(home, VRFKeyFile)
	_, key, err := LoadKeyFile(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	k, key, err := NewKeyFile("vrf")
	if err != nil {
		return nil, err
	}
	if err := k.Save(path); err != nil {
		return nil, err
	}
	return key, nil
}
