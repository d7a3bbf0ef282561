package pin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// TestAddingAgainRepairsCorruptBlock: adding content whose DAG holds a
// corrupt block rewrites that block (boxo's blockstore would skip it as
// present), whichever way the content comes back, and the store counts
// both the corrupt block it met and the repair.
func TestAddingAgainRepairsCorruptBlock(t *testing.T) {
	ctx := context.Background()
	content := data(t, "repair", 2*ChunkSize+100)
	var carBytes bytes.Buffer
	{
		m, err := OpenMemory()
		if err != nil {
			t.Fatal(err)
		}
		c, err := m.AddBytes(ctx, content)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.ExportCAR(ctx, c, &carBytes); err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	again := []struct {
		how string
		add func(s *Store) error
	}{
		{"AddPinned", func(s *Store) error {
			_, err := s.AddPinned(ctx, bytes.NewReader(content), "victim")
			return err
		}},
		{"AddBytes", func(s *Store) error { _, err := s.AddBytes(ctx, content); return err }},
		{"Add", func(s *Store) error { _, err := s.Add(ctx, bytes.NewReader(content)); return err }},
		{"ImportCAR", func(s *Store) error {
			_, err := s.ImportCAR(ctx, bytes.NewReader(carBytes.Bytes()))
			return err
		}},
	}
	for _, tt := range again {
		for i := range 4 { // each block of the DAG: root and three leaves
			t.Run(fmt.Sprintf("%s/block%d", tt.how, i), func(t *testing.T) {
				dir := t.TempDir()
				s := openT(t, dir)
				defer s.Close()
				root, err := s.AddPinned(ctx, bytes.NewReader(content), "victim")
				if err != nil {
					t.Fatal(err)
				}
				victim := dagCIDs(t, s, root)[i]
				flipByte(t, blockFile(t, dir, victim), 7*i+3)
				assertCorrupt(t, "Get", catErr(ctx, s, root), victim)
				if h := s.Health(); h.CorruptBlocks != 1 || h.RepairedBlocks != 0 {
					t.Fatalf("after reading the corrupt block: Health %+v, want 1 corrupt, 0 repaired", h)
				}
				if err := tt.add(s); err != nil {
					t.Fatalf("%s again: %v", tt.how, err)
				}
				mustGet(t, s, root, content)
				if h := s.Health(); h.CorruptBlocks != 2 || h.RepairedBlocks != 1 {
					t.Fatalf("after %s again: Health %+v, want 2 corrupt (read, re-add), 1 repaired", tt.how, h)
				}
				if err := s.Pin(ctx, root, "checked"); err != nil {
					t.Fatalf("Pin after repair: %v", err)
				}
			})
		}
	}
}

// dagCIDs returns every block of root's DAG, root first.
func dagCIDs(t *testing.T, s *Store, root cid.Cid) []cid.Cid {
	t.Helper()
	var all []cid.Cid
	err := merkledag.Walk(context.Background(), merkledag.GetLinksDirect(s.dag), root, func(c cid.Cid) bool {
		all = append(all, c)
		return true
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	return all
}

// TestAddingAgainSkipsGoodBlocks: content already stored intact is not
// written again (nothing counted as repaired or corrupt).
func TestAddingAgainSkipsGoodBlocks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	defer s.Close()
	content := data(t, "intact", ChunkSize+1)
	root, err := s.AddPinned(ctx, bytes.NewReader(content), "a")
	if err != nil {
		t.Fatal(err)
	}
	leaf := blockFile(t, dir, dagCIDs(t, s, root)[1])
	before, err := os.Stat(leaf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPinned(ctx, bytes.NewReader(content), "b"); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(leaf)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Errorf("re-adding intact content replaced block file %s", leaf)
	}
	if h := s.Health(); h != (Health{}) {
		t.Errorf("Health %+v, want zero", h)
	}
}
