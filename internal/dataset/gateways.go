package dataset

import (
	"context"
	"errors"
	"fmt"
	"slices"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/chain"
)

// FromGateways tries the gateways gws in turn and returns the first
// answer that verifies (FromGateway); a gateway that fails or serves
// bytes that are not id's is skipped, and note (when not nil) says why.
// Every node pins every agreed dataset (docs/node.md, "Replication"),
// so any node's gateway may serve it.
func FromGateways(ctx context.Context, gws []string, id cid.Cid, car bool, note func(string)) ([]byte, error) {
	var errs []error
	for _, gw := range gws {
		b, err := FromGateway(ctx, gw, id, car)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		if note != nil {
			note(fmt.Sprintf("%s: %v; trying the next gateway", gw, err))
		}
		errs = append(errs, fmt.Errorf("%s: %w", gw, err))
	}
	if len(errs) == 0 {
		return nil, errors.New("dataset: no gateway to try")
	}
	return nil, errors.Join(errs...)
}

// AnnouncedGateways returns the gateway URLs the chain's validators
// announced (AnnounceRetrieval), by operator, without duplicates, after
// first (when not "").
func AnnouncedGateways(ctx context.Context, c *chain.Client, first string) ([]string, error) {
	var out []string
	if first != "" {
		out = append(out, first)
	}
	rs, err := c.Retrievals(ctx)
	if err != nil {
		return out, err
	}
	for _, r := range rs {
		if r.Gateway != "" && !slices.Contains(out, r.Gateway) {
			out = append(out, r.Gateway)
		}
	}
	return out, nil
}
