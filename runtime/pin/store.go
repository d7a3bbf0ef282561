package pin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/exchange/offline"
	"github.com/ipfs/boxo/ipld/merkledag"
	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
	flatfs "github.com/ipfs/go-ds-flatfs"
	leveldb "github.com/ipfs/go-ds-leveldb"
	ipld "github.com/ipfs/go-ipld-format"
	"golang.org/x/sys/unix"
)

// Directory layout of a persistent Store (like Kubo's repo).
const (
	blocksDir = "blocks" // flatfs, one file per block
	pinsDir   = "pins"   // leveldb, the pin set (pinset.go)
)

// dirPerm keeps the store private to its owner.
const dirPerm = 0o700

// Store is a content-addressed blockstore with named recursive pins and
// garbage collection. It is safe for concurrent use. Every block it reads
// is hash-checked against its CID.
type Store struct {
	blocks blockstore.Blockstore
	bserv  blockservice.BlockService
	dag    ipld.DAGService
	health *health

	// The pin database and the pin set in it. After a failed write to it
	// (pinsBroken), the next pin operation reopens it (reopenPins):
	// goleveldb keeps a failed write's error until it is closed. pins is
	// nil while a reopen has failed (pinsErr says why).
	openPinDS  pinOpener
	pins       *pinSet
	closePinDS func() error
	pinsBroken atomic.Bool
	pinsErr    error

	track   *gcTrack       // what CollectConcurrent must keep (gcconc.go)
	gcMu    sync.Mutex     // one CollectConcurrent at a time
	closers []func() error // run in order by Close, after the pins
	dir     string         // "" for a memory store

	// mu is held shared by every operation and exclusively by GC (so GC
	// never sees a half-added, not yet pinned DAG), by reopenPins and by
	// Close.
	mu     sync.RWMutex
	closed bool
}

// pinOpener opens the pin database, returning it and its closer.
type pinOpener func() (ds.Batching, func() error, error)

// Open opens (creating if needed) a persistent Store in dir: flatfs block
// files under dir/blocks, like Kubo's, written with fsync, and the pin
// state in a leveldb under dir/pins. Directories it creates are private
// (0700).
func Open(dir string) (*Store, error) {
	return openDir(dir, true)
}

// OpenDeferredSync is Open without an fsync per block file or pin
// record: the caller
// makes what it added durable with Sync, once per batch (the node's worker
// syncs before it broadcasts the commitments to what it pinned).
func OpenDeferredSync(dir string) (*Store, error) {
	return openDir(dir, false)
}

// Sync flushes everything written to the file system that holds the store
// (syncfs(2)): block files, directories and the pin database. It is a no-op
// for a memory store.
func (s *Store) Sync() error {
	if s.dir == "" {
		return nil
	}
	f, err := os.Open(s.dir)
	if err != nil {
		return fmt.Errorf("pin: sync: %w", err)
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("pin: sync %s: %w", s.dir, err)
	}
	return nil
}

// openDir is Open with an fsync per block file and pin record (Open) or
// none (OpenDeferredSync).
func openDir(dir string, syncFiles bool) (*Store, error) {
	return openDirWith(dir, syncFiles, nil)
}

// openDirWith is openDir with every opening of the pin database passed
// through wrapPins when it is not nil (tests inject write faults so).
func openDirWith(dir string, syncFiles bool, wrapPins func(ds.Batching) ds.Batching) (*Store, error) {
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("pin: create store dir: %w", err)
	}
	for _, sub := range []string{blocksDir, pinsDir} {
		if err := os.Mkdir(filepath.Join(dir, sub), dirPerm); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("pin: create %s dir: %w", sub, err)
		}
	}
	fds, err := flatfs.CreateOrOpen(filepath.Join(dir, blocksDir), flatfs.IPFS_DEF_SHARD, syncFiles)
	if err != nil {
		return nil, fmt.Errorf("pin: open flatfs %s: %w", dir, err)
	}
	openPins := func() (ds.Batching, func() error, error) {
		lds, err := leveldb.NewDatastore(filepath.Join(dir, pinsDir), nil)
		if err != nil {
			return nil, nil, fmt.Errorf("pin: open pin datastore %s: %w", dir, err)
		}
		var pinDS ds.Batching = lds
		if !syncFiles {
			pinDS = unsyncedLevelDB{lds}
		}
		if wrapPins != nil {
			pinDS = wrapPins(pinDS)
		}
		return pinDS, lds.Close, nil
	}
	s, err := newStore(fds, openPins)
	if err != nil {
		_ = fds.Close()
		return nil, err
	}
	s.closers = append(s.closers, fds.Close)
	s.dir = dir
	return s, nil
}

// OpenMemory returns a Store kept only in memory, for tests and for
// computing DAGs that need not outlive the process.
func OpenMemory() (*Store, error) {
	blocks := copyingDS{dssync.MutexWrap(ds.NewMapDatastore())}
	pins := dssync.MutexWrap(ds.NewMapDatastore())
	return newStore(blocks, func() (ds.Batching, func() error, error) {
		return pins, func() error { return nil }, nil
	})
}

// copyingDS copies values on Put: the map datastore would otherwise keep
// the caller's slice (AddBytes hands it sub-slices of the caller's data).
type copyingDS struct {
	ds.Batching
}

