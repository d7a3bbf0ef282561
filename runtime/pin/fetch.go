package pin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/exchange"
	"github.com/ipfs/boxo/ipld/merkledag"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
)

// Blockstore returns the store's hash-checked blockstore, for a block
// exchange (bitswap) to serve from. Every block it returns hashes to its
// CID; a corrupt one is an error, never served.
func (s *Store) Blockstore() blockstore.Blockstore { return s.blocks }

// FetchPinned gets every block of the DAG rooted at c that the store
// lacks from ex (bitswap), hash-checks each against its CID, stores it,
// and pins the DAG under name. On error the blocks fetched so far stay
// until GC.
//
// The fetch, which waits on the network (up to ctx's deadline for an
// unreachable peer), holds the store's shared lock only around each block
// it reads or writes. Held across the fetch, it kept a GC's exclusive
// start waiting, and behind that waiting writer every job's add and pin.
// The walk is then repeated under the lock with the pin: every block is
// local by then, but a GC that ran in between may have removed some
// (nothing pinned them yet), and those are fetched again, so the pin
// never holds an incomplete DAG.
func (s *Store) FetchPinned(ctx context.Context, c cid.Cid, name string, ex exchange.Interface) error {
	unlocked := blockservice.New(lockedBlockstore{s}, checkedFetcher{ex}, blockservice.WriteThrough(true))
	if err := merkledag.FetchGraph(ctx, c, merkledag.NewDAGService(unlocked)); err != nil {
		return fmt.Errorf("pin: fetch %s: %w", c, err)
	}
	if err := s.rlockPins(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	// one walk under the lock, fetching again what a GC removed, then the pin
	bserv := blockservice.New(s.blocks, checkedFetcher{ex}, blockservice.WriteThrough(true))
	return s.pinWalked(ctx, merkledag.NewDAGService(bserv), c, name)
}

// ImportCARPinned imports a CAR of the DAG rooted at c (a trustless
// gateway's ?format=car answer), hash-checking every block, and pins the
// DAG under name; a CAR missing a block of it fails the pin. Reading the
// CAR, which waits on the network, holds the store's shared lock only
// around each batch of blocks it stores (see FetchPinned); a block that
// a GC removed before the pin fails the pin, and the caller may import
// again.
func (s *Store) ImportCARPinned(ctx context.Context, r io.Reader, c cid.Cid, name string) error {
	if _, err := s.importCAR(ctx, r, s.addBlocksLocked); err != nil {
		return err
	}
	if err := s.rlockPins(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	return s.pin(ctx, c, name)
}

// addBlocksLocked stores blks under the store's shared lock.
func (s *Store) addBlocksLocked(ctx context.Context, blks []blocks.Block) error {
	if err := s.rlock(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	return s.bserv.AddBlocks(ctx, blks)
}

// lockedBlockstore is the store's hash-checked blockstore with each call
// under the store's shared lock (failing once the store is closed), for
// work that waits on the network between block reads and writes.
type lockedBlockstore struct{ s *Store }

var _ blockstore.Blockstore = lockedBlockstore{}

// locked runs fn on the blockstore under the shared lock.
func locked[T any](s *Store, fn func(blockstore.Blockstore) (T, error)) (T, error) {
	if err := s.rlock(); err != nil {
		var zero T
		return zero, err
	}
	defer s.mu.RUnlock()
	return fn(s.blocks)
}

func (l lockedBlockstore) Has(ctx context.Context, c cid.Cid) (bool, error) {
	return locked(l.s, func(b blockstore.Blockstore) (bool, error) { return b.Has(ctx, c) })
}

func (l lockedBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	return locked(l.s, func(b blockstore.Blockstore) (blocks.Block, error) { return b.Get(ctx, c) })
}

func (l lockedBlockstore) GetSize(ctx context.Context, c cid.Cid) (int, error) {
	return locked(l.s, func(b blockstore.Blockstore) (int, error) { return b.GetSize(ctx, c) })
}

func (l lockedBlockstore) Put(ctx context.Context, blk blocks.Block) error {
	_, err := locked(l.s, func(b blockstore.Blockstore) (struct{}, error) { return struct{}{}, b.Put(ctx, blk) })
	return err
}

func (l lockedBlockstore) PutMany(ctx context.Context, blks []blocks.Block) error {
	_, err := locked(l.s, func(b blockstore.Blockstore) (struct{}, error) { return struct{}{}, b.PutMany(ctx, blks) })
	return err
}

func (l lockedBlockstore) DeleteBlock(ctx context.Context, c cid.Cid) error {
	_, err := locked(l.s, func(b blockstore.Blockstore) (struct{}, error) { return struct{}{}, b.DeleteBlock(ctx, c) })
	return err
}

func (l lockedBlockstore) AllKeysChan(ctx context.Context) (<-chan cid.Cid, error) {
	return nil, errors.New("pin: listing keys through a fetch's blockstore")
}

func (l lockedBlockstore) HashOnRead(bool) {}

// checkedFetcher is an exchange that hash-checks what it returns:
// bitswap already derives a block's CID from its bytes, and this makes
// the check the store's own.
type checkedFetcher struct {
	exchange.Interface
}

func (f checkedFetcher) GetBlock(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	b, err := f.Interface.GetBlock(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := checkBlock(c, b.RawData()); err != nil {
		return nil, err
	}
	return b, nil
}

func (f checkedFetcher) GetBlocks(ctx context.Context, cs []cid.Cid) (<-chan blocks.Block, error) {
	in, err := f.Interface.GetBlocks(ctx, cs)
	if err != nil {
		return nil, err
	}
	out := make(chan blocks.Block)
	go func() {
		defer close(out)
		for b := range in {
			if checkBlock(b.Cid(), b.RawData()) != nil {
				continue // the block is wanted again and the fetch fails if it never comes
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
