package pin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/exchange/offline"
	"github.com/ipfs/boxo/ipld/merkledag"
	ipfspinner "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
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
	pinsDir   = "pins"   // leveldb, the pinner's state
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
	pinner ipfspinner.Pinner

	closers []func() error // run in order by Close
	dir     string         // "" for a memory store

	// mu is held shared by every operation and exclusively by GC (so GC
	// never sees a half-added, not yet pinned DAG) and Close.
	mu     sync.RWMutex
	closed bool
}

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
	lds, err := leveldb.NewDatastore(filepath.Join(dir, pinsDir), nil)
	if err != nil {
		_ = fds.Close()
		return nil, fmt.Errorf("pin: open pin datastore %s: %w", dir, err)
	}
	var pinDS ds.Datastore = lds
	if !syncFiles {
		pinDS = unsyncedLevelDB{lds}
	}
	s, err := newStore(fds, pinDS)
	if err != nil {
		_ = fds.Close()
		_ = lds.Close()
		return nil, err
	}
	s.closers = append(s.closers, fds.Close, lds.Close)
	s.dir = dir
	return s, nil
}

// OpenMemory returns a Store kept only in memory, for tests and for
// computing DAGs that need not outlive the process.
func OpenMemory() (*Store, error) {
	blocks := copyingDS{dssync.MutexWrap(ds.NewMapDatastore())}
	return newStore(blocks, dssync.MutexWrap(ds.NewMapDatastore()))
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

// newStore wires blockstore, offline blockservice, DAG service and pinner
// over a block datastore and a pin datastore.
func newStore(blockDS ds.Batching, pinDS ds.Datastore) (*Store, error) {
	bs := checkedBlockstore{blockstore.NewBlockstore(blockDS, blockstore.NoPrefix())}
	bserv := blockservice.New(bs, offline.Exchange(bs))
	dag := strictDAG{merkledag.NewDAGService(bserv)}
	p, err := dspinner.New(context.Background(), pinDS, dag)
	if err != nil {
		return nil, fmt.Errorf("pin: open pinner: %w", err)
	}
	s := &Store{blocks: bs, bserv: bserv, dag: dag, pinner: p}
	s.closers = []func() error{p.Close, bserv.Close}
	return s, nil
}

// Close flushes and closes the store. Later calls return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	var errs []error
	if err := s.pinner.Flush(context.Background()); err != nil {
		errs = append(errs, fmt.Errorf("pin: flush pins: %w", err))
	}
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