func (d copyingDS) Put(ctx context.Context, k ds.Key, v []byte) error {
	return d.Batching.Put(ctx, k, bytes.Clone(v))
}

func (d copyingDS) Batch(context.Context) (ds.Batch, error) {
	return ds.NewBasicBatch(d), nil
}

// newStore wires blockstore, offline blockservice, DAG service and pin
// set over a block datastore and a pin database. Both the blockstore and the
// blockservice write through: checkedBlockstore decides what to write.
func newStore(blockDS ds.Batching, openPins pinOpener) (*Store, error) {
	h := newHealth()
	watched := watchedDS{blockDS, func(err error) { h.wrote("blocks", &h.blocksFull, err) }}
	bs := checkedBlockstore{
		Blockstore: blockstore.NewBlockstore(watched, blockstore.NoPrefix(), blockstore.WriteThrough(true)),
		health:     h,
		track:      &gcTrack{},
	}
	bserv := blockservice.New(bs, offline.Exchange(bs), blockservice.WriteThrough(true))
	s := &Store{
		blocks: bs, bserv: bserv, dag: strictDAG{merkledag.NewDAGService(bserv)},
		health: h, openPinDS: openPins, track: bs.track,
	}
	s.closers = []func() error{bserv.Close}
	if err := s.openPins(); err != nil {
		_ = bserv.Close()
		return nil, err
	}
	return s, nil
}

// SetLogger sets where the store logs failed writes (a full disk),
// corrupt blocks and repairs; slog.Default() until it is called.
func (s *Store) SetLogger(l *slog.Logger) {
	if l != nil {
		s.health.log.Store(l)
	}
}

// Health returns what the store has met since it was opened.
func (s *Store) Health() Health {
	return s.health.snapshot()
}

// openPins opens the pin database and the pin set in it, moving the pins
// of a store written by the first pin set or boxo's dspinner first
// (migrateOldPins). The caller owns s (opening) or holds s.mu
// exclusively.
func (s *Store) openPins() error {
	s.pinsBroken.Store(false) // writes from here on may set it again
	pds, closeDS, err := s.openPinDS()
	if err != nil {
		s.pinsBroken.Store(true)
		return err
	}
	watched := watchedDS{pds, s.pinWrote}
	v1, dsp, err := migrateOldPins(context.Background(), watched, s.dag)
	if err != nil {
		s.pinsBroken.Store(true)
		_ = closeDS()
		return fmt.Errorf("pin: move the pins of an older layout: %w", err)
	}
	if v1 > 0 {
		s.health.log.Load().Info("pin store: moved the first pin set's pins (one name per root) to the pin set", "pins", v1)
	}
	if dsp > 0 {
		s.health.log.Load().Info("pin store: moved the old pinner's pins to the pin set", "pins", dsp)
	}
	s.pins, s.closePinDS, s.pinsErr = &pinSet{watched}, closeDS, nil
	return nil
}

// pinWrote records the outcome of a write to the pin database; a failed
// one makes the next pin operation reopen it.
func (s *Store) pinWrote(err error) {
	if s.health.wrote("pins", &s.health.pinsFull, err) {
		s.pinsBroken.Store(true)
	}
}

// closePins closes the pin database, if open. The caller holds s.mu
// exclusively.
func (s *Store) closePins() error {
	if s.pins == nil {
		return nil
	}
	err := s.closePinDS()
	s.pins, s.closePinDS = nil, nil
	if err != nil {
		return fmt.Errorf("pin: close pin datastore: %w", err)
	}
	return nil
}

// reopenPins reopens the pin database if a write to it has failed since
// it was opened. The caller holds s.mu exclusively. Reads of blocks do
// not need the pin database and go on if the reopen fails; pin
// operations fail with the reopen's error until one succeeds.
func (s *Store) reopenPins() error {
	if !s.pinsBroken.Load() {
		return nil
	}
	if err := s.closePins(); err != nil {
		s.health.log.Load().Debug("pin store: closing the failed pin database", "err", err)
	}
	if err := s.openPins(); err != nil {
		s.pinsErr = fmt.Errorf("pin: reopen pin database after a failed write: %w", err)
		s.pinWrote(s.pinsErr)
		return s.pinsErr
	}
	s.health.reopens.Add(1)
	s.health.log.Load().Warn("pin store: reopened the pin database after a failed write")
	return nil
}

// Close flushes and closes the store. Later calls return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	errs := []error{s.closePins()}
	for _, c := range s.closers {
		if err := c(); err != nil {
			errs = append(errs, fmt.Errorf("pin: close: %w", err))
		}
	}
	return errors.Join(errs...)
}

// rlock takes the shared lock, failing if the store is closed. The caller
// must call s.mu.RUnlock when it returns nil.
func (s *Store) rlock() error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

// rlockPins is rlock for an operation that uses the pinner. If a write to
// the pin database has failed since it was opened, it first reopens the
// database under the exclusive lock.
func (s *Store) rlockPins() error {
	if s.pinsBroken.Load() {
		s.mu.Lock()
		err := ErrClosed
		if !s.closed {
			err = s.reopenPins()
		}
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if err := s.rlock(); err != nil {
		return err
	}
	if s.pins == nil { // a concurrent reopen failed
		err := s.pinsErr
		s.mu.RUnlock()
		return err
	}
	return nil
}
