package pin

import (
	"context"
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
// and pins the DAG under name. GC cannot run between the fetch and the
// pin. On error the blocks fetched so far stay until GC.
func (s *Store) FetchPinned(ctx context.Context, c cid.Cid, name string, ex exchange.Interface) error {
	if err := s.rlockPins(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	bserv := blockservice.New(s.blocks, checkedFetcher{ex}, blockservice.WriteThrough(true))
	if err := merkledag.FetchGraph(ctx, c, merkledag.NewDAGService(bserv)); err != nil {
		return fmt.Errorf("pin: fetch %s: %w", c, err)
	}
	return s.pin(ctx, c, name)
}

// ImportCARPinned imports a CAR of the DAG rooted at c (a trustless
// gateway's ?format=car answer), hash-checking every block, and pins the
// DAG under name; a CAR missing a block of it fails the pin. GC cannot
// run between the import and the pin.
func (s *Store) ImportCARPinned(ctx context.Context, r io.Reader, c cid.Cid, name string) error {
	if err := s.rlockPins(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if _, err := s.importCAR(ctx, r); err != nil {
		return err
	}
	return s.pin(ctx, c, name)
}

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
