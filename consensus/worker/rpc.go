package worker

import (
	"bytes"
	"context"

	rpcclient "github.com/cometbft/cometbft/rpc/client"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// ErrCatchingUp is returned by Height, with the node's latest local
// height, while the node is block-syncing: its state is behind the chain.
var ErrCatchingUp = chain.ErrCatchingUp

// RPC implements Chain over the chain client (consensus/chain) of a
// CometBFT RPC client (local or HTTP).
type RPC struct {
	c *chain.Client
}

var _ Chain = (*RPC)(nil)

// NewRPC wraps a CometBFT RPC client.
func NewRPC(c rpcclient.Client) *RPC { return &RPC{c: chain.New(c)} }

// Client returns the wrapped CometBFT client.
func (r *RPC) Client() rpcclient.Client { return r.c.RPC() }

// Chain returns the chain client the worker reads and sends through.
func (r *RPC) Chain() *chain.Client { return r.c }

// Height implements Chain: the height of the app's committed state. The
// block store's height (/status) runs one ahead while a block is being
// applied; a worker that took it for committed read /assigned again at
// every poll until the app caught up (4–5 times a block at 5,000
// sources, each ~1,000 rounds, contending with the block's own reads of
// the state tree). While the node is block-syncing it returns the latest
// height the node has applied and ErrCatchingUp.
func (r *RPC) Height(ctx context.Context) (uint64, error) {
	h, err := r.c.Height(ctx)
	if err != nil {
		return h, err
	}
	_, qh, qerr := r.c.Query(ctx, state.PathParams) // one key: answered at the committed height
	if qerr != nil {
		return 0, qerr
	}
	return min(h, qh), nil
}

// BlockTime implements Chain.
func (r *RPC) BlockTime(ctx context.Context, h uint64) (int64, error) { return r.c.BlockTime(ctx, h) }

// Assigned implements Chain with the /assigned_records/{operator} query:
// the rounds of /assigned/{operator} as protobuf records, without JSON.
func (r *RPC) Assigned(ctx context.Context, operator []byte) (uint64, []*pb.Round, error) {
	h, rounds, err := r.c.AssignedRecords(ctx, operator)
	if err != nil {
		return 0, nil, err
	}
	return h, openRounds(rounds, operator), nil
}

// Code implements Chain.
func (r *RPC) Code(ctx context.Context, cid string) ([]byte, error) {
	v, err := r.c.Code(ctx, cid)
	if err != nil {
		return nil, err
	}
	return v.Bytes()
}

// Sequence implements Chain via /account/{address}.
func (r *RPC) Sequence(ctx context.Context, addr []byte) (uint64, error) {
	return r.c.Sequence(ctx, addr)
}

// MaxBatchEntries implements Chain via /params.
func (r *RPC) MaxBatchEntries(ctx context.Context) (uint32, error) {
	p, err := r.c.Params(ctx)
	if err != nil {
		return 0, err
	}
	return p.MaxBatchEntries, nil
}

// Broadcast implements Chain with broadcast_tx_sync.
func (r *RPC) Broadcast(ctx context.Context, tx []byte) (chain.TxResult, error) {
	return r.c.Broadcast(ctx, tx)
}

// openRounds keeps the rounds of rs that are open (commit or reveal
// phase) and list operator.
func openRounds(rs []*pb.Round, operator []byte) []*pb.Round {
	var out []*pb.Round
	for _, r := range rs {
		if !state.PhaseOpen(r.Phase) {
			continue
		}
		for _, a := range r.Assignees {
			if bytes.Equal(a.Operator, operator) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}
