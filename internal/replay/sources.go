package replay

import (
	"context"
	"errors"
	"fmt"

	rpcclient "github.com/cometbft/cometbft/rpc/client"
	cid "github.com/ipfs/go-cid"
	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/dataset"
)

// Gateway fetches inputs from the IPFS gateways at urls (any,
// untrusted), tried in order until one serves bytes that re-import to the
// CID (dataset.FromGateways).
func Gateway(urls ...string) Inputs {
	return func(ctx context.Context, id cid.Cid) ([]byte, error) {
		return dataset.FromGateways(ctx, urls, id, false, nil)
	}
}

// chainRecords reads Records from a node through the typed chain client.
type chainRecords struct {
	c    *chain.Client
	node string
}

// FromChain reads the records from the node c talks to (at address node,
// for the report), trusting it: the raw records of the record paths
// (docs/protocol.md section 4.2), their proofs unchecked.
func FromChain(c *chain.Client, node string) Records { return chainRecords{c, node} }

// Open returns the records a replay reads: those v proves against
// light-client verified headers (consumer.Verifier.Records) when v is not
// nil, else FromChain of the first of nodes (comma-separated RPC
// addresses, chain.Dial) that answers, trusted.
func Open(ctx context.Context, v *consumer.Verifier, nodes string) (Records, error) {
	if v != nil {
		return v.Records(), nil
	}
	c, addr, err := chain.Dial(ctx, nodes)
	if err != nil {
		return nil, err
	}
	return FromChain(c, addr), nil
}

// record reads the stored record at a record path into m. The record
// paths answer only with prove = true; the proof is not checked. An
// absent record is an error matching state.ErrNotFound.
func (r chainRecords) record(ctx context.Context, path string, m proto.Message) error {
	res, err := r.c.RPC().ABCIQueryWithOptions(ctx, path, nil, rpcclient.ABCIQueryOptions{Prove: true})
	if err != nil {
		return fmt.Errorf("query %s: %w", path, err)
	}
	q := res.Response
	switch {
	case q.Code != uint32(state.CodeOK):
		return &chain.QueryError{Path: path, Code: state.Code(q.Code), Log: q.Log}
	case len(q.Value) == 0:
		return fmt.Errorf("%w: no record %s at height %d", state.ErrNotFound, path, q.Height)
	}
	if err := proto.Unmarshal(q.Value, m); err != nil {
		return fmt.Errorf("record %s: %w", path, err)
	}
	return nil
}

// Dataset implements Records with the record dataset/{source}/{round};
// none is an error matching state.ErrNotFound.
func (r chainRecords) Dataset(ctx context.Context, source string, round uint64) (*pb.Dataset, error) {
	d := &pb.Dataset{}
	err := r.record(ctx, fmt.Sprintf("dataset/%s/%d", source, round), d)
	if errors.Is(err, state.ErrNotFound) {
		return nil, fmt.Errorf("%w: round %d of %q has no dataset (open, unresolved or never assigned)", state.ErrNotFound, round, source)
	}
	return d, err
}

// Round implements Records with the record round/{source}/{round}.
func (r chainRecords) Round(ctx context.Context, source string, round uint64) (*pb.Round, error) {
	rd := &pb.Round{}
	return rd, r.record(ctx, fmt.Sprintf("round/%s/%d", source, round), rd)
}

// Code implements Records with the record code/{id}.
func (r chainRecords) Code(ctx context.Context, id string) ([]byte, error) {
	c := &pb.Code{}
	if err := r.record(ctx, "code/"+id, c); err != nil {
		return nil, err
	}
	return c.Wasm, nil
}

// BlockTime implements Records with the block's header.
func (r chainRecords) BlockTime(ctx context.Context, h uint64) (int64, error) {
	return r.c.BlockTime(ctx, h)
}

// Provenance implements Records: trusted from the node.
func (r chainRecords) Provenance() (string, bool) {
	return "trusted from " + r.node + " (not proven: give a trust root to prove them)", false
}
