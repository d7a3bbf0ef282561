package node

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestValidKeyName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"alice", true}, {"a-b_C9", true}, {strings.Repeat("k", MaxKeyNameLen), true},
		{"", false}, {strings.Repeat("k", MaxKeyNameLen+1), false}, {"bad/name", false},
		{"../x", false}, {"dot.json", false}, {"é", false},
	} {
		if got := ValidKeyName(tc.name); got != tc.ok {
			t.Errorf("ValidKeyName(%q) = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

// TestKeyring adds keys to a real directory, refuses a duplicate and a
// bad name, lists them sorted and loads them back by name and by path.
func TestKeyring(t *testing.T) {
	ring := filepath.Join(t.TempDir(), "keys") // created by AddKey
	var addrs []string
	for _, name := range []string{"bob", "alice"} {
		kf, path, err := AddKey(ring, name)
		if err != nil {
			t.Fatalf("AddKey(%s): %v", name, err)
		}
		if path != filepath.Join(ring, name+".json") {
			t.Errorf("AddKey(%s) path %s", name, path)
		}
		addrs = append(addrs, kf.Address)
	}
	if _, path, err := AddKey(ring, "bob"); !errors.Is(err, ErrKeyExists) || !strings.Contains(err.Error(), path) {
		t.Errorf("AddKey(bob) again: %v; want ErrKeyExists naming %s", err, path)
	}
	if _, _, err := AddKey(ring, "bad/name"); err == nil || !strings.Contains(err.Error(), `"bad/name"`) {
		t.Errorf("AddKey(bad/name): %v; want an error naming it", err)
	}
	files, err := KeyFiles(ring)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, KeyName(f))
	}
	if want := []string{"alice", "bob"}; !reflect.DeepEqual(names, want) {
		t.Errorf("KeyFiles names %v, want %v", names, want)
	}
	bobPath := filepath.Join(ring, "bob.json")
	for _, name := range []string{"bob", bobPath} {
		kf, _, err := LoadKey(KeyPath(ring, name), nil)
		if err != nil || kf.Address != addrs[0] {
			t.Errorf("LoadKey(KeyPath(%q)) = %v, %v; want bob's address %s", name, kf, err, addrs[0])
		}
	}
	if got := KeyPath(ring, "nobody"); got != filepath.Join(ring, "nobody.json") {
		t.Errorf("KeyPath(nobody) = %s", got)
	}
	if files, err := KeyFiles(filepath.Join(ring, "missing")); err != nil || len(files) != 0 {
		t.Errorf("KeyFiles(missing dir) = %v, %v; want none", files, err)
	}
}

func TestDefaultKeyring(t *testing.T) {
	t.Setenv(KeyringEnv, "/tmp/ring")
	if got := DefaultKeyring(); got != "/tmp/ring" {
		t.Errorf("with $%s: %s", KeyringEnv, got)
	}
	t.Setenv(KeyringEnv, "")
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory")
	}
	if got, want := DefaultKeyring(), filepath.Join(home, ".assay", "keys"); got != want {
		t.Errorf("DefaultKeyring() = %s, want %s", got, want)
	}
}
