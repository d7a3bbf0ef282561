// Package store keeps the committed state of the Assay chain in an IAVL
// tree (github.com/cosmos/iavl), whose root hash is the app hash, and
// proves records and absences against it with ICS-23 commitment proofs
// (docs/protocol.md section 4). It implements state.Store; the state
// machine stays free of I/O.
//
// Version v of the tree is the state after block v: InitChain stages the
// genesis records, block 1's Commit saves them with block 1's writes as
// version 1.
package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sync"

	corestore "cosmossdk.io/core/store"
	"github.com/cosmos/iavl"
	idb "github.com/cosmos/iavl/db"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/assaynet/assay/consensus/state"
)

// DBName is the name of the state database in the data directory
// (data/appstate.db; CometBFT's own state.db is beside it).
const DBName = "appstate"

// DefaultKeep is the number of most recent versions a node keeps for
// queries and proofs at past heights (docs/protocol.md section 4).
const DefaultKeep = 1000

// cacheNodes is the number of tree nodes kept in memory. The tree keeps
// no "fast" key index beside the nodes (skipFastStorageUpgrade): the
// machine reads little, and the index doubles the writes. Measured on the
// 1,000-source devnet (4 nodes in one process): 100,000 nodes took the
// process from 548 to 962 MB RSS, 10,000 to 690 MB, 2,000 to 605 MB, with
// the same rounds resolved and FinalizeBlock + Commit for 1,000 reveals
// at 26–30 ms CPU. At 5,000 sources 2,000 was too few: IAVL's GetNode
// holds the node database's one mutex through a miss's leveldb read, so
// the block's Sets and every query queued behind the misses, and leveldb
// reads were 17 % of the devnet's CPU (143 ms per block over the 4 nodes);
// with 30,000 they were 9 % (62 ms per block), at 1.0–1.2 GB RSS.
const cacheNodes = 30_000

// cacheReadNodes is the number of nodes the reading tree (At's views,
// the node's queries) keeps in memory. Queries read the recent versions,
// whose upper levels the cache holds after the first reads.
const cacheReadNodes = 10_000

// ErrVersion is returned for a version the tree does not hold.
var ErrVersion = errors.New("store: version not available")

// Tree is the chain state as an IAVL tree. The state machine reads and
// stages through it under the ABCI adapter's lock; At is safe to call
// concurrently with them.
//
// At's views come from a second IAVL tree on the same database (reads),
// with its own node cache, on which nothing is ever set. IAVL's Set
// clones the saved nodes on the changed path and clears their child
// pointers, so a view of the writing tree's nodes would race with every
// block; the reading tree's nodes are loaded from the database and never
// written.
type Tree struct {
	db    idb.DB
	tree  *iavl.MutableTree
	reads *iavl.MutableTree
	keep  int64

	mu        sync.RWMutex
	committed int64               // last saved version
	hash      []byte              // its root hash
	saved     *iavl.ImmutableTree // it, for reads; nil before the first
}

var _ state.Store = (*Tree)(nil)

// atomicDB makes each batch IAVL writes one batch on disk: IAVL flushes
// a batch early once it exceeds its flush threshold, which would let a
// crash leave half a version behind. With the threshold at its maximum
// and no preallocation, SaveVersion and pruning each write one batch.
type atomicDB struct{ idb.DB }

func (d atomicDB) NewBatchWithSize(int) corestore.Batch { return d.DB.NewBatch() }

// Open opens (or creates) the state database appstate.db in dir,
// keeping the last keep versions (0 keeps all). Writes are synced.
func Open(dir string, keep int64) (*Tree, error) {
	db, err := idb.NewGoLevelDB(DBName, dir)
	if err != nil {
		return nil, fmt.Errorf("store: open db in %s: %w", dir, err)
	}
	t, err := newTree(db, keep, true)
	if err != nil {
		db.Close()
		return nil, err
	}
	return t, nil
}

