package worker

import (
	"context"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/runtime/abi"
)

func rnd(source string, height, commitEnd uint64) *pb.Round {
	return &pb.Round{Source: source, Round: height, CommitEnd: commitEnd}
}

// drain takes jobs from s until it refuses one and returns their keys.
func drain(s *scheduler) []key {
	var got []key
	for i := 0; i < 100; i++ {
		r := s.next()
		if r == nil {
			break
		}
		got = append(got, key{r.Source, r.Round})
	}
	return got
}

func sameKeys(a, b []key) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFairShare(t *testing.T) {
	for _, c := range []struct{ slots, n, want int }{
		{4, 0, 4}, {4, 1, 4}, {4, 2, 2}, {4, 3, 1}, {4, 4, 1}, {4, 1000, 1}, {32, 3, 10}, {1, 2, 1},
	} {
		if got := fairShare(c.slots, c.n); got != c.want {
			t.Errorf("fairShare(%d, %d) = %d, want %d", c.slots, c.n, got, c.want)
		}
	}
}

// TestScheduleOrder: jobs start by commit_end, then height, then source,
// whatever order they were queued in.
func TestScheduleOrder(t *testing.T) {
	s := newScheduler(10)
	s.add(rnd("b", 3, 7), rnd("a", 4, 7))
	s.add(rnd("c", 2, 9), rnd("a", 3, 7), rnd("z", 1, 5))
	want := []key{{"z", 1}, {"a", 3}, {"b", 3}, {"a", 4}, {"c", 2}}
	if got := drain(s); !sameKeys(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// TestScheduleFairShare: a source with many due jobs takes at most its
// share of the slots, however early its deadlines; another source's job
// takes a free slot; a finished job frees its source's slot.
func TestScheduleFairShare(t *testing.T) {
	s := newScheduler(4)
	for h := uint64(1); h <= 6; h++ {
		s.add(rnd("slow", h, h+4))
	}
	s.add(rnd("fast", 6, 10))
	s.setShare([]*pb.Round{rnd("slow", 1, 5), rnd("fast", 6, 10)})
	if s.share != 2 {
		t.Fatalf("share %d, want 2 of 4 slots for 2 sources", s.share)
	}
	if got, want := drain(s), []key{{"slow", 1}, {"slow", 2}, {"fast", 6}}; !sameKeys(got, want) {
		t.Fatalf("started %v, want %v", got, want)
	}
	// One slot is free, but slow holds its share: it waits.
	if got := drain(s); len(got) != 0 {
		t.Fatalf("started %v past slow's share", got)
	}
	s.finish(key{"slow", 1})
	if got, want := drain(s), []key{{"slow", 3}}; !sameKeys(got, want) {
		t.Fatalf("after a slow job finished: started %v, want %v", got, want)
	}
	s.finish(key{"fast", 6})
	s.setShare(nil) // only slow competes now: it may take every slot
	if got, want := drain(s), []key{{"slow", 4}, {"slow", 5}}; !sameKeys(got, want) {
		t.Fatalf("slow alone: started %v, want %v", got, want)
	}
	if len(s.running) != 4 {
		t.Fatalf("%d running, want all 4 slots", len(s.running))
	}
}

// TestScheduleExpire: at a new height, queued jobs that can no longer
// commit are dropped and running ones marked cancelled (once); a
// cancelled job holds its slot until it finishes.
func TestScheduleExpire(t *testing.T) {
	s := newScheduler(2)
	s.add(rnd("a", 1, 5), rnd("b", 2, 6), rnd("c", 1, 5), rnd("d", 3, 7))
	for i := 0; i < 2; i++ {
		s.next()
	}
	// running: a/1 (end 5), c/1 (end 5); queued: b/2 (end 6), d/3 (end 7)
	dropped, cancelled := s.expire(4)
	if len(dropped)+len(cancelled) != 0 {
		t.Fatalf("at height 4: dropped %v, cancelled %v; every window is open", dropped, cancelled)
	}
	s.finish(key{"c", 1})
	if r := s.next(); r == nil || r.Source != "b" {
		t.Fatalf("next = %v, want b/2", r)
	}
	// height 5: a/1 and c/1 ended at 5 (a is running), b/2 (running) and d/3 remain
	dropped, cancelled = s.expire(5)
	if len(dropped) != 0 || !sameKeys(cancelled, []key{{"a", 1}}) {
		t.Fatalf("at height 5: dropped %v, cancelled %v, want a/1 cancelled", dropped, cancelled)
	}
	if r := s.next(); r != nil {
		t.Fatalf("started %s/%d while a cancelled job holds its slot", r.Source, r.Round)
	}
	if _, again := s.expire(5); len(again) != 0 {
		t.Fatalf("cancelled again: %v", again)
	}
	s.finish(key{"a", 1})
	dropped, cancelled = s.expire(6)
	if !sameKeys(cancelled, []key{{"b", 2}}) || len(dropped) != 0 {
		t.Fatalf("at height 6: dropped %v, cancelled %v, want b/2 cancelled", dropped, cancelled)
	}
	dropped, _ = s.expire(7)
	if !sameKeys(dropped, []key{{"d", 3}}) || len(s.queue) != 0 {
		t.Fatalf("at height 7: dropped %v, queue %d, want d/3 dropped", dropped, len(s.queue))
	}
}

func TestBlockClock(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var c blockClock
	if !c.deadline(10).IsZero() {
		t.Fatal("a deadline before any block was seen")
	}
	c.observe(5, t0)
	if c.blockInterval() != defaultBlockInterval {
		t.Fatalf("interval %v before a second block, want the default %v", c.blockInterval(), defaultBlockInterval)
	}
	// window ends at 9: 4 blocks of 1 s after t0, less a block
	if got, want := c.deadline(9), t0.Add(3000*time.Millisecond); !got.Equal(want) {
		t.Fatalf("deadline %v, want %v", got, want)
	}
	steps := []struct {
		h    uint64
		at   time.Duration // since t0
		want time.Duration // interval after
	}{
		{7, 400 * time.Millisecond, 200 * time.Millisecond},                                // first sample: 400 ms over 2 blocks
		{7, 900 * time.Millisecond, 200 * time.Millisecond},                                // same height: ignored
		{8, 1000 * time.Millisecond, 300 * time.Millisecond},                               // 200 + (600 − 200)/4
		{9, 1001 * time.Millisecond, 227500 * time.Microsecond},                            // sample 1 ms → floor 10 ms: 300 + (10 − 300)/4
		{10, time.Hour, 227500*time.Microsecond + (time.Minute-227500*time.Microsecond)/4}, // sample → ceiling 1 min
	}
	for _, s := range steps {
		c.observe(s.h, t0.Add(s.at))
		if c.blockInterval() != s.want {
			t.Fatalf("after height %d at %v: interval %v, want %v", s.h, s.at, c.blockInterval(), s.want)
		}
	}
	iv := c.blockInterval()
	if got, want := c.deadline(11), t0.Add(time.Hour); !got.Equal(want) {
		t.Fatalf("deadline of the next block %v, want %v", got, want)
	}
	if got, want := c.deadline(10), t0.Add(time.Hour-iv); !got.Equal(want) {
		t.Fatalf("deadline of a window ending now %v, want %v", got, want)
	}
}

// hangFetcher never answers: it reports each fetch on started and waits
// for its context.
type hangFetcher struct{ started chan plugins.Round }

func (f hangFetcher) Fetch(ctx context.Context, _ plugins.FetchSpec, r plugins.Round) ([]byte, error) {
	f.started <- r
	<-ctx.Done()
	return nil, context.Cause(ctx)
}

// TestJobCancelledFreesSlot drives the worker's loop by hand: a job
// whose fetch hangs is cancelled at the block after its commit window,
// journals nothing, and its slot goes to the next job.
func TestJobCancelledFreesSlot(t *testing.T) {
	f := newFixture(t, 1, 1)
	for i := 0; i < 4; i++ {
		f.chain.block()
	}
	w := f.newWorker(0, t.TempDir(), FaultNone)
	hang := hangFetcher{started: make(chan plugins.Round, 8)}
	w.cfg.Fetcher = hang
	w.plan.sched = newScheduler(1)
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); w.wg.Wait() }()
	h, rounds, err := f.chain.Assigned(ctx, w.operator)
	if err != nil || len(rounds) < 2 {
		t.Fatalf("want two open rounds: %v, %d", err, len(rounds))
	}
	first := rounds[0]
	// the clock an hour ahead: the job's own deadline is far off, so only
	// the cancellation can end it
	later := time.Now().Add(time.Hour)
	w.do(ctx, w.plan.step(chainView{Height: h, Rounds: rounds}, w.cfg.Journal, later))
	if r := <-hang.started; r.Source != first.Source || uint64(r.Height) != first.Round {
		t.Fatalf("first job %s/%d, want %s/%d", r.Source, r.Height, first.Source, first.Round)
	}
	// the block where its commit can no longer land
	w.do(ctx, w.plan.step(chainView{Height: first.CommitEnd, Rounds: rounds}, w.cfg.Journal, later))
	k := <-w.done
	if k != (key{first.Source, first.Round}) {
		t.Fatalf("job %v returned, want %s/%d", k, first.Source, first.Round)
	}
	w.finish(ctx, k)
	if _, ok := w.cfg.Journal.Get(first.Source, first.Round); ok {
		t.Fatal("a cancelled job journaled an entry")
	}
	if w.Stats().Dropped == 0 {
		t.Fatal("the cancelled job was not counted as dropped")
	}
	second := rounds[1] // its window ends a block later
	if r := <-hang.started; r.Source != second.Source || uint64(r.Height) != second.Round {
		t.Fatalf("next job %s/%d, want %s/%d", r.Source, r.Height, second.Source, second.Round)
	}
}

// TestDeadlineCommitsUnavailable: a fetch still hanging at the job's
// deadline ends the job with an UNAVAILABLE entry, which can still be
// committed, rather than with nothing.
func TestDeadlineCommitsUnavailable(t *testing.T) {
	f := newFixture(t, 1, 1)
	for i := 0; i < 3; i++ {
		f.chain.block()
	}
	w := f.newWorker(0, t.TempDir(), FaultNone)
	w.cfg.Fetcher = hangFetcher{started: make(chan plugins.Round, 1)}
	_, rounds, err := f.chain.Assigned(context.Background(), w.operator)
	if err != nil || len(rounds) == 0 {
		t.Fatalf("no rounds: %v", err)
	}
	e, err := w.executeBy(context.Background(), rounds[0], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != uint32(abi.StatusUnavailable) || len(e.Salt) == 0 {
		t.Fatalf("entry %+v, want UNAVAILABLE with a salt", e)
	}
	if _, ok := w.cfg.Journal.Get(e.Source, e.Round); !ok {
		t.Fatal("the UNAVAILABLE entry is not journaled")
	}
}
