package worker

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	rpcclient "github.com/cometbft/cometbft/rpc/client"

	"github.com/assaynet/assay/consensus/pb"
)

// ErrUnsupported is returned when the node does not answer a query path.
var ErrUnsupported = errors.New("worker: query not supported by the node")

// RPC implements Chain over a CometBFT RPC client (local or HTTP) and the
// app's JSON queries (docs/protocol.md section 6).
type RPC struct {
	c rpcclient.Client

	mu    sync.Mutex
	times map[uint64]int64 // block time cache
}

// NewRPC wraps a CometBFT RPC client.
func NewRPC(c rpcclient.Client) *RPC { return &RPC{c: c, times: map[uint64]int64{}} }

// Client returns the wrapped client.
func (r *RPC) Client() rpcclient.Client { return r.c }

// ErrCatchingUp is returned by Height, with the node's latest local
// height, while the node is block-syncing: its state is behind the chain.
var ErrCatchingUp = errors.New("worker: node is catching up")

// Height implements Chain. While the node is block-syncing it returns
// the latest height the node has applied and ErrCatchingUp.
func (r *RPC) Height(ctx context.Context) (uint64, error) {
	st, err := r.c.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("worker: status: %w", err)
	}
	h := uint64(max(st.SyncInfo.LatestBlockHeight, 0))
	if st.SyncInfo.CatchingUp {
		return h, ErrCatchingUp
	}
	return h, nil
}

// BlockTime implements Chain.
func (r *RPC) BlockTime(ctx context.Context, h uint64) (int64, error) {
	r.mu.Lock()
	t, ok := r.times[h]
	r.mu.Unlock()
	if ok {
		return t, nil
	}
	hh := int64(h)
	res, err := r.c.Header(ctx, &hh)
	if err != nil {
		return 0, fmt.Errorf("worker: header %d: %w", h, err)
	}
	t = res.Header.Time.UnixNano()
	r.mu.Lock()
	if len(r.times) > 4096 {
		clear(r.times)
	}
	r.times[h] = t
	r.mu.Unlock()
	return t, nil
}

// Query runs an ABCI query and returns its JSON value and height.
func (r *RPC) Query(ctx context.Context, path string) ([]byte, uint64, error) {
	res, err := r.c.ABCIQuery(ctx, path, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("worker: query %s: %w", path, err)
	}
	q := res.Response
	if q.Code != 0 {
		switch {
		case strings.Contains(q.Log, "not found"):
			return nil, 0, fmt.Errorf("%w: %s: %s", ErrNotFound, path, q.Log)
		case strings.Contains(q.Log, "unknown path"):
			return nil, 0, fmt.Errorf("%w: %s", ErrUnsupported, path)
		}
		return nil, 0, fmt.Errorf("worker: query %s: code %d: %s", path, q.Code, q.Log)
	}
	return q.Value, uint64(q.Height), nil
}

// Assigned implements Chain. It asks for /assigned/{operator}; a node
// without that path is read source by source (/sources, /rounds/{id}).
func (r *RPC) Assigned(ctx context.Context, operator []byte) (uint64, []*pb.Round, error) {
	op := hex.EncodeToString(operator)
	b, h, err := r.Query(ctx, "/assigned/"+op)
	if errors.Is(err, ErrUnsupported) {
		return r.assignedSlow(ctx, op)
	}
	if err != nil {
		return 0, nil, err
	}
	rounds, err := decodeRounds(b, op)
	return h, rounds, err
}

func (r *RPC) assignedSlow(ctx context.Context, op string) (uint64, []*pb.Round, error) {
	b, h, err := r.Query(ctx, "/sources")
	if err != nil {
		return 0, nil, err
	}
	var srcs []struct {
		ID      string `json:"id"`
		Retired bool   `json:"retired"`
	}
	if err := json.Unmarshal(b, &srcs); err != nil {
		return 0, nil, fmt.Errorf("worker: sources: %w", err)
	}
	var out []*pb.Round
	for _, s := range srcs {
		b, _, err := r.Query(ctx, "/rounds/"+s.ID)
		if err != nil {
			return 0, nil, err
		}
		rs, err := decodeRounds(b, op)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, rs...)
	}
	return h, out, nil
}

// queryJSON decodes the JSON answer of query path into v.
func (r *RPC) queryJSON(ctx context.Context, path string, v any) error {
	b, _, err := r.Query(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("worker: query %s: %w", path, err)
	}
	return nil
}

// Code implements Chain.
func (r *RPC) Code(ctx context.Context, cid string) ([]byte, error) {
	var v struct {
		Wasm []byte `json:"wasm"`
	}
	err := r.queryJSON(ctx, "/code/"+cid, &v)
	return v.Wasm, err
}

