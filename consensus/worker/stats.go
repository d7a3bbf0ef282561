package worker

import "sync/atomic"

// Stats are the worker's counters since it started.
type Stats struct {
	Height      uint64 // last committed height seen
	Jobs        uint64 // validator runs
	Unavailable uint64 // jobs that ended UNAVAILABLE
	FetchFailed uint64 // fetches that failed
	Dropped     uint64 // jobs dropped because their commit window passed
	Cancelled   uint64 // of Dropped, those cancelled while running
	Commits     uint64 // commit entries sent
	Reveals     uint64 // reveal entries sent
	Rejected    uint64 // txs the mempool refused
}

type counters struct {
	height, jobs, unavailable, fetchFailed, dropped, cancelled, commits, reveals, rejected atomic.Uint64
}

// Stats returns a snapshot of the counters. It is safe to call from any
// goroutine.
func (w *Worker) Stats() Stats {
	c := &w.stats
	return Stats{
		Height: c.height.Load(), Jobs: c.jobs.Load(), Unavailable: c.unavailable.Load(),
		FetchFailed: c.fetchFailed.Load(), Dropped: c.dropped.Load(), Cancelled: c.cancelled.Load(), Commits: c.commits.Load(),
		Reveals: c.reveals.Load(), Rejected: c.rejected.Load(),
	}
}
