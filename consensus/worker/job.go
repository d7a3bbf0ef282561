package worker

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/consensus/verdict"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/spec"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Fetcher gets a round's input; *plugins.Manager implements it.
type Fetcher interface {
	Fetch(ctx context.Context, spec plugins.FetchSpec, r plugins.Round) ([]byte, error)
}

// executeBy runs one assignment to a journaled entry: fetch, pin input,
// run, pin output, salt, journal. Fetch and run must end by deadline
// (none when zero), the time the verdict is due for its commit to land in
// the round's commit window; past it the verdict is UNAVAILABLE.
func (w *Worker) executeBy(ctx context.Context, r *pb.Round, deadline time.Time) (Entry, error) {
	e := Entry{Source: r.Source, Round: r.Round, Status: uint32(abi.StatusUnavailable)}
	rep := JobReport{Source: r.Source}
	defer func() { w.report(rep) }()
	res, in, err := w.validateBy(ctx, r, deadline, &rep)
	if ctx.Err() != nil {
		// Stopping, or cancelled because the commit window passed: journal
		// nothing, so a restart runs the job again instead of committing
		// an UNAVAILABLE caused by the shutdown.
		rep.Failure = "cancelled"
		return Entry{}, ctx.Err()
	}
	if err != nil {
		w.log.Warn("job unavailable", "source", r.Source, "round", r.Round, "err", err)
		w.stats.unavailable.Add(1)
		rep.Status, rep.Failure = abi.StatusUnavailable.String(), failPhase(err)
	} else {
		t := time.Now()
		e, err = w.pinVerdict(ctx, r, in, res)
		rep.Pin = time.Since(t)
		if err != nil {
			rep.Failure = "pin"
			return Entry{}, err
		}
		rep.Status = res.Status.String()
		if res.Status == abi.StatusFailed {
			rep.Failure = failClass(res.Kind)
		}
	}
	e.Salt = make([]byte, tx.SaltLen)
	if _, err := rand.Read(e.Salt); err != nil {
		return Entry{}, fmt.Errorf("worker: salt: %w", err)
	}
	return w.cfg.Journal.Put(e)
}

// validateBy is validate bounded by deadline (none when zero).
func (w *Worker) validateBy(ctx context.Context, r *pb.Round, deadline time.Time, rep *JobReport) (sandbox.Result, []byte, error) {
	if deadline.IsZero() {
		return w.validate(ctx, r, rep)
	}
	ctx, cancel := context.WithDeadlineCause(ctx, deadline, errWindowEnds)
	defer cancel()
	res, in, err := w.validate(ctx, r, rep)
	if err != nil && context.Cause(ctx) == errWindowEnds && !errors.Is(err, errWindowEnds) {
		err = fmt.Errorf("%w: %w", errWindowEnds, err)
	}
	return res, in, err
}

// errWindowEnds marks a fetch or run cut short so that its verdict can
// still be committed.
var errWindowEnds = errors.New("the round's commit window ends")

// validate fetches the input and runs the validator program; an error means the
// verdict is UNAVAILABLE. It records the phases' times in rep.
func (w *Worker) validate(ctx context.Context, r *pb.Round, rep *JobReport) (sandbox.Result, []byte, error) {
	sp := r.GetSpec()
	when, err := w.cfg.Chain.BlockTime(ctx, r.Round)
	if err != nil {
		return sandbox.Result{}, nil, &phaseError{"chain", fmt.Errorf("block time: %w", err)}
	}
	fs, err := spec.FromPB(sp.GetFetch())
	if err != nil {
		return sandbox.Result{}, nil, &phaseError{"fetch", err}
	}
	round := plugins.Round{Source: r.Source, Height: int64(r.Round), Time: when, Window: int64(sp.GetWindowSeconds())}
	t := time.Now()
	input, err := w.cfg.Fetcher.Fetch(ctx, fs, round)
	rep.Fetch = time.Since(t)
	if err != nil {
		w.stats.fetchFailed.Add(1)
		return sandbox.Result{}, nil, &phaseError{"fetch", fmt.Errorf("fetch: %w", err)}
	}
	code, err := w.code(ctx, sp.GetCodeCid())
	if err != nil {
		return sandbox.Result{}, nil, &phaseError{"code", err}
	}
	t = time.Now()
	res := verdict.Run(ctx, w.cfg.Runtime, code, r, input, when, w.cfg.JobTimeout)
	rep.Run, rep.Ran, rep.Gas = time.Since(t), true, res.GasUsed
	w.stats.jobs.Add(1)
	if res.Status == abi.StatusUnavailable {
		return res, nil, fmt.Errorf("run: %w", res.Err)
	}
	return res, input, nil
}

// pinVerdict pins input and output and returns the entry without salt.
func (w *Worker) pinVerdict(ctx context.Context, r *pb.Round, input []byte, res sandbox.Result) (Entry, error) {
	if w.cfg.Fault == FaultWrongOutput {
		res.Output = wrongOutput(res.Output)
	}
	v, err := verdict.Of(ctx, verdict.Pinned(w.cfg.Store, r.Source, r.Round), input, res)
	if err != nil {
		return Entry{}, fmt.Errorf("worker: pin: %w", err)
	}
	return Entry{
		Source: r.Source, Round: r.Round, Status: v.Status,
		OutputCID: v.OutputCid, InputCID: v.InputCid, GasUsed: v.GasUsed,
	}, nil
}

// code returns the compiled code of cid, reading it from the chain the
// first time.
func (w *Worker) code(ctx context.Context, cid string) (*sandbox.Code, error) {
	w.codeMu.Lock()
	defer w.codeMu.Unlock()
	if c, ok := w.codes[cid]; ok {
		return c, nil
	}
	wasm, err := w.cfg.Chain.Code(ctx, cid)
	if err != nil {
		return nil, fmt.Errorf("code %s: %w", cid, err)
	}
	c, err := verdict.Code(ctx, w.cfg.Runtime, cid, wasm)
	if err != nil {
		return nil, err
	}
	w.codes[cid] = c
	return c, nil
}

// verdictOf is the chain form of a journaled entry.
func verdictOf(e Entry) *pb.Verdict {
	return &pb.Verdict{Status: e.Status, OutputCid: e.OutputCID, InputCid: e.InputCID, GasUsed: e.GasUsed}
}
