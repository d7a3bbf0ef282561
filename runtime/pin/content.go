package pin

import (
	"bytes"
	"context"
	"fmt"
	"io"

	chunker "github.com/ipfs/boxo/chunker"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	cid "github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// MaxGetSize is the most bytes Get returns; stream larger content with Cat.
const MaxGetSize = 1 << 30

// File is a UnixFS file being read from the store.
type File interface {
	io.ReadSeekCloser
	// Size is the file's length in bytes as its root node declares it.
	Size() uint64
}

// Add stores the bytes read from r as a UnixFS DAG and returns its CIDv1,
// the same CID Sum gives. The content is not pinned: GC may remove it
// unless it is pinned (see AddPinned). Add reads r to its end; bound r
// (io.LimitReader) when it is untrusted.
func (s *Store) Add(ctx context.Context, r io.Reader) (cid.Cid, error) {
	if err := s.rlock(); err != nil {
		return cid.Undef, err
	}
	defer s.mu.RUnlock()
	return s.add(ctx, r)
}

// AddBytes is Add over an in-memory byte slice, without copying it into
// chunks first. b must not change until AddBytes returns.
func (s *Store) AddBytes(ctx context.Context, b []byte) (cid.Cid, error) {
	if err := s.rlock(); err != nil {
		return cid.Undef, err
	}
	defer s.mu.RUnlock()
	return s.importChunks(ctx, &sliceSplitter{buf: b})
}

// AddPinned adds r and pins the result under name, with no GC in between.
func (s *Store) AddPinned(ctx context.Context, r io.Reader, name string) (cid.Cid, error) {
	if err := s.rlockPins(); err != nil {
		return cid.Undef, err
	}
	defer s.mu.RUnlock()
	c, err := s.add(ctx, r)
	if err != nil {
		return cid.Undef, err
	}
	// Every block was just written, so the pin is recorded without
	// reading the DAG back (Pin would re-read and re-hash all of it).
	if err := s.pins.add(ctx, c, name); err != nil {
		return cid.Undef, fmt.Errorf("pin: pin %s: %w", c, err)
	}
	return c, nil
}

// add imports r; the caller holds s.mu.
func (s *Store) add(ctx context.Context, r io.Reader) (cid.Cid, error) {
	spl, guard := guardedSplitter(r)
	c, err := s.importChunks(ctx, spl)
	if guard.err != nil {
		return cid.Undef, fmt.Errorf("pin: read input: %w", guard.err)
	}
	return c, err
}

// importChunks builds the DAG of spl's chunks through a batching DAG
// writer; the caller holds s.mu.
func (s *Store) importChunks(ctx context.Context, spl chunker.Splitter) (cid.Cid, error) {
	buf := ipld.NewBufferedDAG(ctx, s.dag)
	c, err := importDAG(ctx, buf, spl, formatV1)
	if err != nil {
		return cid.Undef, err
	}
	if err := buf.Commit(); err != nil {
		return cid.Undef, fmt.Errorf("pin: write blocks of %s: %w", c, err)
	}
	return c, nil
}

// Has reports whether the block c is in the store (not whether its whole
// DAG is).
func (s *Store) Has(ctx context.Context, c cid.Cid) (bool, error) {
	if err := s.rlock(); err != nil {
		return false, err
	}
	defer s.mu.RUnlock()
	if !c.Defined() {
		return false, nil
	}
	ok, err := s.blocks.Has(ctx, c)
	if err != nil {
		return false, fmt.Errorf("pin: has %s: %w", c, err)
	}
	return ok, nil
}

// Cat opens the UnixFS file c for streaming. Every block is hash-checked
// as it is read; a corrupt one fails the read with a *CorruptBlockError.
// The caller must Close the File.
func (s *Store) Cat(ctx context.Context, c cid.Cid) (File, error) {
	if err := s.rlock(); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	root, err := s.dag.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	r, err := uio.NewDagReader(ctx, root, s.dag)
	if err != nil {
		return nil, fmt.Errorf("pin: read %s: %w", c, err)
	}
	return r, nil
}

// Get returns the whole UnixFS file c, at most MaxGetSize bytes.
func (s *Store) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	f, err := s.Cat(ctx, c)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Size() > MaxGetSize {
		return nil, fmt.Errorf("%w: %s is %d bytes", ErrTooLarge, c, f.Size())
	}
	out := make([]byte, 0, f.Size())
	buf := bytes.NewBuffer(out)
	n, err := buf.ReadFrom(io.LimitReader(f, MaxGetSize+1))
	if err != nil {
		return nil, fmt.Errorf("pin: read %s: %w", c, err)
	}
	if n > MaxGetSize {
		return nil, fmt.Errorf("%w: %s is over %d bytes", ErrTooLarge, c, MaxGetSize)
	}
	return buf.Bytes(), nil
}
