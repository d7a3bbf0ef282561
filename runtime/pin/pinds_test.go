package pin

import (
	"context"
	"errors"
	"testing"

	ds "github.com/ipfs/go-datastore"
	leveldb "github.com/ipfs/go-ds-leveldb"
)

// TestUnsyncedLevelDB: puts, deletes and batches written without fsync
// read back after close and reopen through the stock datastore.
func TestUnsyncedLevelDB(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	lds, err := leveldb.NewDatastore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := unsyncedLevelDB{lds}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.Put(ctx, ds.NewKey("/a"), []byte("1")))
	must(d.Put(ctx, ds.NewKey("/gone"), []byte("x")))
	must(d.Delete(ctx, ds.NewKey("/gone")))
	b, err := d.Batch(ctx)
	must(err)
	must(b.Put(ctx, ds.NewKey("/b"), []byte("2")))
	must(b.Put(ctx, ds.NewKey("/a"), []byte("3")))
	must(b.Delete(ctx, ds.NewKey("/b")))
	if ok, _ := d.Has(ctx, ds.NewKey("/b")); ok {
		t.Fatal("batch visible before Commit")
	}
	must(b.Commit(ctx))
	must(d.Close())

	lds, err = leveldb.NewDatastore(dir, nil)
	must(err)
	defer lds.Close()
	for key, want := range map[string]string{"/a": "3", "/b": "", "/gone": ""} {
		got, err := lds.Get(ctx, ds.NewKey(key))
		switch {
		case want == "" && !errors.Is(err, ds.ErrNotFound):
			t.Errorf("%s: got %q, %v; want not found", key, got, err)
		case want != "" && (err != nil || string(got) != want):
			t.Errorf("%s: got %q, %v; want %q", key, got, err, want)
		}
	}
}