// NewMemory returns an empty tree in memory that keeps every version,
// for tests and simulations.
func NewMemory() *Tree {
	t, err := newTree(idb.NewMemDB(), 0, false)
	if err != nil {
		panic(fmt.Sprintf("store: empty memory tree: %v", err)) // cannot fail on an empty MemDB
	}
	return t
}

func newTree(db idb.DB, keep int64, sync bool) (*Tree, error) {
	if keep < 0 {
		return nil, fmt.Errorf("store: keep %d: must be >= 0", keep)
	}
	tree := iavl.NewMutableTree(atomicDB{db}, cacheNodes, true, iavl.NewNopLogger(),
		iavl.SyncOption(sync), iavl.FlushThresholdOption(math.MaxInt32))
	v, err := tree.Load()
	if err != nil {
		return nil, fmt.Errorf("store: load tree: %w", err)
	}
	// only GetImmutable is called on reads: it reads a version's root from
	// the database, so it sees each version the writing tree saves
	reads := iavl.NewMutableTree(atomicDB{db}, cacheReadNodes, true, iavl.NewNopLogger())
	t := &Tree{db: db, tree: tree, reads: reads, keep: keep}
	if v > 0 {
		if err := t.setSaved(v); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// CloneMemory returns a copy of a memory tree at its last saved version,
// for benchmarks that rerun a block from the same state.
func (t *Tree) CloneMemory() (*Tree, error) {
	src, ok := t.db.(*idb.MemDB)
	if !ok {
		return nil, errors.New("store: CloneMemory: not a memory tree")
	}
	dst := idb.NewMemDB()
	it, err := src.Iterator(nil, nil)
	if err != nil {
		return nil, fmt.Errorf("store: clone: %w", err)
	}
	for ; it.Valid(); it.Next() {
		if err := dst.Set(bytes.Clone(it.Key()), bytes.Clone(it.Value())); err != nil {
			it.Close()
			return nil, fmt.Errorf("store: clone: %w", err)
		}
	}
	it.Close()
	return newTree(dst, t.keep, false)
}

func (t *Tree) setSaved(v int64) error {
	it, err := t.tree.GetImmutable(v)
	if err != nil {
		return fmt.Errorf("store: open version %d: %w", v, err)
	}
	t.mu.Lock()
	t.committed, t.hash, t.saved = v, it.Hash(), it
	t.mu.Unlock()
	return nil
}

func (t *Tree) view() *View {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.saved == nil {
		return nil
	}
	return &View{t: t.saved}
}

// Get implements state.KV on the last saved version.
func (t *Tree) Get(key []byte) ([]byte, error) {
	v := t.view()
	if v == nil {
		return nil, nil
	}
	return v.Get(key)
}

// Iterate implements state.KV on the last saved version.
func (t *Tree) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	v := t.view()
	if v == nil {
		return nil
	}
	return v.Iterate(start, end, fn)
}

func iterate(it corestore.Iterator, fn func(key, value []byte) bool) error {
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if !fn(bytes.Clone(it.Key()), bytes.Clone(it.Value())) {
			break
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("store: iterate: %w", err)
	}
	return nil
}

// Stage implements state.Store: it discards earlier staged changes,
// applies changes to the last saved version and returns the working
// root hash, the app hash the next Commit saves.
func (t *Tree) Stage(changes []state.Change) ([]byte, error) {
	t.tree.Rollback()
	for _, c := range changes {
		if c.Delete {
			if _, _, err := t.tree.Remove(c.Key); err != nil {
				return nil, fmt.Errorf("store: remove %q: %w", c.Key, err)
			}
			continue
		}
		v := c.Value
		if v == nil {
			v = []byte{} // IAVL refuses nil values
		}
		if _, err := t.tree.Set(c.Key, v); err != nil {
			return nil, fmt.Errorf("store: set %q: %w", c.Key, err)
		}
	}
	return t.tree.WorkingHash(), nil
}

// Commit implements state.Store: it saves the working tree as the next
// version in one (synced, on disk) batch, then deletes the versions
// older than the last keep in another.
func (t *Tree) Commit() error {
	_, v, err := t.tree.SaveVersion()
	if err != nil {
		return fmt.Errorf("store: save version: %w", err)
	}
	if err := t.setSaved(v); err != nil {
		return err
	}
	if t.keep > 0 && v > t.keep {
		if err := t.tree.DeleteVersionsTo(v - t.keep); err != nil {
			return fmt.Errorf("store: prune to %d: %w", v-t.keep, err)
		}
	}
	return nil
}

// Hash implements state.Store: the root hash of the last saved version,
// nil before the first.
func (t *Tree) Hash() []byte {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return bytes.Clone(t.hash)
}

// Version returns the last saved version (the last committed height).
func (t *Tree) Version() int64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.committed
}

