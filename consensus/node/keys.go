package node

import (
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

// ErrKey is returned for an unreadable operator key file.
var ErrKey = errors.New("node: bad operator key file")

// operatorKeyJSON is the operator key file's format.
type operatorKeyJSON struct {
	Address string `json:"address"` // hex, 20 bytes
	PubKey  string `json:"pub_key"` // base64, 32 bytes
	Seed    string `json:"seed"`    // base64, 32 bytes: the private key seed
}

// LoadOrGenOperatorKey reads the operator key of home, creating it (mode
// 0600) if absent.
func LoadOrGenOperatorKey(home string) (ed25519.PrivateKey, error) {
	path := filepath.Join(home, OperatorKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return genOperatorKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("node: read operator key: %w", err)
	}
	var k operatorKeyJSON
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrKey, path, err)
	}
	seed, err := base64.StdEncoding.DecodeString(k.Seed)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: %s: seed must be base64 of 32 bytes", ErrKey, path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

func genOperatorKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("node: generate operator key: %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	k := operatorKeyJSON{
		Address: hex.EncodeToString(tx.Address(pub)),
		PubKey:  base64.StdEncoding.EncodeToString(pub),
		Seed:    base64.StdEncoding.EncodeToString(key.Seed()),
	}
	b, _ := json.MarshalIndent(k, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("node: write operator key: %w", err)
	}
	return key, nil
}
