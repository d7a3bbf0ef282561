package pin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cid "github.com/ipfs/go-cid"
)

// data returns size deterministic bytes derived from seed.
func data(t testing.TB, seed string, size int) []byte {
	t.Helper()
	b, err := io.ReadAll(generated(seed, int64(size)))
	if err != nil {
		t.Fatalf("generate %s/%d: %v", seed, size, err)
	}
	return b
}

func openT(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func mustGet(t testing.TB, s *Store, c cid.Cid, want []byte) {
	t.Helper()
	got, err := s.Get(context.Background(), c)
	if err != nil {
		t.Fatalf("Get(%s): %v", c, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%s): %d bytes differ from the %d added", c, len(got), len(want))
	}
}

func mustHave(t testing.TB, s *Store, c cid.Cid, want bool) {
	t.Helper()
	ok, err := s.Has(context.Background(), c)
	if err != nil {
		t.Fatalf("Has(%s): %v", c, err)
	}
	if ok != want {
		t.Fatalf("Has(%s) = %v, want %v", c, ok, want)
	}
}

func TestAddMatchesSum(t *testing.T) {
	s, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, size := range []int{0, 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 7} {
		b := data(t, "add-sum", size)
		want, err := SumBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.AddBytes(context.Background(), b)
		if err != nil {
			t.Fatalf("AddBytes(%d bytes): %v", size, err)
		}
		if !got.Equals(want) {
			t.Fatalf("AddBytes(%d bytes) = %s, Sum = %s", size, got, want)
		}
		mustGet(t, s, got, b)
	}
}

func TestStorePersistsAndGCKeepsPins(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "store")
	s := openT(t, dir)

	shared := data(t, "shared-chunk", ChunkSize)
	pinnedData := append(append([]byte{}, shared...), data(t, "pinned-tail", ChunkSize)...)
	looseData := append(append([]byte{}, shared...), data(t, "loose-tail", ChunkSize)...)
	pinned, err := s.AddPinned(ctx, bytes.NewReader(pinnedData), "kept")
	if err != nil {
		t.Fatalf("AddPinned: %v", err)
	}
	loose, err := s.AddBytes(ctx, looseData)
	if err != nil {
		t.Fatalf("AddBytes: %v", err)
	}
	before, err := s.Stat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 3 distinct leaves + 2 roots.
	if before.Blocks != 5 {
		t.Fatalf("Stat before GC: %d blocks, want 5", before.Blocks)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = openT(t, dir)
	defer s.Close()
	mustGet(t, s, pinned, pinnedData)
	mustGet(t, s, loose, looseData)
	pins, err := s.ListPins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pins) != 1 || !pins[0].Cid.Equals(pinned) || pins[0].Name != "kept" {
		t.Fatalf("ListPins after reopen = %v, want [%s kept]", pins, pinned)
	}

	res, err := s.GC(ctx)
	if err != nil {
		t.Fatalf("GC: %v", err)
	}
	// The loose root and its own tail leaf go; the shared leaf stays.
	if res.Blocks != 2 {
		t.Fatalf("GC removed %d blocks, want 2", res.Blocks)
	}
	mustGet(t, s, pinned, pinnedData)
	mustHave(t, s, loose, false)
	after, err := s.Stat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Blocks != 3 || after.Bytes != before.Bytes-res.Bytes {
		t.Fatalf("Stat after GC = %+v, want 3 blocks and %d bytes", after, before.Bytes-res.Bytes)
	}

	if err := s.Unpin(ctx, pinned); err != nil {
		t.Fatalf("Unpin: %v", err)
	}
	if err := s.Unpin(ctx, pinned); !errors.Is(err, ErrNotPinned) {
		t.Fatalf("second Unpin: err = %v, want ErrNotPinned", err)
	}
	if res, err = s.GC(ctx); err != nil || res.Blocks != 3 {
		t.Fatalf("GC after Unpin = %+v, %v; want 3 blocks removed", res, err)
	}
	if _, err := s.Get(ctx, pinned); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after GC: err = %v, want ErrNotFound", err)
	}
}

func TestStoreDirsArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s := openT(t, dir)
	defer s.Close()
	for _, d := range []string{dir, filepath.Join(dir, blocksDir), filepath.Join(dir, pinsDir)} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != dirPerm {
			t.Errorf("%s: mode %o, want %o", d, perm, dirPerm)
		}
	}
}

