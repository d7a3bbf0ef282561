package worker

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/abi"
)

// TestJobReports: a worker on the in-memory chain reports each job's
// phases, gas and ACCEPTED verdict (OnJob) and, once the chain holds its
// commitment, the job's commit latency (OnCommitted).
func TestJobReports(t *testing.T) {
	f := newFixture(t, 1, 1)
	w := f.newWorker(0, t.TempDir(), FaultNone)
	var mu sync.Mutex
	var jobs []JobReport
	var lat []time.Duration
	w.cfg.OnJob = func(r JobReport) { mu.Lock(); jobs = append(jobs, r); mu.Unlock() }
	w.cfg.OnCommitted = func(d time.Duration) { mu.Lock(); lat = append(lat, d); mu.Unlock() }
	stop := start(w)
	defer stop()
	ok := f.until(40, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(jobs) >= 2 && len(lat) >= 2
	})
	mu.Lock()
	gotJobs, gotLat := slices.Clone(jobs), slices.Clone(lat) // before stop cancels the jobs in flight
	mu.Unlock()
	stop()
	if !ok {
		t.Fatalf("after 40 blocks: %d job reports, %d commit latencies", len(gotJobs), len(gotLat))
	}
	for _, r := range gotJobs {
		if r.Status != "ACCEPTED" || r.Failure != "" || !r.Ran || r.Gas == 0 || r.Fetch <= 0 || r.Run <= 0 || r.Pin <= 0 ||
			(r.Source != "prices" && r.Source != "aaa") {
			t.Errorf("report %+v: want an ACCEPTED job of a fixture source with every phase timed and gas", r)
		}
	}
	for _, d := range gotLat {
		if d <= 0 || d > time.Minute {
			t.Errorf("commit latency %v", d)
		}
	}
}

// TestFailureKinds: FAILED kinds map to a bounded class and UNAVAILABLE
// causes to the phase that failed; every value is in FailureKinds.
func TestFailureKinds(t *testing.T) {
	known := map[string]bool{}
	for _, k := range FailureKinds {
		known[k] = true
	}
	for _, tc := range []struct{ got, want string }{
		{failClass(abi.KindOutOfGas), "out_of_gas"},
		{failClass(abi.KindStackLimit), "stack_limit"},
		{failClass(abi.KindTrapPrefix + "unreachable"), "trap"},
		{failClass("something new"), "other"},
		{failPhase(&phaseError{"fetch", errors.New("x")}), "fetch"},
		{failPhase(errors.Join(errWindowEnds, &phaseError{"fetch", context.DeadlineExceeded})), "window"},
		{failPhase(errors.New("run: trap")), "run"},
	} {
		if tc.got != tc.want || !known[tc.got] {
			t.Errorf("got %q, want %q (in FailureKinds)", tc.got, tc.want)
		}
	}
}
