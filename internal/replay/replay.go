// Package replay re-runs an agreed dataset's round, trusting no node for
// the result: it reads the round's records from the chain (Records), its
// input by CID from any gateway (verified against the CID), runs the
// validator program exactly as a node's worker does (consensus/verdict,
// the code the worker calls) and compares status, output CID and gas
// with the dataset. `assay dataset replay` is its flags and output.
//
// # Example
//
//	rep, err := replay.Replay(ctx, verifier.Records(), // or FromChain(c, addr), trusting
//		replay.Gateway("http://127.0.0.1:26659"), "prices", 42, replay.Options{})
//	// err != nil: it could not run; else rep.Match says whether it agrees
//
// # Notes
//
//   - The records come through the small Records interface: FromChain
//     trusts a node; consumer.Verifier's Records proves each record
//     against the app hash of a light-client verified header (and a
//     block's time from its verified header), so nothing is trusted but
//     the trust root. A record that does not verify stops the replay
//     (ExitNotProven).
//   - A dataset lists every distinct input its attesters revealed (a
//     live source can answer each of them differently): each is replayed
//     and must give the agreed status and output; its gas must be the gas
//     its first attester (by address) revealed, which for the dataset's
//     first attester is the dataset's gas_used.
//   - The runtime is a node's default (memory ceiling, gas ceiling and
//     store-time limits), on the engine Options.Engine names.
package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/verdict"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Records is what a replay reads from the chain. FromChain reads it from
// a node over RPC; a light client can serve records it proved.
type Records interface {
	// Dataset returns the agreed dataset of round (source, round).
	Dataset(ctx context.Context, source string, round uint64) (*pb.Dataset, error)
	// Round returns the round record: its spec and its assignees'
	// revealed verdicts.
	Round(ctx context.Context, source string, round uint64) (*pb.Round, error)
	// Code returns the stored bytes of code CID id (not trusted: the
	// replay checks that they hash to id).
	Code(ctx context.Context, id string) ([]byte, error)
	// BlockTime returns the time of block h in unix nanoseconds.
	BlockTime(ctx context.Context, h uint64) (int64, error)
	// Provenance says where the records came from, for the report
	// ("trusted from NODE", "proven at height H …"), and whether they
	// were proven against light-client verified headers.
	Provenance() (string, bool)
}

// Inputs fetches content by CID and must return only bytes verified
// against it (Gateway does).
type Inputs func(ctx context.Context, id cid.Cid) ([]byte, error)

// Options tune a replay. The zero value replays on the compiler engine.
type Options struct {
	// Engine runs the program (the compiler by default).
	Engine sandbox.Engine
	// Timeout is the wall-clock backstop of one run (default
	// verdict.DefaultTimeout, a node's).
	Timeout time.Duration
}

// Side is one side of a comparison: a verdict's status, output CID and
// gas.
type Side struct {
	Status    string `json:"status"`
	OutputCID string `json:"output_cid"`
	GasUsed   uint64 `json:"gas_used"`
}

// Run is the replay of one input.
type Run struct {
	InputCID string `json:"input_cid"`
	// Attester is the attester whose revealed gas Agreed holds (hex).
	Attester string `json:"attester,omitempty"`
	Agreed   Side   `json:"agreed"`
	Replayed Side   `json:"replayed"`
	// Kind is the FAILED kind of the replay, if it failed.
	Kind string `json:"kind,omitempty"`
	// Differ names the fields that differ: "status", "output_cid",
	// "gas_used"; empty on a match.
	Differ []string `json:"differ"`
	Wall   string   `json:"wall"` // wall time of the run
}

// Report is the outcome of a replay that ran.
type Report struct {
	Source  string `json:"source"`
	Round   uint64 `json:"round"`
	Height  uint64 `json:"height"` // the block that resolved the round
	CodeCID string `json:"code_cid"`
	Engine  string `json:"engine"`
	Runs    []Run  `json:"runs"`
	// Match is true when every run gave the agreed verdict.
	Match bool `json:"match"`
	// Records says where the records came from (Records.Provenance);
	// Proven is true when they were proven, not trusted.
	Records string `json:"records"`
	Proven  bool   `json:"proven"`
}

// ErrCannotRun wraps every reason a replay could not run: a missing
// record, input or code, bytes that do not match their CID, a run with
// no verdict, a record that was not proven (the record source's error is
// wrapped too: consumer.PartOf names what did not verify).
var ErrCannotRun = errors.New("replay: cannot run")

