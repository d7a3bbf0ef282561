package plugins

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	fetcherpb "github.com/assaynet/assay/plugins/internal/proto"
)

// runningSum tracks the size and SHA-256 of streamed data.
type runningSum struct {
	h    hash.Hash
	size int64
}

func newSum() *runningSum { return &runningSum{h: sha256.New()} }

func (s *runningSum) add(p []byte) {
	s.h.Write(p)
	s.size += int64(len(p))
}

func (s *runningSum) digest() []byte { return s.h.Sum(nil) }

// streamReader reads a Fetch response stream as an io.Reader, checking
// chunk sizes and the trailer.
type streamReader struct {
	stream fetcherpb.Fetcher_FetchClient
	cancel context.CancelFunc
	sum    *runningSum
	buf    []byte
	done   bool
	err    error
}

// Read returns streamed data; at the end it checks the trailer and that
// nothing follows it.
func (r *streamReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.err = r.next()
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// next receives one message into r.buf, or returns the error that ends
// the stream (io.EOF after a valid trailer).
func (r *streamReader) next() error {
	msg, err := r.stream.Recv()
	if err == io.EOF {
		if !r.done {
			return fmt.Errorf("%w: stream ended without a trailer after %d bytes", errGarbage, r.sum.size)
		}
		return io.EOF
	}
	if err != nil {
		return classifyRecv(err)
	}
	if r.done {
		return fmt.Errorf("%w: message after the trailer", errGarbage)
	}
	if len(msg.GetData()) > ChunkSize {
		return fmt.Errorf("%w: chunk of %d bytes, limit %d", errGarbage, len(msg.GetData()), ChunkSize)
	}
	r.sum.add(msg.GetData())
	r.buf = msg.GetData()
	if msg.GetDone() {
		r.done = true
		return r.checkTrailer(msg)
	}
	return nil
}

func (r *streamReader) checkTrailer(msg *fetcherpb.FetchResponse) error {
	if msg.GetSize() != r.sum.size {
		return fmt.Errorf("%w: trailer says %d bytes, got %d", errGarbage, msg.GetSize(), r.sum.size)
	}
	if !bytes.Equal(msg.GetSha256(), r.sum.digest()) {
		return fmt.Errorf("%w: trailer SHA-256 %x does not match the data's", errGarbage, msg.GetSha256())
	}
	return nil
}

// classifyRecv maps a gRPC receive error to a plain, cap or remote error.
func classifyRecv(err error) error {
	s, ok := status.FromError(err)
	if !ok {
		return err
	}
	switch s.Code() {
	case codes.ResourceExhausted:
		if strings.Contains(s.Message(), "larger than max") {
			return fmt.Errorf("%w: %s", errGarbage, s.Message())
		}
		return fmt.Errorf("%w: %s", ErrTooLarge, s.Message())
	case codes.Unknown:
		return errors.New(s.Message())
	}
	return err
}

// Close cancels the stream.
func (r *streamReader) Close() error {
	r.cancel()
	return nil
}
