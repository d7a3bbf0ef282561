package app

import (
	"fmt"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/assaynet/assay/consensus/state"
)

// DBName is the name of the app's database in the data directory.
const DBName = "assay"

// DBKV is a state.KV over a cometbft-db database (goleveldb on disk).
type DBKV struct {
	db dbm.DB
}

var _ state.ReverseKV = (*DBKV)(nil) // newest-first queries need the reverse walk

// OpenKV opens (or creates) the app database "assay.db" in dir.
func OpenKV(dir string) (*DBKV, error) {
	db, err := dbm.NewGoLevelDB(DBName, dir)
	if err != nil {
		return nil, fmt.Errorf("app: open db in %s: %w", dir, err)
	}
	return &DBKV{db: db}, nil
}

// NewDBKV wraps an open database.
func NewDBKV(db dbm.DB) *DBKV { return &DBKV{db: db} }

// Get implements state.KV.
func (kv *DBKV) Get(key []byte) ([]byte, error) {
	v, err := kv.db.Get(key)
	if err != nil {
		return nil, fmt.Errorf("app: db get: %w", err)
	}
	return v, nil
}

// Iterate implements state.KV.
func (kv *DBKV) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	it, err := kv.db.Iterator(start, end)
	if err != nil {
		return fmt.Errorf("app: db iterate: %w", err)
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if !fn(it.Key(), it.Value()) {
			break
		}
	}
	return it.Error()
}

// ReverseIterate implements state.ReverseKV.
func (kv *DBKV) ReverseIterate(start, end []byte, fn func(key, value []byte) bool) error {
	it, err := kv.db.ReverseIterator(start, end)
	if err != nil {
		return fmt.Errorf("app: db iterate: %w", err)
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if !fn(it.Key(), it.Value()) {
			break
		}
	}
	return it.Error()
}

// Apply implements state.KV: one synced batch.
func (kv *DBKV) Apply(changes []state.Change) error {
	b := kv.db.NewBatch()
	defer b.Close()
	for _, c := range changes {
		var err error
		if c.Delete {
			err = b.Delete(c.Key)
		} else {
			err = b.Set(c.Key, c.Value)
		}
		if err != nil {
			return fmt.Errorf("app: db batch: %w", err)
		}
	}
	if err := b.WriteSync(); err != nil {
		return fmt.Errorf("app: db write: %w", err)
	}
	return nil
}

// Close closes the database.
func (kv *DBKV) Close() error { return kv.db.Close() }
