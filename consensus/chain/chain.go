package chain

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	rpcclient "github.com/cometbft/cometbft/rpc/client"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
)

// ErrCatchingUp is returned by Height, with the node's latest local
// height, while the node is block-syncing: its state is behind the chain.
var ErrCatchingUp = errors.New("chain: node is catching up")

// ErrNoState is Params' error before the node's app has committed block
// 1, which commits the genesis records: there are no params to read yet.
var ErrNoState = errors.New("chain: no committed state yet (before block 1)")

// QueryError is a query the app answered with a non-zero result code.
// errors.Is matches it against state.ErrNotFound (CodeNotFound) and
// state.ErrBadQuery (CodeInvalid: an unknown path or bad arguments).
type QueryError struct {
	Path string
	Code state.Code
	Log  string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("chain: query %s: code %d: %s", e.Path, e.Code, e.Log)
}

// Is matches the state package's query errors by code.
func (e *QueryError) Is(target error) bool {
	switch target {
	case state.ErrNotFound:
		return e.Code == state.CodeNotFound
	case state.ErrBadQuery:
		return e.Code == state.CodeInvalid
	}
	return false
}

// Stages of a tx where it can be refused.
const (
	StageCheck   = "check"   // CheckTx: the mempool refused it
	StageDeliver = "deliver" // the tx is in a block but failed there
)

// TxError is a tx the chain refused, with its result code.
type TxError struct {
	Stage string // StageCheck or StageDeliver
	Code  state.Code
	Log   string
	Hash  []byte
}

func (e *TxError) Error() string {
	return fmt.Sprintf("tx rejected at %s: code %d: %s", e.Stage, e.Code, e.Log)
}

// Is lets errors.Is match a *state.Error with the same code.
func (e *TxError) Is(target error) bool {
	var t *state.Error
	return errors.As(target, &t) && t.Code == e.Code
}

// TxResult is the mempool's answer to a broadcast tx.
type TxResult struct {
	Code state.Code // CodeOK: accepted into the mempool
	Log  string
	Hash []byte
}

// Client is a typed client of one node. It is safe for concurrent use.
type Client struct {
	c rpcclient.Client

	mu    sync.Mutex
	times map[uint64]int64 // block time cache
}

// New wraps a CometBFT RPC client (HTTP or local).
func New(c rpcclient.Client) *Client { return &Client{c: c, times: map[uint64]int64{}} }

// RPC returns the wrapped CometBFT client (for blocks and block results).
func (c *Client) RPC() rpcclient.Client { return c.c }

// Status is what a client needs of the node's /status.
type Status struct {
	ChainID    string
	Height     uint64 // latest height the node has applied
	CatchingUp bool   // the node is block-syncing
}

// Status reads the node's /status.
func (c *Client) Status(ctx context.Context) (Status, error) {
	st, err := c.c.Status(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("chain: status: %w", err)
	}
	return Status{ChainID: st.NodeInfo.Network, Height: uint64(max(st.SyncInfo.LatestBlockHeight, 0)),
		CatchingUp: st.SyncInfo.CatchingUp}, nil
}

// Height returns the latest committed height. While the node is
// block-syncing it returns the latest height the node has applied and
// ErrCatchingUp.
func (c *Client) Height(ctx context.Context) (uint64, error) {
	st, err := c.Status(ctx)
	if err != nil {
		return 0, err
	}
	if st.CatchingUp {
		return st.Height, ErrCatchingUp
	}
	return st.Height, nil
}

// BlockTime returns the time of block h in unix nanoseconds.
func (c *Client) BlockTime(ctx context.Context, h uint64) (int64, error) {
	c.mu.Lock()
	t, ok := c.times[h]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	hh := int64(h)
	res, err := c.c.Header(ctx, &hh)
	if err != nil {
		return 0, fmt.Errorf("chain: header %d: %w", h, err)
	}
	t = res.Header.Time.UnixNano()
	c.mu.Lock()
	if len(c.times) > 4096 {
		clear(c.times)
	}
	c.times[h] = t
	c.mu.Unlock()
	return t, nil
}

