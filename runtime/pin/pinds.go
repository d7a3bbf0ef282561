package pin

import (
	"context"

	ds "github.com/ipfs/go-datastore"
	leveldb "github.com/ipfs/go-ds-leveldb"
	goleveldb "github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// unsyncedLevelDB is go-ds-leveldb's datastore with writes that are not
// fsynced one by one (go-ds-leveldb always syncs each write). It backs
// the pin state of a store opened with OpenDeferredSync, whose caller
// makes writes durable with Store.Sync (syncfs covers leveldb's journal
// too). A killed process loses nothing: unsynced writes are in the
// kernel's page cache; only a machine crash before Sync can.
type unsyncedLevelDB struct {
	*leveldb.Datastore
}

var noSync = &opt.WriteOptions{Sync: false}

// Put stores value under key without an fsync.
func (d unsyncedLevelDB) Put(_ context.Context, key ds.Key, value []byte) error {
	return d.DB.Put(key.Bytes(), value, noSync)
}

// Delete removes key without an fsync.
func (d unsyncedLevelDB) Delete(_ context.Context, key ds.Key) error {
	return d.DB.Delete(key.Bytes(), noSync)
}

// Batch returns an atomic batch written without an fsync.
func (d unsyncedLevelDB) Batch(context.Context) (ds.Batch, error) {
	return &unsyncedBatch{db: d.DB, b: new(goleveldb.Batch)}, nil
}

// unsyncedBatch is an atomic leveldb write batch committed without fsync.
type unsyncedBatch struct {
	db *goleveldb.DB
	b  *goleveldb.Batch
}

func (b *unsyncedBatch) Put(_ context.Context, key ds.Key, value []byte) error {
	b.b.Put(key.Bytes(), value)
	return nil
}

func (b *unsyncedBatch) Delete(_ context.Context, key ds.Key) error {
	b.b.Delete(key.Bytes())
	return nil
}

func (b *unsyncedBatch) Commit(context.Context) error {
	return b.db.Write(b.b, noSync)
}
