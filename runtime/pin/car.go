package pin

import (
	"context"
	"errors"
	"fmt"
	"io"

	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	car "github.com/ipld/go-car/v2"
	"github.com/ipld/go-car/v2/storage"
)

// importBatch is how many blocks ImportCAR writes at a time.
const importBatch = 64

// ExportCAR writes the DAG rooted at c to w as a CARv1 with c as its only
// root, blocks in depth-first order, each once. Every block is
// hash-checked as it is read; the DAG must be complete in the store.
func (s *Store) ExportCAR(ctx context.Context, c cid.Cid, w io.Writer) error {
	if err := s.rlock(); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	// Hide any io.WriterAt: go-car would write the v1 data at offset 0.
	cw, err := storage.NewWritable(struct{ io.Writer }{w}, []cid.Cid{c}, car.WriteAsCarV1(true))
	if err != nil {
		return fmt.Errorf("pin: car writer: %w", err)
	}
	seen := cid.NewSet()
	stack := []cid.Cid{c}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("pin: export %s: %w", c, err)
		}
		next := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !seen.Visit(next) {
			continue
		}
		nd, err := s.dag.Get(ctx, next)
		if err != nil {
			return fmt.Errorf("pin: export %s: %w", c, err)
		}
		if err := cw.Put(ctx, next.KeyString(), nd.RawData()); err != nil {
			return fmt.Errorf("pin: export %s: write %s: %w", c, next, err)
		}
		links := nd.Links()
		for i := len(links) - 1; i >= 0; i-- {
			stack = append(stack, links[i].Cid)
		}
	}
	if err := cw.Finalize(); err != nil {
		return fmt.Errorf("pin: export %s: %w", c, err)
	}
	return nil
}

// ImportCAR reads a CAR (v1 or v2) from r, hash-checks every block and
// stores it, and returns the CAR's roots. Nothing is pinned. A block that
// does not hash to its CID fails the import; blocks before it may remain
// until GC.
//
// Reading r holds the store's shared lock only around each batch of
// blocks stored, so a slow reader does not hold up a GC (and the adds
// and pins behind it).
func (s *Store) ImportCAR(ctx context.Context, r io.Reader) ([]cid.Cid, error) {
	return s.importCAR(ctx, r, s.addBlocksLocked)
}

// importCAR is ImportCAR storing each batch of blocks with add.
func (s *Store) importCAR(ctx context.Context, r io.Reader, add func(context.Context, []blocks.Block) error) ([]cid.Cid, error) {
	// checkBlock below does the hash check (once, with a typed error).
	br, err := car.NewBlockReader(r, car.WithTrustedCAR(true))
	if err != nil {
		return nil, fmt.Errorf("pin: import car: header: %w", err)
	}
	batch := make([]blocks.Block, 0, importBatch)
	for n := 0; ; n++ {
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("pin: import car: block %d: %w", n, err)
		}
		if err := checkBlock(blk.Cid(), blk.RawData()); err != nil {
			return nil, fmt.Errorf("pin: import car: block %d: %w", n, err)
		}
		if batch = append(batch, blk); len(batch) == importBatch {
			if err := add(ctx, batch); err != nil {
				return nil, fmt.Errorf("pin: import car: store: %w", err)
			}
			batch = make([]blocks.Block, 0, importBatch)
		}
	}
	if err := add(ctx, batch); err != nil {
		return nil, fmt.Errorf("pin: import car: store: %w", err)
	}
	return br.Roots, nil
}
