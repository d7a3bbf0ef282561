package pin

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dshelp "github.com/ipfs/boxo/datastore/dshelp"
	"github.com/ipfs/boxo/ipld/merkledag"
	cid "github.com/ipfs/go-cid"
)

// blockFile returns the flatfs file holding block c in the store at dir.
func blockFile(t *testing.T, dir string, c cid.Cid) string {
	t.Helper()
	name := dshelp.MultihashToDsKey(c.Hash()).String()[1:] + ".data"
	var found string
	err := filepath.WalkDir(filepath.Join(dir, blocksDir), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == name {
			found = p
		}
		return err
	})
	if err != nil || found == "" {
		t.Fatalf("block file %s of %s not found (err %v)", name, c, err)
	}
	return found
}

// flipByte inverts one byte of the file at path.
func flipByte(t *testing.T, path string, at int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[at%len(b)] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptBlockOnDiskIsReported(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	content := data(t, "corrupt", 2*ChunkSize+100)
	root, err := s.AddPinned(ctx, strings.NewReader(string(content)), "victim")
	if err != nil {
		t.Fatal(err)
	}
	var all []cid.Cid
	err = merkledag.Walk(ctx, merkledag.GetLinksDirect(s.dag), root, func(c cid.Cid) bool {
		all = append(all, c)
		return true
	})
	if err != nil || len(all) != 4 {
		t.Fatalf("walk: %d blocks, err %v; want 4", len(all), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	for i, victim := range all {
		t.Run(victim.String(), func(t *testing.T) {
			path := blockFile(t, dir, victim)
			flipByte(t, path, 7*i+3)
			s := openT(t, dir)
			defer s.Close()
			got, err := s.Get(ctx, root)
			assertCorrupt(t, "Get", err, victim)
			if got != nil {
				t.Errorf("Get returned %d bytes alongside the error", len(got))
			}
			assertCorrupt(t, "stream", catErr(ctx, s, root), victim)
			assertCorrupt(t, "Pin", s.Pin(ctx, root, "again"), victim)

			flipByte(t, path, 7*i+3) // repair
			mustGet(t, s, root, content)
		})
	}
}

// catErr streams c to the end and returns the first error.
func catErr(ctx context.Context, s *Store, c cid.Cid) error {
	f, err := s.Cat(ctx, c)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

func assertCorrupt(t *testing.T, op string, err error, victim cid.Cid) {
	t.Helper()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("%s of a DAG with corrupt block %s: err = %v, want ErrCorrupt", op, victim, err)
	}
	var cerr *CorruptBlockError
	if !errors.As(err, &cerr) || !cerr.Cid.Equals(victim) {
		t.Fatalf("%s: error %v does not carry the corrupt cid %s", op, err, victim)
	}
	if !strings.Contains(err.Error(), victim.String()) {
		t.Fatalf("%s: error %q does not name %s", op, err, victim)
	}
}

// TestGCStopsOnCorruptPinnedDAG: when a pinned DAG cannot be walked, GC
// removes nothing (it cannot tell which blocks the pin still needs).
func TestGCStopsOnCorruptPinnedDAG(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	defer s.Close()
	root, err := s.AddPinned(ctx, strings.NewReader(string(data(t, "gc-corrupt", 2*ChunkSize+1))), "p")
	if err != nil {
		t.Fatal(err)
	}
	loose, err := s.AddBytes(ctx, []byte("unpinned"))
	if err != nil {
		t.Fatal(err)
	}
	flipByte(t, blockFile(t, dir, root), 5) // the root links to every leaf
	if _, err := s.GC(ctx); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("GC with a corrupt pinned root: err = %v, want ErrCorrupt", err)
	}
	mustHave(t, s, loose, true)
}