// Query runs an ABCI query and returns its JSON answer and the committed
// height it was read at. A non-zero code is a *QueryError.
func (c *Client) Query(ctx context.Context, path string) ([]byte, uint64, error) {
	return c.QueryAt(ctx, path, 0)
}

// QueryAt is Query on the state committed at height (0: the last). A
// height the node does not hold (newer than its last commit, or pruned)
// is a *QueryError matching state.ErrBadQuery that names the heights it
// holds.
func (c *Client) QueryAt(ctx context.Context, path string, height uint64) ([]byte, uint64, error) {
	if height > math.MaxInt64 {
		return nil, 0, &QueryError{Path: path, Code: state.CodeInvalid, Log: fmt.Sprintf("height %d is out of range", height)}
	}
	res, err := c.c.ABCIQueryWithOptions(ctx, path, nil, rpcclient.ABCIQueryOptions{Height: int64(height)})
	if err != nil {
		return nil, 0, fmt.Errorf("chain: query %s: %w", path, err)
	}
	q := res.Response
	if q.Code != uint32(state.CodeOK) {
		return nil, 0, &QueryError{Path: path, Code: state.Code(q.Code), Log: q.Log}
	}
	return q.Value, uint64(max(q.Height, 0)), nil
}

// Get runs query path and decodes its answer as a T.
func Get[T any](ctx context.Context, c *Client, path string) (T, uint64, error) {
	return GetAt[T](ctx, c, path, 0)
}

// GetAt is Get on the state committed at height (0: the last).
func GetAt[T any](ctx context.Context, c *Client, path string, height uint64) (T, uint64, error) {
	b, h, err := c.QueryAt(ctx, path, height)
	if err != nil {
		var zero T
		return zero, 0, err
	}
	v, err := state.Decode[T](b)
	if err != nil {
		return v, 0, fmt.Errorf("chain: query %s: %w", path, err)
	}
	return v, h, nil
}

// Params returns the chain's params.
func (c *Client) Params(ctx context.Context) (*pb.Params, error) {
	b, h, err := c.Query(ctx, state.PathParams)
	if err != nil {
		return nil, err
	}
	if h == 0 {
		// The genesis records are committed with block 1: before that the
		// app answers from the empty state, whose params are all zero.
		return nil, ErrNoState
	}
	return state.DecodeParams(b)
}

// Validators returns the validators.
func (c *Client) Validators(ctx context.Context) ([]state.ValidatorView, error) {
	v, _, err := Get[[]state.ValidatorView](ctx, c, state.PathValidators)
	return v, err
}

// Source returns source id; a missing one is state.ErrNotFound.
func (c *Client) Source(ctx context.Context, id string) (state.SourceView, error) {
	v, _, err := Get[state.SourceView](ctx, c, state.PathSource(id))
	return v, err
}

// Code returns the stored code cid with its original bytes.
func (c *Client) Code(ctx context.Context, cid string) (state.CodeView, error) {
	v, _, err := Get[state.CodeView](ctx, c, state.PathCode(cid))
	return v, err
}

// Assigned returns the open rounds that list operator, read at the
// returned committed height.
func (c *Client) Assigned(ctx context.Context, operator []byte) (uint64, []state.RoundView, error) {
	v, h, err := Get[[]state.RoundView](ctx, c, state.PathAssigned(operator))
	return h, v, err
}

// AssignedRecords returns the same rounds as Assigned, as records, and the
// height answered: the worker's read at every block, without JSON.
func (c *Client) AssignedRecords(ctx context.Context, operator []byte) (uint64, []*pb.Round, error) {
	b, h, err := c.Query(ctx, state.PathAssignedRecords(operator))
	if err != nil {
		return 0, nil, err
	}
	rs, err := state.DecodeRecords(b)
	if err != nil {
		return 0, nil, fmt.Errorf("chain: query assigned records: %w", err)
	}
	return h, rs, nil
}

