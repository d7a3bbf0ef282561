package pin

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// checkedBlockstore hash-checks every block it returns, so corrupted bytes
// on disk surface as a *CorruptBlockError naming the CID, never as data,
// and are counted and logged. It deliberately does not implement
// blockstore.Viewer, so every read in boxo (blockservice, gateway, pinner)
// goes through Get.
//
// It also decides which blocks to write: the Blockstore below writes
// through, and Put and PutMany skip a block only when the copy already
// stored has the very same bytes. A corrupt copy is rewritten (repaired)
// when its content is added again.
type checkedBlockstore struct {
	blockstore.Blockstore
	health *health
	track  *gcTrack // blocks added or read while a concurrent GC runs
}

func (b checkedBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	b.track.note(c)
	blk, err := b.Blockstore.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := checkBlock(c, blk.RawData()); err != nil {
		var cerr *CorruptBlockError
		if errors.As(err, &cerr) {
			b.health.corrupt(c)
		}
		return nil, err
	}
	return blk, nil
}

func (b checkedBlockstore) Put(ctx context.Context, blk blocks.Block) error {
	b.track.note(blk.Cid())
	write, repair, err := b.mustWrite(ctx, blk)
	if err != nil || !write {
		return err
	}
	if err := b.Blockstore.Put(ctx, blk); err != nil {
		return err
	}
	if repair {
		b.health.repaired(blk.Cid())
	}
	return nil
}

func (b checkedBlockstore) PutMany(ctx context.Context, blks []blocks.Block) error {
	toPut := make([]blocks.Block, 0, len(blks))
	var repairs []cid.Cid
	for _, blk := range blks {
		b.track.note(blk.Cid())
		write, repair, err := b.mustWrite(ctx, blk)
		if err != nil {
			return err
		}
		if write {
			toPut = append(toPut, blk)
		}
		if repair {
			repairs = append(repairs, blk.Cid())
		}
	}
	if len(toPut) == 0 {
		return nil
	}
	if err := b.Blockstore.PutMany(ctx, toPut); err != nil {
		return err
	}
	for _, c := range repairs {
		b.health.repaired(c)
	}
	return nil
}

// mustWrite reports whether blk must be written: it is not stored yet, or
// cannot be read, or (repair) its stored copy has other bytes, which
// cannot hash to the CID. Comparing bytes costs one read of a block that
// is already stored; a new block costs one failed open, as boxo's own
// Has check did.
func (b checkedBlockstore) mustWrite(ctx context.Context, blk blocks.Block) (write, repair bool, err error) {
	c := blk.Cid()
	old, err := b.Blockstore.Get(ctx, c)
	if err != nil {
		return true, false, nil
	}
	if bytes.Equal(old.RawData(), blk.RawData()) {
		return false, false, nil
	}
	// never replace a stored block with bytes that are not its own
	if err := checkBlock(c, blk.RawData()); err != nil {
		return false, false, fmt.Errorf("pin: refusing to store block %s: %w", c, err)
	}
	b.health.corrupt(c)
	return true, true, nil
}

// checkBlock returns a *CorruptBlockError unless data hashes to c.
func checkBlock(c cid.Cid, data []byte) error {
	got, err := c.Prefix().Sum(data)
	if err != nil {
		return fmt.Errorf("pin: hash block %s: %w", c, err)
	}
	if !got.Equals(c) {
		return &CorruptBlockError{Cid: c}
	}
	return nil
}

// strictDAG fetches children one by one in GetMany, so an error on one
// block (corrupt, missing) reaches the caller intact instead of boxo's
// generic "failed to fetch all nodes".
type strictDAG struct {
	ipld.DAGService
}

func (d strictDAG) GetMany(ctx context.Context, keys []cid.Cid) <-chan *ipld.NodeOption {
	out := make(chan *ipld.NodeOption, len(keys))
	go func() {
		defer close(out)
		for _, k := range keys {
			nd, err := d.DAGService.Get(ctx, k)
			if err != nil {
				out <- &ipld.NodeOption{Err: wrapGetErr(k, err)}
				return
			}
			out <- &ipld.NodeOption{Node: nd}
		}
	}()
	return out
}

func (d strictDAG) Get(ctx context.Context, c cid.Cid) (ipld.Node, error) {
	if !c.Defined() {
		return nil, errUndefined
	}
	nd, err := d.DAGService.Get(ctx, c)
	if err != nil {
		return nil, wrapGetErr(c, err)
	}
	return nd, nil
}

// errUndefined is the answer for cid.Undef (boxo would log an error too).
var errUndefined = fmt.Errorf("%w: undefined cid", ErrNotFound)

// wrapGetErr maps boxo's not-found to ErrNotFound (keeping ipld's own
// not-found type in the chain for boxo callers) and leaves other errors.
func wrapGetErr(c cid.Cid, err error) error {
	var cerr *CorruptBlockError
	if errors.As(err, &cerr) {
		return err
	}
	if ipld.IsNotFound(err) {
		return notFoundError{c: c, err: err}
	}
	return fmt.Errorf("pin: get %s: %w", c, err)
}

// notFoundError matches both ErrNotFound and boxo's ipld.ErrNotFound.
type notFoundError struct {
	c   cid.Cid
	err error
}

func (e notFoundError) Error() string        { return fmt.Sprintf("pin: block %s not found", e.c) }
func (e notFoundError) Is(target error) bool { return target == ErrNotFound }
func (e notFoundError) Unwrap() error        { return e.err }
