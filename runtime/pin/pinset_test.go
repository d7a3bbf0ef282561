package pin

import (
	"bytes"
	"context"
	"path/filepath"
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
	dir := t.TempDir()
	small, big := data(t, "small", 100), data(t, "big", 3<<20)
	cids := addClosed(t, dir, small, big, data(t, "loose", 5000))
	writeOldPins(t, filepath.Join(dir, pinsDir), map[cid.Cid]string{cids[0]: "feed/1", cids[1]: "feed/2"})

	s := openT(t, dir)
	defer s.Close()
	assertMoved(t, s, dspinnerPrefix, Pinned{cids[0], "feed/1"}, Pinned{cids[1], "feed/2"})
	mustGet(t, s, cids[0], small)
	mustGet(t, s, cids[1], big)
	if err := s.Unpin(context.Background(), cids[0]); err != nil {
		t.Fatalf("unpin a moved pin: %v", err)
	}
}

// addClosed adds each content, unpinned, to the store at dir, closes it,
// and returns their CIDs.
func addClosed(t *testing.T, dir string, contents ...[]byte) []cid.Cid {
	t.Helper()
	s := openT(t, dir)
	var cids []cid.Cid
	for _, b := range contents {
		c, err := s.Add(context.Background(), bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		cids = append(cids, c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return cids
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
	cids := addClosed(t, dir, data(t, "one", 100), data(t, "two", 2<<20), data(t, "loose", 5000))
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

	s := openT(t, dir)
	defer s.Close()
	assertMoved(t, s, pinSetV1Prefix, Pinned{cids[0], "assay/feed/1/output"}, Pinned{cids[1], ""})
}

// assertMoved checks a store just opened over an older layout's pins
// (under oldPrefix): it holds exactly the pins want, no record of the old
// layout is left, and GC removes exactly the one block left unpinned.
func assertMoved(t *testing.T, s *Store, oldPrefix string, want ...Pinned) {
	t.Helper()
	ctx := context.Background()
	wantPins(t, s, want...)
	if old, err := keysUnder(ctx, s.pins.d, oldPrefix, 0); err != nil || len(old) != 0 {
		t.Fatalf("records under %s left: %v (err %v)", oldPrefix, old, err)
	}
	res, err := s.GC(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Blocks != 1 {
		t.Fatalf("GC removed %d blocks, want 1 (the unpinned one)", res.Blocks)
	}
}
