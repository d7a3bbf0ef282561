package worker

import (
	"errors"
	"strings"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/runtime/abi"
)

// JobReport is what one job took, handed to Config.OnJob when the job
// returns (the node exports it as metrics; docs/node.md, "Metrics").
// Every label-like field takes values from a fixed set.
type JobReport struct {
	// Source is the job's data source (the node labels per-source series
	// with it only for the sources its operator lists).
	Source string
	// Fetch, Run and Pin are the phases' wall times (zero when the job
	// ended before the phase).
	Fetch, Run, Pin time.Duration
	// Gas is the gas the run used (0 when it did not run).
	Gas uint64
	// Ran is set when the validator program ran (Gas is meaningful).
	Ran bool
	// Status is the verdict journaled: ACCEPTED, REJECTED, FAILED or
	// UNAVAILABLE; "" when the job journaled nothing (stopped, cancelled
	// past its window, or its pin failed).
	Status string
	// Failure says why: for FAILED the kind class (FailureKinds), for
	// UNAVAILABLE or no verdict the phase that failed; "" for ACCEPTED and
	// REJECTED.
	Failure string
}

// FailureKinds are the values of JobReport.Failure other than "".
var FailureKinds = []string{
	"out_of_gas", "output_limit", "memory_limit", "stack_limit", "trap", "other", // FAILED
	"fetch", "run", "window", "chain", "code", "pin", "cancelled", // UNAVAILABLE or no verdict
}

// failClass maps a FAILED kind to its bounded class.
func failClass(kind string) string {
	switch {
	case kind == abi.KindOutOfGas, kind == abi.KindOutputLimit, kind == abi.KindMemoryLimit, kind == abi.KindStackLimit:
		return kind
	case strings.HasPrefix(kind, abi.KindTrapPrefix):
		return "trap"
	}
	return "other"
}

// phaseError marks an UNAVAILABLE cause with the phase that failed.
type phaseError struct {
	phase string
	err   error
}

func (e *phaseError) Error() string { return e.phase + ": " + e.err.Error() }
func (e *phaseError) Unwrap() error { return e.err }

// failPhase is the JobReport.Failure of an UNAVAILABLE cause err.
func failPhase(err error) string {
	if errors.Is(err, errWindowEnds) {
		return "window"
	}
	var pe *phaseError
	if errors.As(err, &pe) {
		return pe.phase
	}
	return "run"
}

// report hands r to Config.OnJob when set.
func (w *Worker) report(r JobReport) {
	if w.cfg.OnJob != nil {
		w.cfg.OnJob(r)
	}
}

// noteCommitted reports, for each round whose commitment of this node the
// chain now holds, the time from its job's start (Config.OnCommitted);
// it forgets jobs whose rounds closed without it.
func (w *Worker) noteCommitted(open map[key]*pb.Round, committed []key, now time.Time) {
	for _, k := range committed {
		if t, ok := w.started[k]; ok {
			if w.cfg.OnCommitted != nil {
				w.cfg.OnCommitted(now.Sub(t))
			}
			delete(w.started, k)
		}
	}
	for k := range w.started {
		if open[k] == nil && !w.plan.sched.has(k) {
			delete(w.started, k)
		}
	}
}