// maxPages bounds the pages All reads.
const maxPages = 1000

// All reads every page of the list at path (built with empty Cursor in
// its ListOptions) and returns the items in the list's order. It reads at
// most maxPages pages: more is an error, not a silently short list.
func All[T any](ctx context.Context, c *Client, path func(cursor string) string) ([]T, error) {
	var out []T
	cursor := ""
	for range maxPages {
		p, _, err := Get[state.Page[T]](ctx, c, path(cursor))
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if !p.Truncated {
			return out, nil
		}
		cursor = p.Next
	}
	return nil, fmt.Errorf("chain: list %s: more than %d pages", path(""), maxPages)
}

// Evidence returns all penalty evidence, oldest first.
func (c *Client) Evidence(ctx context.Context) ([]state.EvidenceView, error) {
	ev, err := All[state.EvidenceView](ctx, c, func(cursor string) string {
		return state.PathEvidencePage(state.ListOptions{Limit: state.MaxLimit, Cursor: cursor})
	})
	slices.Reverse(ev) // the list is newest first
	return ev, err
}

// Datasets returns one page of source's datasets in resolution order,
// newest first, read at the returned committed height.
func (c *Client) Datasets(ctx context.Context, source string, o state.ListOptions) (state.Page[state.DatasetView], uint64, error) {
	return Get[state.Page[state.DatasetView]](ctx, c, state.PathDatasets(source, o))
}

// LatestDataset returns source's dataset of the highest round (of status
// status, when not ""); none is state.ErrNotFound.
func (c *Client) LatestDataset(ctx context.Context, source, status string) (state.DatasetView, uint64, error) {
	return Get[state.DatasetView](ctx, c, state.PathLatestDataset(source, status))
}

// Sequence returns the next sequence of account addr (0 for a new one)
// in the committed state.
func (c *Client) Sequence(ctx context.Context, addr []byte) (uint64, error) {
	v, _, err := Get[state.AccountView](ctx, c, state.PathAccount(addr))
	return v.Sequence, err
}

// Broadcast submits a signed tx with broadcast_tx_sync and returns its
// CheckTx outcome (a refusal is a result, not an error).
func (c *Client) Broadcast(ctx context.Context, raw []byte) (TxResult, error) {
	res, err := c.c.BroadcastTxSync(ctx, raw)
	if err != nil {
		return TxResult{}, fmt.Errorf("chain: broadcast: %w", err)
	}
	return TxResult{Code: state.Code(res.Code), Log: res.Log, Hash: res.Hash}, nil
}

// waitEvery is how often Wait asks for a tx.
const waitEvery = 200 * time.Millisecond

// Wait polls for tx hash until it is in a block, and returns the block's
// height; a tx that failed in its block is a *TxError at StageDeliver.
// It gives up when ctx ends.
func (c *Client) Wait(ctx context.Context, hash []byte) (uint64, error) {
	tick := time.NewTicker(waitEvery)
	defer tick.Stop()
	for {
		r, err := c.c.Tx(ctx, hash, false)
		if err == nil {
			h := uint64(max(r.Height, 0))
			if r.TxResult.Code != uint32(state.CodeOK) {
				return h, &TxError{Stage: StageDeliver, Code: state.Code(r.TxResult.Code), Log: r.TxResult.Log, Hash: hash}
			}
			return h, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("chain: tx %X not in a block yet: %w", hash, ctx.Err())
		case <-tick.C:
		}
	}
}

// Retrievals returns every validator operator's announced retrieval
// addresses (AnnounceRetrieval), by operator.
func (c *Client) Retrievals(ctx context.Context) ([]state.RetrievalView, error) {
	v, _, err := Get[[]state.RetrievalView](ctx, c, state.PathRetrievals)
	return v, err
}
