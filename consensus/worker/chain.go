package worker

import (
	"context"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
)

// Chain is what the worker needs from its node: committed state and a
// mempool. RPC (rpc.go) implements it over the chain client
// (consensus/chain). A queried record that does not exist is an error
// matching state.ErrNotFound.
type Chain interface {
	// Height returns the latest committed height. While the node is
	// catching up it returns the latest height the node has applied and
	// an error wrapping ErrCatchingUp: the worker then only reveals.
	Height(ctx context.Context) (uint64, error)
	// BlockTime returns the time of block h in unix nanoseconds.
	BlockTime(ctx context.Context, h uint64) (int64, error)
	// Assigned returns the open rounds (commit or reveal phase) that list
	// operator as an assignee, read from the committed state at the
	// returned height.
	Assigned(ctx context.Context, operator []byte) (uint64, []*pb.Round, error)
	// Code returns the original bytes of stored code cid.
	Code(ctx context.Context, cid string) ([]byte, error)
	// MaxBatchEntries returns the chain's max_batch_entries param: the
	// most entries one Commit or Reveal tx may hold.
	MaxBatchEntries(ctx context.Context) (uint32, error)
	// Mempool gives the account's committed sequence and broadcasts
	// signed txs; the worker's chain.Sender signs and sends through it.
	chain.Mempool
}
