package worker

import (
	"context"
	"errors"

	"github.com/assaynet/assay/consensus/pb"
)

// ErrNotFound is returned by a Chain when a queried record does not exist.
var ErrNotFound = errors.New("worker: not found")

// Chain is what the worker needs from its node: committed state and a
// mempool. RPC (rpc.go) implements it over a CometBFT RPC client.
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
	// Sequence returns the next sequence of account addr (0 when unknown).
	Sequence(ctx context.Context, addr []byte) (uint64, error)
	// MaxBatchEntries returns the chain's max_batch_entries param: the
	// most entries one Commit or Reveal tx may hold.
	MaxBatchEntries(ctx context.Context) (uint32, error)
	// Broadcast submits a signed tx and returns its CheckTx outcome.
	Broadcast(ctx context.Context, tx []byte) (TxResult, error)
}

// TxResult is the mempool's answer to a broadcast tx.
type TxResult struct {
	Code uint32 // 0 = accepted into the mempool
	Log  string
	Hash []byte
}
