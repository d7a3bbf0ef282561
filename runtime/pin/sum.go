package pin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	chunker "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	cid "github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"
)

// Layout parameters of `ipfs add` (docs/protocol.md, "Content identifiers").
const (
	// ChunkSize is the fixed size of a UnixFS leaf chunk in bytes.
	ChunkSize = 256 << 10
	// MaxLinks is the largest number of children of one interior node.
	MaxLinks = 174
)

// cidV1Prefix is the builder for CIDv1 dag-pb nodes and raw leaves with
// sha2-256 (the codec is replaced per node by the importer).
var cidV1Prefix = cid.Prefix{
	Version:  1,
	Codec:    cid.DagProtobuf,
	MhType:   mh.SHA2_256,
	MhLength: -1,
}

// format selects the CID flavour an import produces.
type format int

const (
	formatV1 format = iota // CIDv1, raw leaves
	formatV0               // CIDv0, dag-pb leaves
)

// Sum returns the CIDv1 that `ipfs add --cid-version=1` prints for the
// bytes read from r, without storing anything.
func Sum(r io.Reader) (cid.Cid, error) {
	return sumReader(r, formatV1)
}

// SumBytes is Sum over an in-memory byte slice.
func SumBytes(b []byte) (cid.Cid, error) {
	return importDAG(context.Background(), discardDAG{}, &sliceSplitter{buf: b}, formatV1)
}

// SumV0 returns the CIDv0 that `ipfs add` (no flags) prints for the bytes
// read from r, without storing anything.
func SumV0(r io.Reader) (cid.Cid, error) {
	return sumReader(r, formatV0)
}

// SumBytesV0 is SumV0 over an in-memory byte slice.
func SumBytesV0(b []byte) (cid.Cid, error) {
	return importDAG(context.Background(), discardDAG{}, &sliceSplitter{buf: b}, formatV0)
}

// sumReader computes the CID of r's bytes, reusing one chunk buffer.
func sumReader(r io.Reader, f format) (cid.Cid, error) {
	guard := &readGuard{r: r}
	c, err := importDAG(context.Background(), discardDAG{}, newReuseSplitter(guard), f)
	if guard.err != nil {
		return cid.Undef, fmt.Errorf("pin: read input: %w", guard.err)
	}
	return c, err
}

// importDAG builds the balanced UnixFS DAG of the chunks spl yields into
// dag and returns the root CID.
func importDAG(ctx context.Context, dag ipld.DAGService, spl chunker.Splitter, f format) (cid.Cid, error) {
	params := helpers.DagBuilderParams{
		Dagserv:  dag,
		Maxlinks: MaxLinks,
	}
	if f == formatV1 {
		params.RawLeaves = true
		params.CidBuilder = cidV1Prefix
	}
	db, err := params.New(spl)
	if err != nil {
		return cid.Undef, fmt.Errorf("pin: dag builder: %w", err)
	}
	root, err := balanced.Layout(db)
	if err != nil {
		return cid.Undef, fmt.Errorf("pin: import: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return cid.Undef, fmt.Errorf("pin: import: %w", err)
	}
	return root.Cid(), nil
}

// errReadFailed is what readGuard hands the chunker in place of a reader's
// own error; the real error is kept in readGuard.err.
var errReadFailed = errors.New("pin: input read failed")

// guardedSplitter is the chunker over r used when the chunks must outlive
// the call (stored nodes keep them): a fresh buffer per chunk.
func guardedSplitter(r io.Reader) (chunker.Splitter, *readGuard) {
	guard := &readGuard{r: r}
	return chunker.NewSizeSplitter(guard, ChunkSize), guard
}

// readGuard keeps the first error (other than io.EOF) of the reader it
// wraps. The chunker reads with io.ReadFull and treats io.ErrUnexpectedEOF
// as a clean end of input, so a reader that itself fails with
// io.ErrUnexpectedEOF (a truncated download) would otherwise yield a CID of
// the truncated bytes.
type readGuard struct {
	r   io.Reader
	err error
}

func (g *readGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, errReadFailed
	}
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		g.err = err
		return n, errReadFailed
	}
	return n, err
}

// discardDAG is a write-only DAG service that keeps nothing: Sum needs the
// CIDs of the nodes, not the nodes.
type discardDAG struct{}

var _ ipld.DAGService = discardDAG{}

func (discardDAG) Get(context.Context, cid.Cid) (ipld.Node, error) {
	return nil, ipld.ErrNotFound{}
}

func (discardDAG) GetMany(context.Context, []cid.Cid) <-chan *ipld.NodeOption {
	ch := make(chan *ipld.NodeOption)
	close(ch)
	return ch
}

func (discardDAG) Add(context.Context, ipld.Node) error        { return nil }
func (discardDAG) AddMany(context.Context, []ipld.Node) error  { return nil }
func (discardDAG) Remove(context.Context, cid.Cid) error       { return nil }
func (discardDAG) RemoveMany(context.Context, []cid.Cid) error { return nil }

// SumFile is Sum (SumV0 with v0) of the file at path, or of stdin when
// path is "-" (`assay cid`). An error names the path.
func SumFile(path string, stdin io.Reader, v0 bool) (cid.Cid, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return cid.Undef, err
		}
		defer f.Close()
		r = f
	}
	sum := Sum
	if v0 {
		sum = SumV0
	}
	c, err := sum(r)
	if err != nil {
		return cid.Undef, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