// Retained returns the oldest and newest versions At can open (0, 0
// before the first Commit).
func (t *Tree) Retained() (first, last int64) {
	last = t.Version()
	if last == 0 {
		return 0, 0
	}
	first = 1
	if t.keep > 0 && last > t.keep {
		first = last - t.keep + 1
	}
	return first, last
}

// At returns a read-only view of saved version v (0: the last). It is
// safe to use concurrently with the machine's blocks while v is retained.
func (t *Tree) At(v int64) (*View, error) {
	first, last := t.Retained()
	if v == 0 {
		v = last
	}
	if last == 0 || v < first || v > last || !t.tree.VersionExists(v) {
		return nil, fmt.Errorf("%w: %d (this node holds %d..%d)", ErrVersion, v, first, last)
	}
	it, err := t.reads.GetImmutable(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %d: %w", ErrVersion, v, err)
	}
	return &View{t: it}, nil
}

// Close closes the database.
func (t *Tree) Close() error { return t.db.Close() }

// View is a read-only saved version of the tree. It implements state.KV.
type View struct {
	t *iavl.ImmutableTree
}

var _ state.ReverseKV = (*View)(nil)

// Version returns the view's version (block height).
func (v *View) Version() int64 { return v.t.Version() }

// Hash returns the view's root hash: the app hash of its block.
func (v *View) Hash() []byte { return v.t.Hash() }

// Get implements state.KV.
func (v *View) Get(key []byte) ([]byte, error) {
	val, err := v.t.Get(key)
	if err != nil {
		return nil, fmt.Errorf("store: get %q at %d: %w", key, v.Version(), err)
	}
	return bytes.Clone(val), nil
}

// Iterate implements state.KV.
func (v *View) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	it, err := v.t.Iterator(start, end, true)
	if err != nil {
		return fmt.Errorf("store: iterate at %d: %w", v.Version(), err)
	}
	return iterate(it, fn)
}

// ReverseIterate implements state.ReverseKV: keys of [start, end) in
// descending order, for newest-first list queries.
func (v *View) ReverseIterate(start, end []byte, fn func(key, value []byte) bool) error {
	it, err := v.t.Iterator(start, end, false)
	if err != nil {
		return fmt.Errorf("store: iterate at %d: %w", v.Version(), err)
	}
	return iterate(it, fn)
}

// ReverseIterate implements state.ReverseKV on the last saved version.
func (t *Tree) ReverseIterate(start, end []byte, fn func(key, value []byte) bool) error {
	v := t.view()
	if v == nil {
		return nil
	}
	return v.ReverseIterate(start, end, fn)
}

// Prove returns key's value (nil if absent) and an ICS-23 commitment
// proof against Hash: an existence proof for a present key, a
// non-existence proof (its neighbours' existence proofs) otherwise.
func (v *View) Prove(key []byte) ([]byte, *ics23.CommitmentProof, error) {
	if len(key) == 0 {
		return nil, nil, errors.New("store: prove: empty key")
	}
	val, err := v.Get(key)
	if err != nil {
		return nil, nil, err
	}
	var p *ics23.CommitmentProof
	if val != nil {
		p, err = v.t.GetMembershipProof(key)
	} else {
		p, err = v.t.GetNonMembershipProof(key)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: prove %q at %d: %w", key, v.Version(), err)
	}
	return val, p, nil
}
