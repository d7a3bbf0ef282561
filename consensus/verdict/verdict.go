// Package verdict is how a round's job is run and named: the code a round
// names, loaded and checked against its code CID; the sandbox job that a
// round's spec and block make; and the verdict as it is committed, with
// its input and output CIDs. A node's worker (consensus/worker) and
// `assay dataset replay` (internal/replay) both call it, so a replay runs
// a program exactly as the worker did.
//
// # Example
//
//	code, err := verdict.Code(ctx, rt, r.Spec.CodeCid, wasm) // wasm read from the chain
//	res := verdict.Run(ctx, rt, code, r, input, blockTime, verdict.DefaultTimeout)
//	v, err := verdict.Of(ctx, verdict.Sum, input, res) // or verdict.Pinned(store, …)
//
// # Notes
//
//   - The result is a pure function of the code, the input and the
//     round (source, round id, params, gas limit, memory pages, output
//     limit) and the time of the round's block (docs/abi.md, "Running a
//     job"). The timeout is a node's backstop, never part of a verdict.
//   - An UNAVAILABLE result is no verdict: Of refuses it.
package verdict

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// DefaultTimeout is the wall-clock backstop of one run (a node's
// worker.DefaultJobTimeout).
const DefaultTimeout = 30 * time.Second

// ErrCodeMismatch means code bytes read for a code CID are another
// module's.
var ErrCodeMismatch = errors.New("verdict: code bytes do not match the code CID")

// ErrUnavailable means a run gave no verdict (UNAVAILABLE).
var ErrUnavailable = errors.New("verdict: no verdict (UNAVAILABLE)")

// Code stores wasm, the bytes read for code CID id, in rt and checks that
// they are that code: their CIDv1 (docs/protocol.md section 8, computed
// by the sandbox as it stores them) must be id. A mismatch is
// ErrCodeMismatch.
func Code(ctx context.Context, rt *sandbox.Runtime, id string, wasm []byte) (*sandbox.Code, error) {
	c, err := rt.Store(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("store code %s: %w", id, err)
	}
	if got := c.CID.String(); got != id {
		return nil, fmt.Errorf("code %s: %w: the bytes are %s", id, ErrCodeMismatch, got)
	}
	return c, nil
}

// Job is the sandbox job of round r over input: the round's source, id
// (its block height) and spec, and blockTime, the time of the round's
// block in unix nanoseconds.
func Job(r *pb.Round, input []byte, blockTime int64, timeout time.Duration) sandbox.Job {
	sp := r.GetSpec()
	return sandbox.Job{
		Source: r.GetSource(), Input: input, Params: sp.GetParams(),
		Height: int64(r.GetRound()), Time: blockTime,
		GasLimit: sp.GetGasLimit(), MaxOutput: int(sp.GetMaxOutputBytes()),
		MemoryPages: sp.GetMemoryPages(), Timeout: timeout,
	}
}

// Run runs round r's job (Job) over input with code in rt.
func Run(ctx context.Context, rt *sandbox.Runtime, code *sandbox.Code, r *pb.Round, input []byte, blockTime int64, timeout time.Duration) sandbox.Result {
	return rt.Run(ctx, code, Job(r, input, blockTime, timeout))
}

// Namer names content by its CID (docs/protocol.md section 8); part is
// "input" or "output". A node pins as it names (a pin store's
// AddPinned); Sum names without storing.
type Namer func(ctx context.Context, content []byte, part string) (cid.Cid, error)

// Sum is the Namer that stores nothing: pin.SumBytes, the CID a pin
// store's Add gives the same bytes.
func Sum(_ context.Context, content []byte, _ string) (cid.Cid, error) {
	return pin.SumBytes(content)
}

// Pinned is the Namer that adds content to s pinned under
// "assay/SOURCE/ROUND/PART", as a node's worker does.
func Pinned(s *pin.Store, source string, round uint64) Namer {
	return func(ctx context.Context, content []byte, part string) (cid.Cid, error) {
		return s.AddPinned(ctx, bytes.NewReader(content), fmt.Sprintf("assay/%s/%d/%s", source, round, part))
	}
}

// Of is the verdict of res, a run over input, as a node commits
// it: status, gas, and the CIDs name gives the input and
// the output bytes. An UNAVAILABLE res is ErrUnavailable.
func Of(ctx context.Context, name Namer, input []byte, res sandbox.Result) (*pb.Verdict, error) {
	if res.Status == abi.StatusUnavailable {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, res.Err)
	}
	in, err := name(ctx, input, "input")
	if err != nil {
		return nil, fmt.Errorf("verdict: name input: %w", err)
	}
	out, err := name(ctx, res.Output, "output")
	if err != nil {
		return nil, fmt.Errorf("verdict: name output: %w", err)
	}
	return &pb.Verdict{Status: uint32(res.Status), OutputCid: out.Bytes(), InputCid: in.Bytes(), GasUsed: res.GasUsed}, nil
}
