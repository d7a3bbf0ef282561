package replay

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/runtime/abi"
)

// Gateway fetches inputs from the IPFS gateways at urls (any,
// untrusted), tried in order until one serves bytes that re-import to the
// CID (dataset.FromGateway checks them).
func Gateway(urls ...string) Inputs {
	return func(ctx context.Context, id cid.Cid) ([]byte, error) {
		var errs []error
		for _, u := range urls {
			b, err := dataset.FromGateway(ctx, u, id, false)
			if err == nil {
				return b, nil
			}
			errs = append(errs, err)
		}
		if len(errs) == 0 {
			return nil, errors.New("no gateway")
		}
		return nil, errors.Join(errs...)
	}
}

// chainRecords reads Records from a node through the typed chain client.
type chainRecords struct{ c *chain.Client }

// FromChain reads the records from the node c talks to, trusting it.
func FromChain(c *chain.Client) Records { return chainRecords{c} }

// maxPages bounds the pages Dataset follows: a page visits at most
// 10,000 keys (docs/protocol.md section 6.1), so a round filter over a
// long history can answer empty pages that are truncated.
const maxPages = 1000

// Dataset implements Records with the datasets list filtered to one
// round; none is an error matching state.ErrNotFound.
func (r chainRecords) Dataset(ctx context.Context, source string, round uint64) (*pb.Dataset, error) {
	o := state.ListOptions{From: round, To: round, Limit: 1}
	for range maxPages {
		page, _, err := r.c.Datasets(ctx, source, o)
		if err != nil {
			return nil, err
		}
		if len(page.Items) > 0 {
			return datasetRecord(page.Items[0])
		}
		if !page.Truncated {
			return nil, fmt.Errorf("%w: round %d of %q has no dataset (open, unresolved or never assigned)", state.ErrNotFound, round, source)
		}
		o.Cursor = page.Next
	}
	return nil, fmt.Errorf("dataset %s/%d: not found in %d pages", source, round, maxPages)
}

// Round implements Records with the round query.
func (r chainRecords) Round(ctx context.Context, source string, round uint64) (*pb.Round, error) {
	v, _, err := chain.Get[state.RoundView](ctx, r.c, state.PathRound(source, round))
	if err != nil {
		return nil, err
	}
	return v.Round()
}

// Code implements Records with the code query.
func (r chainRecords) Code(ctx context.Context, id string) ([]byte, error) {
	v, err := r.c.Code(ctx, id)
	if err != nil {
		return nil, err
	}
	return v.Bytes()
}

// BlockTime implements Records with the block's header.
func (r chainRecords) BlockTime(ctx context.Context, h uint64) (int64, error) {
	return r.c.BlockTime(ctx, h)
}

// datasetRecord converts a dataset view back to its record.
func datasetRecord(v state.DatasetView) (*pb.Dataset, error) {
	bad := func(what, s string, err error) (*pb.Dataset, error) {
		return nil, fmt.Errorf("dataset %s/%d: bad %s %q: %v", v.Source, v.Round, what, s, err)
	}
	st, ok := abi.ParseStatus(v.Status)
	if !ok {
		return bad("status", v.Status, fmt.Errorf("unknown"))
	}
	d := &pb.Dataset{Source: v.Source, Round: v.Round, Status: uint32(st), GasUsed: v.GasUsed, Height: v.Height}
	out, err := cid.Decode(v.OutputCID)
	if err != nil {
		return bad("output_cid", v.OutputCID, err)
	}
	d.OutputCid = out.Bytes()
	for _, s := range v.InputCIDs {
		in, err := cid.Decode(s)
		if err != nil {
			return bad("input_cid", s, err)
		}
		d.InputCids = append(d.InputCids, in.Bytes())
	}
	for _, s := range v.Attesters {
		a, err := hex.DecodeString(s)
		if err != nil {
			return bad("attester", s, err)
		}
		d.Attesters = append(d.Attesters, a)
	}
	if v.Time != "" {
		t, err := time.Parse(time.RFC3339Nano, v.Time)
		if err != nil {
			return bad("time", v.Time, err)
		}
		d.Time = t.UnixNano()
	}
	return d, nil
}