// Sequence implements Chain via /account/{address}.
func (r *RPC) Sequence(ctx context.Context, addr []byte) (uint64, error) {
	var v struct {
		Sequence uint64 `json:"sequence"`
	}
	err := r.queryJSON(ctx, "/account/"+hex.EncodeToString(addr), &v)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return v.Sequence, err
}

// MaxBatchEntries implements Chain via /params.
func (r *RPC) MaxBatchEntries(ctx context.Context) (uint32, error) {
	var v struct {
		MaxBatchEntries uint32 `json:"max_batch_entries"`
	}
	err := r.queryJSON(ctx, "/params", &v)
	return v.MaxBatchEntries, err
}

// Broadcast implements Chain with broadcast_tx_sync.
func (r *RPC) Broadcast(ctx context.Context, tx []byte) (TxResult, error) {
	res, err := r.c.BroadcastTxSync(ctx, tx)
	if err != nil {
		return TxResult{}, fmt.Errorf("worker: broadcast: %w", err)
	}
	return TxResult{Code: res.Code, Log: res.Log, Hash: res.Hash}, nil
}

// roundJSON is the app's JSON view of a round (consensus/state RoundView).
type roundJSON struct {
	Source      string `json:"source"`
	Height      uint64 `json:"height"`
	Phase       string `json:"phase"`
	CommitEnd   uint64 `json:"commit_end"`
	RevealStart uint64 `json:"reveal_start"`
	RevealEnd   uint64 `json:"reveal_end"`
	Assignees   []struct {
		Operator string          `json:"operator"`
		Commit   string          `json:"commit"`
		Verdict  json.RawMessage `json:"verdict"`
	} `json:"assignees"`
	Spec struct {
		FetchKind      string      `json:"fetch_kind"`
		FetchConfig    [][2]string `json:"fetch_config"`
		CodeCID        string      `json:"code_cid"`
		Params         string      `json:"params"`
		Every          uint64      `json:"every"`
		WindowSeconds  uint64      `json:"window_seconds"`
		Replicas       uint32      `json:"replicas"`
		GasLimit       uint64      `json:"gas_limit"`
		MaxOutputBytes uint64      `json:"max_output_bytes"`
		MemoryPages    uint32      `json:"memory_pages"`
	} `json:"spec"`
}

// decodeRounds keeps the open rounds that list op and converts them to
// the parts of pb.Round the worker reads. A revealed verdict is marked by
// a non-nil, empty Verdict.
func decodeRounds(b []byte, op string) ([]*pb.Round, error) {
	var views []roundJSON
	if err := json.Unmarshal(b, &views); err != nil {
		return nil, fmt.Errorf("worker: rounds: %w", err)
	}
	var out []*pb.Round
	for _, v := range views {
		phase := pb.Phase(pb.Phase_value["PHASE_"+v.Phase])
		if phase != pb.Phase_PHASE_COMMIT && phase != pb.Phase_PHASE_REVEAL {
			continue
		}
		r, mine, err := v.round(op)
		if err != nil {
			return nil, err
		}
		if mine {
			r.Phase = phase
			out = append(out, r)
		}
	}
	return out, nil
}

func (v *roundJSON) round(op string) (*pb.Round, bool, error) {
	s := v.Spec
	params, err := base64.StdEncoding.DecodeString(s.Params)
	if err != nil {
		return nil, false, fmt.Errorf("worker: round %s/%d params: %w", v.Source, v.Height, err)
	}
	fetch := &pb.FetchSpec{Kind: s.FetchKind}
	for _, kv := range s.FetchConfig {
		fetch.Config = append(fetch.Config, &pb.KeyValue{Key: kv[0], Value: kv[1]})
	}
	r := &pb.Round{Source: v.Source, Height: v.Height, CommitEnd: v.CommitEnd, RevealStart: v.RevealStart, RevealEnd: v.RevealEnd,
		Spec: &pb.SourceSpec{Fetch: fetch, CodeCid: s.CodeCID, Params: params, Every: s.Every, WindowSeconds: s.WindowSeconds,
			Replicas: s.Replicas, GasLimit: s.GasLimit, MaxOutputBytes: s.MaxOutputBytes, MemoryPages: s.MemoryPages}}
	mine := false
	for _, a := range v.Assignees {
		opb, err := hex.DecodeString(a.Operator)
		if err != nil {
			return nil, false, fmt.Errorf("worker: round %s/%d operator: %w", v.Source, v.Height, err)
		}
		pa := &pb.Assignee{Operator: opb}
		pa.Commit, _ = hex.DecodeString(a.Commit)
		if len(a.Verdict) > 0 && string(a.Verdict) != "null" {
			pa.Verdict = &pb.Verdict{}
		}
		mine = mine || a.Operator == op
		r.Assignees = append(r.Assignees, pa)
	}
	return r, mine, nil
}