// Replay replays round (source, round): it reads the dataset and round
// records and the code from recs, each input from in, and runs the
// program. An error (ErrCannotRun) means it could not run; otherwise the
// Report says whether every input gave the agreed verdict.
func Replay(ctx context.Context, recs Records, in Inputs, source string, round uint64, o Options) (Report, error) {
	from := func() Report {
		rep := Report{Source: source, Round: round, Engine: o.Engine.String(), Runs: []Run{}}
		rep.Records, rep.Proven = recs.Provenance()
		return rep
	}
	fail := func(format string, a ...any) (Report, error) {
		return from(), fmt.Errorf("%w: %w", ErrCannotRun, fmt.Errorf(format, a...))
	}
	ds, err := recs.Dataset(ctx, source, round)
	if err != nil {
		return fail("dataset %s/%d: %w", source, round, err)
	}
	r, err := recs.Round(ctx, source, round)
	if err != nil {
		return fail("round %s/%d: %w", source, round, err)
	}
	if ds.GetSource() != source || ds.GetRound() != round || r.GetSource() != source || r.GetRound() != round {
		return fail("records of %s/%d name dataset %s/%d and round %s/%d", source, round, ds.GetSource(), ds.GetRound(), r.GetSource(), r.GetRound())
	}
	if len(ds.GetInputCids()) == 0 || len(ds.GetAttesters()) == 0 {
		return fail("dataset %s/%d names no input or no attester", source, round)
	}
	when, err := recs.BlockTime(ctx, round)
	if err != nil {
		return fail("time of block %d: %w", round, err)
	}
	codeID := r.GetSpec().GetCodeCid()
	wasm, err := recs.Code(ctx, codeID)
	if err != nil {
		return fail("code %s: %w", codeID, err)
	}
	rt, err := sandbox.New(ctx, sandbox.Config{Engine: o.Engine})
	if err != nil {
		return fail("sandbox: %v", err)
	}
	defer rt.Close(context.Background())
	code, err := verdict.Code(ctx, rt, codeID, wasm)
	if err != nil {
		return fail("%v", err)
	}
	rep := from()
	rep.Height, rep.CodeCID, rep.Match = ds.GetHeight(), codeID, true
	for _, raw := range ds.GetInputCids() {
		run, err := replayInput(ctx, rt, code, in, r, ds, raw, when, o)
		if err != nil {
			return from(), err
		}
		rep.Match = rep.Match && len(run.Differ) == 0
		rep.Runs = append(rep.Runs, run)
	}
	return rep, nil
}

// replayInput fetches the input raw names, runs round r over it and
// compares the verdict with the dataset's.
func replayInput(ctx context.Context, rt *sandbox.Runtime, code *sandbox.Code, in Inputs, r *pb.Round, ds *pb.Dataset, raw []byte, when int64, o Options) (Run, error) {
	id, err := cid.Cast(raw)
	if err != nil {
		return Run{}, fmt.Errorf("%w: dataset input CID %x: %v", ErrCannotRun, raw, err)
	}
	input, err := in(ctx, id)
	if err != nil {
		return Run{}, fmt.Errorf("%w: input %s: %v", ErrCannotRun, id, err)
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = verdict.DefaultTimeout
	}
	res := verdict.Run(ctx, rt, code, r, input, when, timeout)
	v, err := verdict.Of(ctx, verdict.Sum, input, res)
	if err != nil {
		return Run{}, fmt.Errorf("%w: input %s: %v", ErrCannotRun, id, err)
	}
	if !bytes.Equal(v.InputCid, raw) {
		return Run{}, fmt.Errorf("%w: input %s: the fetched bytes are %s", ErrCannotRun, id, cidString(v.InputCid))
	}
	att, gas := agreedGas(r, ds, raw)
	run := Run{
		InputCID: id.String(), Attester: fmt.Sprintf("%x", att),
		Agreed:   Side{abi.Status(ds.GetStatus()).String(), cidString(ds.GetOutputCid()), gas},
		Replayed: Side{abi.Status(v.Status).String(), cidString(v.OutputCid), v.GasUsed},
		Kind:     res.Kind, Differ: []string{}, Wall: res.Wall.String(),
	}
	if run.Agreed.Status != run.Replayed.Status {
		run.Differ = append(run.Differ, "status")
	}
	if run.Agreed.OutputCID != run.Replayed.OutputCID {
		run.Differ = append(run.Differ, "output_cid")
	}
	if run.Agreed.GasUsed != run.Replayed.GasUsed {
		run.Differ = append(run.Differ, "gas_used")
	}
	return run, nil
}

// agreedGas is the gas agreed for input raw: the dataset's gas_used when
// its first attester revealed that input, else the gas revealed by the
// first attester (by address; the dataset lists them sorted) whose
// revealed verdict names it. With no such attester in the round record
// it is the dataset's.
func agreedGas(r *pb.Round, ds *pb.Dataset, raw []byte) ([]byte, uint64) {
	revealed := map[string]*pb.Verdict{}
	for _, a := range r.GetAssignees() {
		if a.GetVerdict() != nil {
			revealed[string(a.GetOperator())] = a.GetVerdict()
		}
	}
	first := ds.GetAttesters()[0]
	for i, att := range ds.GetAttesters() {
		v := revealed[string(att)]
		if v == nil || !bytes.Equal(v.GetInputCid(), raw) {
			continue
		}
		if i == 0 {
			return att, ds.GetGasUsed()
		}
		return att, v.GetGasUsed()
	}
	return first, ds.GetGasUsed()
}

// cidString prints a CID's bytes, or their hex when they are no CID.
func cidString(b []byte) string {
	c, err := cid.Cast(b)
	if err != nil {
		return fmt.Sprintf("%x", b)
	}
	return c.String()
}
