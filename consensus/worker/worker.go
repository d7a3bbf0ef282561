package worker

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// Defaults of a Config's zero fields.
const (
	// DefaultConcurrency is the number of jobs in flight. A job fetches
	// once, so it is the plugins' default too: one plugin can serve every
	// job in flight at once.
	DefaultConcurrency = plugins.DefaultConcurrency
	DefaultPoll        = 50 * time.Millisecond
	DefaultJobTimeout  = 30 * time.Second
	// DefaultMaxBatch keeps a Reveal tx (~130 bytes an entry) well under
	// CometBFT's default max_tx_bytes (1 MiB).
	DefaultMaxBatch = 2000
	// DefaultResendAfter is how many blocks a sent entry may stay
	// unconfirmed before the worker sends it again.
	DefaultResendAfter = 3
)

// ErrConfig is returned by New for a missing part.
var ErrConfig = errors.New("worker: bad config")

// Config wires a Worker to its node.
type Config struct {
	ChainID string
	Key     ed25519.PrivateKey // the operator key; signs Commit and Reveal txs
	Chain   Chain
	Fetcher Fetcher
	Runtime *sandbox.Runtime
	Store   *pin.Store
	Journal *Journal
	// Concurrency bounds the jobs running at once (default 4); one source
	// holds at most its fair share of them (sched.go).
	Concurrency int
	// Poll is how often the worker looks for a new block (default 50 ms).
	Poll time.Duration
	// JobTimeout is the wall-clock backstop of one validator run; the
	// run also ends with the job's deadline, the end of its round's
	// commit window.
	JobTimeout time.Duration
	// MaxBatch caps the entries of one Commit or Reveal tx.
	MaxBatch int
	// ResendAfter is the blocks before an unconfirmed entry is resent.
	ResendAfter uint64
	// Fault injects a misbehaviour; FaultNone (the default) is honest.
	Fault  Fault
	Logger *slog.Logger
}

// Worker executes this node's assignments. Make it with New and Run it.
type Worker struct {
	cfg      Config
	log      *slog.Logger
	operator []byte
	stats    counters

	codeMu sync.Mutex
	codes  map[string]*sandbox.Code

	done    chan key
	sched   *scheduler   // queued and running jobs (sched.go)
	clock   blockClock   // block interval estimate, for job deadlines
	running map[key]bool // queued or running
	dropped map[key]bool
	wg      sync.WaitGroup

	height     uint64              // last committed height seen
	rounds     []*pb.Round         // open rounds assigned to us, at height
	sender     *chain.Sender       // signs with the next sequence
	lastSend   uint64              // height of the last accepted broadcast
	commitSent map[key]uint64      // round → height its commit was sent
	revealSent map[key]uint64      // round → height its reveal was sent
	flushed    uint64              // height of the last commit batch
	batchCap   int                 // entries per tx: min(MaxBatch, the chain's max); 0 until read
	lastReport map[string]struct{} // rate-limits repeated log lines
}

