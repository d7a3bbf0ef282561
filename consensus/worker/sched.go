package worker

import (
	"cmp"
	"slices"
	"time"

	"github.com/assaynet/assay/consensus/pb"
)

// scheduler decides which queued jobs take the worker's slots, so that one
// slow source cannot cost another its rounds:
//
//   - jobs wait in deadline order: commit_end, then the chain's (height,
//     source) order, so that every node works through a backlog alike;
//   - a source holds at most its fair share of the slots (fairShare);
//   - a job that can no longer commit (height + 1 > commit_end) is dropped
//     from the queue or, when running, marked cancelled; its slot is free
//     once the job returns.
//
// It is part of the planner (plan.go): pure, with no contexts, clock or
// goroutines (the loop holds each running job's context), and not safe
// for concurrent use.
type scheduler struct {
	slots   int
	share   int         // most slots one source may hold
	queue   []*pb.Round // waiting, in deadline order
	running map[key]*slot
	pending map[key]bool // the keys of queue and running
}

// slot is a running job.
type slot struct {
	commitEnd uint64
	cancelled bool
}

func newScheduler(slots int) *scheduler {
	return &scheduler{slots: slots, share: slots, running: map[key]*slot{}, pending: map[key]bool{}}
}

// fairShare is the most slots one of n competing sources may hold:
// slots / n, at least 1.
func fairShare(slots, n int) int {
	return max(1, slots/max(1, n))
}

// deadlineOrder orders jobs by commit_end, then height, then source.
func deadlineOrder(a, b *pb.Round) int {
	return cmp.Or(cmp.Compare(a.CommitEnd, b.CommitEnd), cmp.Compare(a.Round, b.Round), cmp.Compare(a.Source, b.Source))
}

// add queues rs.
func (s *scheduler) add(rs ...*pb.Round) {
	for _, r := range rs {
		s.pending[key{r.Source, r.Round}] = true
	}
	s.queue = append(s.queue, rs...)
	slices.SortFunc(s.queue, deadlineOrder)
}

// setShare sets each source's share from the rounds open to this node:
// the competing sources are those with an open round or a job queued or
// running, so a source keeps its share while its next round is due.
func (s *scheduler) setShare(open []*pb.Round) {
	sources := map[string]struct{}{}
	for _, r := range open {
		sources[r.Source] = struct{}{}
	}
	for _, r := range s.queue {
		sources[r.Source] = struct{}{}
	}
	for k := range s.running {
		sources[k.source] = struct{}{}
	}
	s.share = fairShare(s.slots, len(sources))
}

// holding counts the slots source holds.
func (s *scheduler) holding(source string) int {
	n := 0
	for k := range s.running {
		if k.source == source {
			n++
		}
	}
	return n
}

// next takes the first queued job whose source holds less than its share,
// if a slot is free, and marks it running. It returns nil when nothing
// may start.
func (s *scheduler) next() *pb.Round {
	if len(s.running) >= s.slots {
		return nil
	}
	for i, r := range s.queue {
		if s.holding(r.Source) >= s.share {
			continue
		}
		s.queue = slices.Delete(s.queue, i, i+1)
		s.running[key{r.Source, r.Round}] = &slot{commitEnd: r.CommitEnd}
		return r
	}
	return nil
}

// expire removes the queued jobs and marks cancelled the running ones that
// can no longer commit once height is committed (height + 1 >
// commit_end), and returns their keys (dropped in deadline order,
// cancelled in (source, round) order), each once; the caller cancels the
// running ones. A cancelled job keeps its slot until finish.
func (s *scheduler) expire(height uint64) (dropped, cancelled []key) {
	s.queue = slices.DeleteFunc(s.queue, func(r *pb.Round) bool {
		if late(height, r.CommitEnd) {
			k := key{r.Source, r.Round}
			delete(s.pending, k)
			dropped = append(dropped, k)
			return true
		}
		return false
	})
	for k, sl := range s.running {
		if !sl.cancelled && late(height, sl.commitEnd) {
			sl.cancelled = true
			cancelled = append(cancelled, k)
		}
	}
	slices.SortFunc(cancelled, entryCompare)
	return dropped, cancelled
}

// late reports whether a commit sent once height is committed can no
// longer land: the next block, height + 1, is past commitEnd.
func late(height, commitEnd uint64) bool { return height+1 > commitEnd }

// finish frees k's slot (nothing when k was not running).
func (s *scheduler) finish(k key) {
	if _, ok := s.running[k]; !ok {
		return
	}
	delete(s.running, k)
	delete(s.pending, k)
}

// has reports whether k is queued or running.
func (s *scheduler) has(k key) bool { return s.pending[k] }

// size is the number of jobs queued or running.
func (s *scheduler) size() int { return len(s.pending) }

// entryCompare orders keys by (source, round).
func entryCompare(a, b key) int {
	return cmp.Or(cmp.Compare(a.source, b.source), cmp.Compare(a.round, b.round))
}

// Bounds of the block interval estimate.
const (
	// defaultBlockInterval is assumed until the worker has seen two
	// blocks: CometBFT's default timeout_commit.
	defaultBlockInterval = time.Second
	minBlockInterval     = 10 * time.Millisecond
	maxBlockInterval     = time.Minute
)

// blockClock estimates when blocks will be committed from the heights the
// worker has seen and when it saw them. It is part of the planner; the
// times come in as arguments.
type blockClock struct {
	height   uint64
	seen     time.Time     // when height was first seen
	interval time.Duration // moving average; 0 until measured
}

// observe records that height h was first seen at now. Each sample is the
// time since the last height seen over the blocks in between, clamped to
// [minBlockInterval, maxBlockInterval]; the estimate moves a quarter of
// the way to each sample.
func (c *blockClock) observe(h uint64, now time.Time) {
	if h <= c.height {
		return
	}
	if !c.seen.IsZero() {
		sample := now.Sub(c.seen) / time.Duration(min(h-c.height, 1<<20))
		sample = min(max(sample, minBlockInterval), maxBlockInterval)
		if c.interval == 0 {
			c.interval = sample
		} else {
			c.interval += (sample - c.interval) / 4
		}
	}
	c.height, c.seen = h, now
}

// blockInterval is the estimated time between blocks.
func (c *blockClock) blockInterval() time.Duration {
	if c.interval == 0 {
		return defaultBlockInterval
	}
	return c.interval
}

// deadline is when a job whose commit must land by block commitEnd has to
// have its verdict: when block commitEnd is expected, less one block
// interval to journal the verdict, build and send the commit tx and get it
// to the proposer before it builds that block. (Half an interval was too
// little on a loaded machine: a synced journal write and the send took
// over 200 ms and the commit missed its block.) It is the zero time before
// any block has been seen.
func (c *blockClock) deadline(commitEnd uint64) time.Time {
	if c.seen.IsZero() {
		return time.Time{}
	}
	iv := c.blockInterval()
	var n uint64
	if commitEnd > c.height {
		n = min(commitEnd-c.height, 1<<20)
	}
	return c.seen.Add(time.Duration(n)*iv - iv)
}