// TestPinNames: a root keeps every name it is pinned under, stays pinned
// while any of them does, and loses exactly the names unpinned; names of
// any bytes (empty, slashes, dots) round-trip.
func TestPinNames(t *testing.T) {
	ctx := context.Background()
	s, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, _ := s.AddBytes(ctx, []byte("a"))
	b, _ := s.AddBytes(ctx, []byte("b"))
	odd := []string{"", "x/../y//z/", "\xff\x00 name"}
	for _, p := range []Pinned{{a, "first"}, {b, "bee"}, {a, "second"}, {a, "first"}, {b, odd[0]}, {b, odd[1]}, {b, odd[2]}} {
		if err := s.Pin(ctx, p.Cid, p.Name); err != nil {
			t.Fatalf("Pin(%s, %q): %v", p.Cid, p.Name, err)
		}
	}
	wantPins(t, s, Pinned{a, "first"}, Pinned{a, "second"}, Pinned{b, "bee"}, Pinned{b, odd[0]}, Pinned{b, odd[1]}, Pinned{b, odd[2]})

	n, err := s.UnpinNames(ctx, []Pinned{{a, "first"}, {b, "nope"}, {b, odd[1]}})
	if err != nil || n != 2 {
		t.Fatalf("UnpinNames = %d, %v; want 2 (the absent name skipped)", n, err)
	}
	wantPins(t, s, Pinned{a, "second"}, Pinned{b, "bee"}, Pinned{b, odd[0]}, Pinned{b, odd[2]})

	if err := s.Unpin(ctx, b); err != nil {
		t.Fatalf("Unpin(b): %v", err)
	}
	wantPins(t, s, Pinned{a, "second"})
	if ok, err := s.NamePinned(ctx, b, "again"); err != nil || ok {
		t.Fatalf("NamePinned(unpinned b) = %v, %v; want false", ok, err)
	}
	if ok, err := s.NamePinned(ctx, a, "third"); err != nil || !ok {
		t.Fatalf("NamePinned(a) = %v, %v; want true", ok, err)
	}
	wantPins(t, s, Pinned{a, "second"}, Pinned{a, "third"})
	if err := s.Unpin(ctx, a); err != nil {
		t.Fatalf("Unpin(a): %v", err)
	}
	wantPins(t, s)
	if err := s.Unpin(ctx, a); !errors.Is(err, ErrNotPinned) {
		t.Fatalf("Unpin of an unpinned root: %v, want ErrNotPinned", err)
	}
	missing, _ := SumBytes([]byte("never added"))
	if err := s.Pin(ctx, missing, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Pin of an absent CID: err = %v, want ErrNotFound", err)
	}
	if ok, err := s.IsPinned(ctx, missing); err != nil || ok {
		t.Errorf("IsPinned(absent) = %v, %v; want false", ok, err)
	}
}

// wantPins checks that s holds exactly the pins want, listed sorted by
// CID string then name, and that IsPinned agrees for their roots.
func wantPins(t *testing.T, s *Store, want ...Pinned) {
	t.Helper()
	ctx := context.Background()
	got, err := s.ListPins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(want, func(x, y Pinned) int {
		if c := strings.Compare(x.Cid.String(), y.Cid.String()); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	if !slices.Equal(got, want) {
		t.Fatalf("ListPins = %q, want %q", got, want)
	}
	for _, p := range want {
		if ok, err := s.IsPinned(ctx, p.Cid); err != nil || !ok {
			t.Errorf("IsPinned(%s) = %v, %v; want true", p.Cid, ok, err)
		}
	}
}

// TestUnpinned: the roots that drop leaves without any pin.
func TestUnpinned(t *testing.T) {
	a, _ := SumBytes([]byte("a"))
	b, _ := SumBytes([]byte("b"))
	c, _ := SumBytes([]byte("c"))
	pins := []Pinned{{a, "1"}, {a, "2"}, {b, "1"}, {c, "1"}, {c, "2"}}
	for _, tc := range []struct {
		name string
		drop []Pinned
		want []cid.Cid
	}{
		{"nothing", nil, nil},
		{"one name of two", []Pinned{{a, "1"}}, nil},
		{"the only name", []Pinned{{b, "1"}}, []cid.Cid{b}},
		{"every name", []Pinned{{c, "2"}, {a, "1"}, {c, "1"}}, []cid.Cid{c}},
		{"all", pins, []cid.Cid{a, b, c}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unpinned(pins, tc.drop); !slices.Equal(got, tc.want) {
				t.Fatalf("Unpinned = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := s.AddBytes(ctx, []byte("x"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Add":   func() error { _, err := s.AddBytes(ctx, []byte("y")); return err },
		"Get":   func() error { _, err := s.Get(ctx, c); return err },
		"Pin":   func() error { return s.Pin(ctx, c, "n") },
		"GC":    func() error { _, err := s.GC(ctx); return err },
		"Stat":  func() error { _, err := s.Stat(ctx); return err },
		"Close": s.Close,
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: err = %v, want ErrClosed", name, err)
		}
	}
}

func TestAddBytesDoesNotAliasCallerData(t *testing.T) {
	ctx := context.Background()
	for _, open := range []struct {
		name string
		fn   func() (*Store, error)
	}{
		{"memory", OpenMemory},
		{"flatfs", func() (*Store, error) { return Open(t.TempDir()) }},
	} {
		t.Run(open.name, func(t *testing.T) {
			s, err := open.fn()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			b := data(t, "alias", 2*ChunkSize+9)
			want := bytes.Clone(b)
			c, err := s.AddBytes(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			for i := range b {
				b[i] = 0
			}
			mustGet(t, s, c, want)
		})
	}
}