// New checks cfg and makes a Worker.
func New(cfg Config) (*Worker, error) {
	if cfg.Chain == nil || cfg.Fetcher == nil || cfg.Runtime == nil || cfg.Store == nil || cfg.Journal == nil {
		return nil, fmt.Errorf("%w: chain, fetcher, runtime, store and journal are required", ErrConfig)
	}
	if len(cfg.Key) != ed25519.PrivateKeySize || cfg.ChainID == "" {
		return nil, fmt.Errorf("%w: an operator key and a chain id are required", ErrConfig)
	}
	cfg = cfg.withDefaults()
	w := &Worker{
		cfg: cfg, log: cfg.Logger,
		operator:   tx.Address(cfg.Key.Public().(ed25519.PublicKey)),
		codes:      map[string]*sandbox.Code{},
		done:       make(chan key, cfg.Concurrency),
		sched:      newScheduler(cfg.Concurrency),
		running:    map[key]bool{},
		dropped:    map[key]bool{},
		commitSent: map[key]uint64{},
		revealSent: map[key]uint64{},
		lastReport: map[string]struct{}{},
		sender:     chain.NewSender(cfg.Chain, cfg.ChainID, cfg.Key),
	}
	w.sender.OnRefused = func(chain.TxResult) { w.stats.rejected.Add(1) }
	return w, nil
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Poll <= 0 {
		c.Poll = DefaultPoll
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = DefaultJobTimeout
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.ResendAfter == 0 {
		c.ResendAfter = DefaultResendAfter
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// Operator returns the worker's operator address.
func (w *Worker) Operator() []byte { return bytes.Clone(w.operator) }

// Run follows the chain until ctx ends, then waits for running jobs to
// stop and returns ctx's error. Chain errors are logged and retried.
func (w *Worker) Run(ctx context.Context) error {
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	defer w.wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case k := <-w.done:
			urgent := w.finish(ctx, k)
			if urgent || len(w.running) == 0 && w.flushed < w.height {
				w.sendCommits(ctx)
			}
			continue
		case <-tick.C:
		}
		if err := w.poll(ctx); err != nil && ctx.Err() == nil {
			w.warnOnce("poll", "chain unavailable", "err", err)
		}
	}
}

// poll runs one step when a new block has been committed. While the
// node catches up it only reveals (catchUpStep).
func (w *Worker) poll(ctx context.Context) error {
	h, err := w.cfg.Chain.Height(ctx)
	catchingUp := errors.Is(err, ErrCatchingUp)
	if err != nil && !catchingUp {
		return err
	}
	if h <= w.height {
		return nil
	}
	at, rounds, err := w.cfg.Chain.Assigned(ctx, w.operator)
	if err != nil {
		return fmt.Errorf("assigned rounds: %w", err)
	}
	if at < w.height {
		return nil // a lagging read; wait for the next block
	}
	delete(w.lastReport, "poll")
	w.log.Debug("block", "height", at, "rounds", len(rounds), "running", len(w.running), "sequence", w.sender.Next())
	w.height, w.rounds = at, rounds
	w.stats.height.Store(at)
	if err := w.syncSequence(ctx); err != nil {
		return err
	}
	if err := w.readBatchCap(ctx); err != nil {
		return err
	}
	if catchingUp {
		w.catchUpStep(ctx)
		return nil
	}
	delete(w.lastReport, "catchup")
	w.startJobs(ctx)
	w.sendCommits(ctx)
	w.sendReveals(ctx)
	w.prune()
	return nil
}

// catchUpStep is a poll step on a node that is block-syncing, as after a
// restart. Its state lags the chain, so no job starts and no commit is
// sent; but a round that its state shows in the reveal phase has reached
// it on the chain too (phases only move forward), so the journaled
// verdicts of such rounds are revealed now: waiting for the catch-up to
// finish can outlast the reveal window. A reveal signed with a sequence
// the chain has moved past is refused and sent again (syncSequence).
func (w *Worker) catchUpStep(ctx context.Context) {
	w.warnOnce("catchup", "node is catching up: revealing journaled rounds only", "height", w.height)
	w.sendReveals(ctx)
}

// readBatchCap learns, once, how many entries one Commit or Reveal tx may
// hold: MaxBatch, or less when the chain's max_batch_entries is lower (a
// larger batch would be refused whole). Params are fixed at genesis.
func (w *Worker) readBatchCap(ctx context.Context) error {
	if w.batchCap > 0 {
		return nil
	}
	n, err := w.cfg.Chain.MaxBatchEntries(ctx)
	switch {
	case err == nil && n == 0:
		w.batchCap = w.cfg.MaxBatch
	case err != nil:
		return fmt.Errorf("params: %w", err)
	default:
		w.batchCap = min(w.cfg.MaxBatch, int(min(n, math.MaxInt32)))
	}
	return nil
}

// mine returns this node's assignee record in r, or nil.
func (w *Worker) mine(r *pb.Round) *pb.Assignee {
	for _, a := range r.GetAssignees() {
		if bytes.Equal(a.GetOperator(), w.operator) {
			return a
		}
	}
	return nil
}

// startJobs runs once per new block: it queues a job for every round in
// its commit phase that has no journal entry and no commit yet, drops or
// cancels the jobs that can no longer commit, and launches as many as the
// scheduler allows (sched.go).
func (w *Worker) startJobs(ctx context.Context) {
	w.clock.observe(w.height, time.Now())
	var fresh []*pb.Round
	for _, r := range w.rounds {
		k := key{r.Source, r.Height}
		me := w.mine(r)
		if me == nil || r.Phase != pb.Phase_PHASE_COMMIT || len(me.Commit) > 0 || w.running[k] || w.dropped[k] {
			continue
		}
		if _, ok := w.cfg.Journal.Get(k.source, k.round); ok {
			continue
		}
		w.running[k] = true
		fresh = append(fresh, r)
	}
	w.sched.add(fresh...)
	w.expire()
	w.sched.setShare(w.rounds)
	w.launch(ctx)
}

// expire drops the queued jobs and cancels the running ones whose commit
// window has passed.
func (w *Worker) expire() {
	dropped, cancelled := w.sched.expire(w.height)
	for _, k := range dropped {
		delete(w.running, k)
		w.drop(k, "commit window passed before the job started")
	}
	for _, k := range cancelled {
		w.drop(k, "commit window passed while running; job cancelled")
	}
}

// launch starts the jobs the scheduler picks, each with its own context
// and a deadline at the end of its commit window.
func (w *Worker) launch(ctx context.Context) {
	for {
		r, jctx := w.sched.next(ctx)
		if r == nil {
			return
		}
		w.wg.Add(1)
		go w.runJob(ctx, jctx, r, w.clock.deadline(r.CommitEnd))
	}
}

// finish frees the slot of the job k, which has returned, and launches
// the next jobs. It reports whether k's entry must be committed now
// rather than at the next block: the next block is the last its commit
// can land in.
func (w *Worker) finish(ctx context.Context, k key) (urgent bool) {
	end := w.sched.finish(k)
	delete(w.running, k)
	w.launch(ctx)
	return w.height+2 > end
}

// runJob executes r under jctx, its job context, and reports back to the
// loop unless ctx, the worker's, has ended.
func (w *Worker) runJob(ctx, jctx context.Context, r *pb.Round, deadline time.Time) {
	defer w.wg.Done()
	k := key{r.Source, r.Height}
	defer func() {
		select {
		case w.done <- k:
		case <-ctx.Done():
		}
	}()
	if _, err := w.executeBy(jctx, r, deadline); err != nil && jctx.Err() == nil {
		w.log.Error("job failed", "source", r.Source, "round", r.Height, "err", err)
	}
}

func (w *Worker) drop(k key, reason string) {
	w.dropped[k] = true
	w.stats.dropped.Add(1)
	w.log.Warn("job dropped", "source", k.source, "round", k.round, "reason", reason)
}

// prune forgets rounds that are no longer open.
func (w *Worker) prune() {
	open := map[key]bool{}
	for _, r := range w.rounds {
		open[key{r.Source, r.Height}] = true
	}
	keep := func(s string, h uint64) bool { return open[key{s, h}] || w.running[key{s, h}] }
	for _, m := range []map[key]uint64{w.commitSent, w.revealSent} {
		for k := range m {
			if !keep(k.source, k.round) {
				delete(m, k)
			}
		}
	}
	for k := range w.dropped {
		if !keep(k.source, k.round) {
			delete(w.dropped, k)
		}
	}
	if _, err := w.cfg.Journal.Prune(w.height, keep); err != nil {
		w.log.Error("journal prune", "err", err)
	}
}

// warnOnce logs a warning the first time a key fails in a row.
func (w *Worker) warnOnce(k, msg string, args ...any) {
	if _, ok := w.lastReport[k]; ok {
		return
	}
	w.lastReport[k] = struct{}{}
	w.log.Warn(msg, args...)
}
