package pin

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	ipfspinner "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	cid "github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
	leveldb "github.com/ipfs/go-ds-leveldb"
)

// TestMigrateDSPinner opens a store whose pins boxo's dspinner wrote (as
// every store did before the pin set): the pins, with their names, are
// in the pin set, dspinner's records are gone, and GC keeps exactly the
// pinned DAGs.
func TestMigrateDSPinner(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	small, big, loose := data(t, "small", 100), data(t, "big", 3<<20), data(t, "loose", 5000)
	var cids []cid.Cid
	for _, b := range [][]byte{small, big, loose} {
		c, err := s.Add(ctx, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		cids = append(cids, c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	writeOldPins(t, filepath.Join(dir, pinsDir), map[cid.Cid]string{cids[0]: "feed/1", cids[1]: "feed/2"})

	s = openT(t, dir)
	defer s.Close()
	got, err := s.ListPins(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pinned{{cids[0], "feed/1"}, {cids[1], "feed/2"}}
	slices.SortFunc(want, func(a, b Pinned) int { return strings.Compare(a.Cid.String(), b.Cid.String()) })
	if !slices.Equal(got, want) {
		t.Fatalf("pins after the move = %v, want %v", got, want)
	}
	if old, err := keysUnder(ctx, s.pins.d, dspinnerPrefix, 0); err != nil || len(old) != 0 {
		t.Fatalf("dspinner records left: %v (err %v)", old, err)
	}
	res, err := s.GC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Blocks != 1 {
		t.Fatalf("GC removed %d blocks, want 1 (the unpinned one)", res.Blocks)
	}
	mustGet(t, s, cids[0], small)
	mustGet(t, s, cids[1], big)
	if err := s.Unpin(ctx, cids[0]); err != nil {
		t.Fatalf("unpin a moved pin: %v", err)
	}
}

// writeOldPins pins each CID recursively under its name with boxo's
// dspinner in the leveldb at dir, as stores did before the pin set.
func writeOldPins(t *testing.T, dir string, pins map[cid.Cid]string) {
	t.Helper()
	ctx := context.Background()
	d, err := leveldb.NewDatastore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bs := blockstore.NewBlockstore(dssync.MutexWrap(ds.NewMapDatastore()))
	p, err := dspinner.New(ctx, d, merkledag.NewDAGService(blockservice.New(bs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for c, name := range pins {
		if err := p.PinWithMode(ctx, c, ipfspinner.Recursive, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateV1PinSet opens a store whose pins the first pin set wrote
// (one record per root, holding its name): the pins, with their names,
// are in the pin set, the old records are gone, and GC keeps exactly the
// pinned DAGs.
func TestMigrateV1PinSet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	var cids []cid.Cid
	for _, b := range [][]byte{data(t, "one", 100), data(t, "two", 2<<20), data(t, "loose", 5000)} {
		c, err := s.Add(ctx, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		cids = append(cids, c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	d, err := leveldb.NewDatastore(filepath.Join(dir, pinsDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	for c, name := range map[cid.Cid]string{cids[0]: "assay/feed/1/output", cids[1]: ""} {
		if err := d.Put(ctx, ds.NewKey(pinSetV1Prefix+"/"+c.String()), []byte(name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	s = openT(t, dir)
	defer s.Close()
	wantPins(t, s, Pinned{cids[0], "assay/feed/1/output"}, Pinned{cids[1], ""})
	if old, err := keysUnder(ctx, s.pins.d, pinSetV1Prefix, 0); err != nil || len(old) != 0 {
		t.Fatalf("first pin set records left: %v (err %v)", old, err)
	}
	res, err := s.GC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Blocks != 1 {
		t.Fatalf("GC removed %d blocks, want 1 (the unpinned one)", res.Blocks)
	}
}
