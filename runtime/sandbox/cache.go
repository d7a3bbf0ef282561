package sandbox

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/assaynet/assay/runtime/meter"
	cid "github.com/ipfs/go-cid"
	"github.com/tetratelabs/wazero"
)

// diskCache is the private on-disk compile cache. wazero writes its
// entries into dir; beside them, index/<code CID> lists the entry files the
// code produced with their SHA-256, so a corrupt or truncated entry is
// found and recompiled instead of failing the store.
//
// Layout: CacheDir/wazero-<version>/meter-v<N>/{<wazero entries>, index/}.
type diskCache struct {
	dir   string // wazero's entries
	index string
}

func openDiskCache(root string) (*diskCache, error) {
	dir := filepath.Join(root, "wazero-"+wazeroVersion(), fmt.Sprintf("meter-v%d", meter.Version))
	d := &diskCache{dir: dir, index: filepath.Join(dir, "index")}
	if err := os.MkdirAll(d.index, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: cache dir: %w", err)
	}
	root = filepath.Clean(root)
	for _, p := range []string{root, filepath.Dir(dir), dir, d.index} {
		if err := os.Chmod(p, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: cache dir: %w", err)
		}
	}
	return d, nil
}

// wazeroVersion is the wazero module version linked in, "dev" if unknown.
func wazeroVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/tetratelabs/wazero" && dep.Version != "" {
				return dep.Version
			}
		}
	}
	return "dev"
}

// compile verifies the entries indexed for id (dropping them when any is
// corrupt), runs compileFn and indexes the entries it wrote. A compile that
// still fails is retried once after dropping unindexed entries.
func (d *diskCache) compile(id cid.Cid, compileFn func() (wazero.CompiledModule, error)) (wazero.CompiledModule, error) {
	idx := filepath.Join(d.index, id.String())
	if !d.verify(idx) {
		d.drop(idx)
	}
	before := d.entries()
	cm, err := compileFn()
	if err != nil {
		d.drop(idx)
		d.dropUnindexed()
		if cm, err = compileFn(); err != nil {
			return nil, err
		}
	}
	if added := newNames(before, d.entries()); len(added) > 0 {
		_ = d.writeIndex(idx, added) // best effort: a missing index only costs a recompile
	}
	return cm, nil
}

// entries lists wazero's entry files as paths relative to dir: wazero
// keeps them in a sub-directory named after its version and platform.
// Temporaries and the index are left out.
func (d *diskCache) entries() map[string]bool {
	m := map[string]bool{}
	subs, _ := os.ReadDir(d.dir)
	for _, sub := range subs {
		if !sub.IsDir() || sub.Name() == "index" {
			continue
		}
		des, _ := os.ReadDir(filepath.Join(d.dir, sub.Name()))
		for _, de := range des {
			if de.Type().IsRegular() && !strings.HasSuffix(de.Name(), ".tmp") {
				m[filepath.Join(sub.Name(), de.Name())] = true
			}
		}
	}
	return m
}

func newNames(before, after map[string]bool) []string {
	var out []string
	for n := range after {
		if !before[n] {
			out = append(out, n)
		}
	}
	return out
}

// writeIndex records name and SHA-256 of each entry, atomically.
func (d *diskCache) writeIndex(idx string, names []string) error {
	var b bytes.Buffer
	for _, n := range names {
		sum, err := fileSum(filepath.Join(d.dir, n))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %s\n", n, sum)
	}
	tmp := idx + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, idx)
}

// readIndex returns the entry names and sums of an index file.
func readIndex(idx string) (map[string]string, error) {
	b, err := os.ReadFile(idx)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, sum, ok := strings.Cut(sc.Text(), " ")
		if !ok || !filepath.IsLocal(name) {
			return nil, errors.New("sandbox: bad cache index")
		}
		m[name] = sum
	}
	return m, nil
}

// verify reports whether every entry indexed at idx is intact (true when
// there is no index: nothing to check).
func (d *diskCache) verify(idx string) bool {
	m, err := readIndex(idx)
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	for name, want := range m {
		if got, err := fileSum(filepath.Join(d.dir, name)); err != nil || got != want {
			return false
		}
	}
	return true
}

// drop removes the entries indexed at idx and the index.
func (d *diskCache) drop(idx string) {
	m, _ := readIndex(idx)
	for name := range m {
		_ = os.Remove(filepath.Join(d.dir, name))
	}
	_ = os.Remove(idx)
}

// dropUnindexed removes entries no index mentions (left by a crash
// between compiling and indexing).
func (d *diskCache) dropUnindexed() {
	known := map[string]bool{}
	des, _ := os.ReadDir(d.index)
	for _, de := range des {
		m, _ := readIndex(filepath.Join(d.index, de.Name()))
		for name := range m {
			known[name] = true
		}
	}
	for name := range d.entries() {
		if !known[name] {
			_ = os.Remove(filepath.Join(d.dir, name))
		}
	}
}

func fileSum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
