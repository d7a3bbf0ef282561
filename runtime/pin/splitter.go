package pin

import (
	"errors"
	"io"

	chunker "github.com/ipfs/boxo/chunker"
)

// The importer hashes each chunk exactly once; these splitters avoid the
// copy and the fresh allocation per chunk that chunker.NewSizeSplitter
// makes, which otherwise cost about as much as the hashing.

// sliceSplitter hands out ChunkSize sub-slices of an in-memory buffer
// without copying. The nodes built from them alias buf.
type sliceSplitter struct {
	buf []byte
}

var _ chunker.Splitter = (*sliceSplitter)(nil)

func (s *sliceSplitter) Reader() io.Reader { return nil }

func (s *sliceSplitter) NextBytes() ([]byte, error) {
	if len(s.buf) == 0 {
		return nil, io.EOF
	}
	n := min(ChunkSize, len(s.buf))
	chunk := s.buf[:n:n]
	s.buf = s.buf[n:]
	return chunk, nil
}

// reuseSplitter reads every chunk into the same buffer. It is only safe
// when nothing keeps a chunk after the next one is asked for: Sum, whose
// DAG service discards every node once its CID is known.
type reuseSplitter struct {
	r    io.Reader
	buf  []byte
	done bool
}

var _ chunker.Splitter = (*reuseSplitter)(nil)

func newReuseSplitter(r io.Reader) *reuseSplitter {
	return &reuseSplitter{r: r, buf: make([]byte, ChunkSize)}
}

func (s *reuseSplitter) Reader() io.Reader { return s.r }

func (s *reuseSplitter) NextBytes() ([]byte, error) {
	if s.done {
		return nil, io.EOF
	}
	n, err := io.ReadFull(s.r, s.buf)
	switch {
	case err == nil:
		return s.buf, nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		s.done = true
		return s.buf[:n], nil
	case errors.Is(err, io.EOF):
		s.done = true
		return nil, io.EOF
	default:
		return nil, err
	}
}
