package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	cometnode "github.com/assaynet/assay/consensus/node"
)

// A keyring is a directory of named keys: NAME.json, each a
// cometnode.KeyFile (the format of a home's operator key), read with
// LoadKey. `assay keys` manages one; tx commands sign with its keys.

// KeyringEnv names the environment variable that overrides
// DefaultKeyring.
const KeyringEnv = "ASSAY_KEYRING"

// MaxKeyNameLen bounds a key's name in a keyring.
const MaxKeyNameLen = 64

// ErrKeyExists is returned by AddKey when the keyring already holds a key
// of that name.
var ErrKeyExists = errors.New("already exists")

// DefaultKeyring is $ASSAY_KEYRING, else ~/.assay/keys (.assay/keys when
// there is no home directory).
func DefaultKeyring() string {
	if v := os.Getenv(KeyringEnv); v != "" {
		return v
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".assay", "keys")
	}
	return filepath.Join(home, ".assay", "keys")
}

// ValidKeyName reports whether name may name a key in a keyring: 1 to
// MaxKeyNameLen ASCII letters, digits, '-' and '_'.
func ValidKeyName(name string) bool {
	if name == "" || len(name) > MaxKeyNameLen {
		return false
	}
	return strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == ""
}

// KeyPath is name itself when it is an existing file (a key given by
// path), else the path of the keyring's key of that name.
func KeyPath(keyring, name string) string {
	if _, err := os.Stat(name); err == nil {
		return name
	}
	return filepath.Join(keyring, name+".json")
}

// AddKey creates a new ed25519 key named name in keyring (creating the
// directory if needed) and returns it with its file's path. It refuses a
// name that is not ValidKeyName, and a name already in the keyring
// (ErrKeyExists, naming the file).
func AddKey(keyring, name string) (*cometnode.KeyFile, string, error) {
	if !ValidKeyName(name) {
		return nil, "", fmt.Errorf("bad key name %q (letters, digits, - and _)", name)
	}
	path := filepath.Join(keyring, name+".json")
	if _, err := os.Stat(path); err == nil {
		return nil, path, fmt.Errorf("%s %w", path, ErrKeyExists)
	}
	kf, _, err := cometnode.NewKeyFile(name)
	if err == nil {
		err = kf.Save(path)
	}
	if err != nil {
		return nil, path, err
	}
	return kf, path, nil
}

// KeyFiles returns the paths of the keyring's keys (*.json), sorted; a
// keyring that does not exist has none.
func KeyFiles(keyring string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(keyring, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("keyring %s: %w", keyring, err)
	}
	sort.Strings(names)
	return names, nil
}

// KeyName is the name of the keyring key at path (its file name without
// .json).
func KeyName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".json")
}
