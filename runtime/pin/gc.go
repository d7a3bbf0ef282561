package pin

import (
	"context"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	cid "github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// GCResult tells what a GC removed.
type GCResult struct {
	Blocks int   // blocks removed
	Bytes  int64 // their total size
}

// Stats counts what the store holds.
type Stats struct {
	Blocks int   // number of blocks
	Bytes  int64 // total size of the blocks' data
}

// GC removes every block that no pin's DAG contains. Pins keep their whole
// DAG. If a pinned DAG cannot be walked (a block missing or corrupt), GC
// removes nothing and returns the error. GC excludes all other operations
// while it runs.
func (s *Store) GC(ctx context.Context) (GCResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return GCResult{}, ErrClosed
	}
	if err := s.reopenPins(); err != nil {
		return GCResult{}, err
	}
	live, err := s.liveSet(ctx)
	if err != nil {
		return GCResult{}, err
	}
	var dead []cid.Cid
	err = s.eachBlock(ctx, func(c cid.Cid) error {
		if !live[string(c.Hash())] {
			dead = append(dead, c)
		}
		return nil
	})
	if err != nil {
		return GCResult{}, err
	}
	var res GCResult
	for _, c := range dead {
		size, err := s.blocks.GetSize(ctx, c)
		if err != nil {
			return res, fmt.Errorf("pin: gc size %s: %w", c, err)
		}
		if err := s.blocks.DeleteBlock(ctx, c); err != nil {
			return res, fmt.Errorf("pin: gc delete %s: %w", c, err)
		}
		res.Blocks++
		res.Bytes += int64(size)
	}
	return res, nil
}

// liveSet returns the multihashes (as strings; the block store is keyed
// by multihash) of every block in every pinned DAG.
func (s *Store) liveSet(ctx context.Context) (map[string]bool, error) {
	return s.liveSetSkip(ctx, nil, true)
}

// liveSetSkip is liveSet without the pins whose CID KeyString is in skip.
// Without checkRaw a raw block is marked live without checking that it is
// stored (one stat less per small pin): enough to decide what to delete.
func (s *Store) liveSetSkip(ctx context.Context, skip map[string]bool, checkRaw bool) (map[string]bool, error) {
	pins, err := s.listPins(ctx)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	getLinks := s.linksOf
	for _, p := range pins {
		if skip[p.Cid.KeyString()] {
			continue
		}
		if !checkRaw && p.Cid.Type() == cid.Raw {
			live[string(p.Cid.Hash())] = true
			continue
		}
		visit := func(c cid.Cid) bool {
			k := string(c.Hash())
			if live[k] {
				return false
			}
			live[k] = true
			return true
		}
		if err := merkledag.Walk(ctx, getLinks, p.Cid, visit); err != nil {
			return nil, fmt.Errorf("pin: gc walk pin %s: %w", p.Cid, err)
		}
	}
	return live, nil
}

// linksOf returns the links of node c. Raw blocks have none, so it only
// checks that they are present rather than reading them.
func (s *Store) linksOf(ctx context.Context, c cid.Cid) ([]*ipld.Link, error) {
	if c.Type() == cid.Raw {
		ok, err := s.blocks.Has(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("pin: has %s: %w", c, err)
		}
		if !ok {
			return nil, notFoundError{c: c, err: ipld.ErrNotFound{Cid: c}}
		}
		return nil, nil
	}
	nd, err := s.dag.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	return nd.Links(), nil
}

// eachBlock calls fn for every block key in the store (CIDs come back with
// the raw codec: the store keeps multihashes only). It fails if the
// enumeration was cut short.
func (s *Store) eachBlock(ctx context.Context, fn func(cid.Cid) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, errFn, err := allKeys(ctx, s.blocks)
	if err != nil {
		return fmt.Errorf("pin: list blocks: %w", err)
	}
	var fnErr error
	for c := range ch {
		if fnErr == nil {
			fnErr = fn(c)
		}
	}
	if err := errFn(); err != nil {
		return fmt.Errorf("pin: list blocks: %w", err)
	}
	return fnErr
}

// allKeys enumerates bs, reporting truncation when bs can.
func allKeys(ctx context.Context, bs blockstore.Blockstore) (<-chan cid.Cid, func() error, error) {
	if e, ok := bs.(blockstore.AllKeysChanWithErrer); ok {
		return e.AllKeysChanWithErr(ctx)
	}
	if cb, ok := bs.(checkedBlockstore); ok {
		return allKeys(ctx, cb.Blockstore)
	}
	ch, err := bs.AllKeysChan(ctx)
	return ch, func() error { return nil }, err
}

// Stat counts the blocks in the store and their total size.
func (s *Store) Stat(ctx context.Context) (Stats, error) {
	if err := s.rlock(); err != nil {
		return Stats{}, err
	}
	defer s.mu.RUnlock()
	var st Stats
	err := s.eachBlock(ctx, func(c cid.Cid) error {
		size, err := s.blocks.GetSize(ctx, c)
		if err != nil {
			return fmt.Errorf("pin: stat %s: %w", c, err)
		}
		st.Blocks++
		st.Bytes += int64(size)
		return nil
	})
	return st, err
}
