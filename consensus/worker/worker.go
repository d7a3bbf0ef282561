package worker

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/consensus/verdict"
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
	DefaultJobTimeout  = verdict.DefaultTimeout
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
	// Concurrency bounds the jobs running at once (0: DefaultConcurrency); one source
	// holds at most its fair share of them (sched.go).
	Concurrency int
	// Poll is how often the worker looks for a new block (0: DefaultPoll).
	Poll time.Duration
	// JobTimeout is the wall-clock backstop of one validator program run; the
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
	// OnJob, when set, gets each job's report as the job returns (from
	// the job's goroutine); the node turns it into metrics.
	OnJob func(JobReport)
	// OnCommitted, when set, gets for each job the time from its start
	// until the chain held its commitment (read at the next block; from
	// the worker's loop).
	OnCommitted func(time.Duration)
}

// Worker executes this node's assignments. Make it with New and Run it.
//
// Its decisions are the planner's (plan.go); the Worker is the loop
// around it, which does the I/O: it reads the chain, runs jobs, writes
// the journal and broadcasts txs.
type Worker struct {
	cfg      Config
	log      *slog.Logger
	operator []byte
	stats    counters

	codeMu sync.Mutex
	codes  map[string]*sandbox.Code

	plan    *planner
	done    chan key
	cancels map[key]context.CancelFunc // each running job's context
	started map[key]time.Time          // when each job not yet seen committed started
	wg      sync.WaitGroup

	height     uint64              // last committed height seen
	sender     *chain.Sender       // signs with the next sequence
	lastSend   uint64              // height of the last accepted broadcast
	lastReport map[string]struct{} // rate-limits repeated log lines

	// The batch being broadcast runs in its own goroutine (sendBatch), so
	// the loop keeps starting jobs while CheckTx waits for the node's
	// block execution. While it is in flight the loop does not touch the
	// sender (no sequence sync); the next batches wait in queued, each
	// replaced by a later plan of its kind (each plan lists every entry
	// not yet sent).
	inflight bool
	queued   [2]*batch // [0] reveal, [1] commit
	sentc    chan sendResult
	// reading is set while a read of the chain (read) runs; its result
	// comes back on readc.
	reading bool
	readc   chan readResult
}

// sendResult is the outcome of one batch's broadcast.
type sendResult struct {
	b   *batch
	err error
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
	op := tx.Address(cfg.Key.Public().(ed25519.PublicKey))
	w := &Worker{
		cfg: cfg, log: cfg.Logger,
		operator:   op,
		codes:      map[string]*sandbox.Code{},
		plan:       newPlanner(cfg, op),
		done:       make(chan key, cfg.Concurrency),
		cancels:    map[key]context.CancelFunc{},
		started:    map[key]time.Time{},
		lastReport: map[string]struct{}{},
		sender:     chain.NewSender(cfg.Chain, cfg.ChainID, cfg.Key),
		sentc:      make(chan sendResult, 1),
		readc:      make(chan readResult, 1),
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
//
// The loop itself never waits on the node: reading the chain (read) and
// broadcasting (sendBatch) run in goroutines of their own, one of each at
// a time, and report back over channels, so a job that returns starts
// the next one at once even while a query or CheckTx waits for the block
// being executed.
func (w *Worker) Run(ctx context.Context) error {
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	defer w.wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case k := <-w.done:
			w.finish(ctx, k)
		case r := <-w.sentc:
			w.sendDone(r)
			w.pump(ctx)
		case r := <-w.readc:
			w.reading = false
			err := r.err
			if err == nil {
				err = w.apply(ctx, r)
			}
			if err != nil && ctx.Err() == nil {
				w.warnOnce("poll", "chain unavailable", "err", err)
			}
		case <-tick.C:
			w.poll(ctx)
		}
	}
}

// readResult is what one read of the chain found; nothing when no block
// was committed since the last step.
type readResult struct {
	nothing    bool
	at         uint64      // the committed height of rounds
	rounds     []*pb.Round // open rounds that list the operator
	catchingUp bool
	sequence   uint64 // the operator's committed sequence
	maxBatch   uint32 // the chain's max_batch_entries, when asked
	err        error
}

// poll starts a read of the chain unless one is running.
func (w *Worker) poll(ctx context.Context) {
	if w.reading {
		return
	}
	w.reading = true
	after, needCap := w.height, w.plan.batchCap == 0
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.readc <- w.read(ctx, after, needCap) // buffered: one read at a time
	}()
}

// read reads what a step needs when a block above after has been
// committed. It runs in its own goroutine and touches no worker state.
func (w *Worker) read(ctx context.Context, after uint64, needCap bool) readResult {
	h, err := w.cfg.Chain.Height(ctx)
	catchingUp := errors.Is(err, ErrCatchingUp)
	if err != nil && !catchingUp {
		return readResult{err: err}
	}
	if h <= after {
		return readResult{nothing: true}
	}
	at, rounds, err := w.cfg.Chain.Assigned(ctx, w.operator)
	if err != nil {
		return readResult{err: fmt.Errorf("assigned rounds: %w", err)}
	}
	if at <= after {
		return readResult{nothing: true} // a lagging read; wait for the next block
	}
	r := readResult{at: at, rounds: rounds, catchingUp: catchingUp}
	if r.sequence, err = w.cfg.Chain.Sequence(ctx, w.operator); err != nil {
		return readResult{err: fmt.Errorf("sequence: %w", err)}
	}
	if needCap {
		if r.maxBatch, err = w.cfg.Chain.MaxBatchEntries(ctx); err != nil {
			return readResult{err: fmt.Errorf("params: %w", err)}
		}
	}
	return r
}

// apply runs one step on what read found: it asks the planner what to do
// and does it. While the node catches up the planner only reveals.
func (w *Worker) apply(ctx context.Context, r readResult) error {
	if r.nothing || r.at <= w.height {
		return nil
	}
	delete(w.lastReport, "poll")
	w.log.Debug("block", "height", r.at, "rounds", len(r.rounds), "pending", w.plan.sched.size())
	w.height = r.at
	w.stats.height.Store(r.at)
	w.queued = [2]*batch{} // this step plans them again, up to date
	// While a broadcast is in flight the sender is its own: a later
	// block syncs the sequence.
	if !w.inflight {
		w.syncSequence(r.sequence)
	}
	if w.plan.batchCap == 0 {
		w.plan.setChainMaxBatch(r.maxBatch) // once: params are fixed at genesis (0: MaxBatch)
	}
	if r.catchingUp {
		w.warnOnce("catchup", "node is catching up: revealing journaled rounds only", "height", w.height)
	} else {
		delete(w.lastReport, "catchup")
	}
	now := time.Now()
	w.do(ctx, w.plan.step(chainView{Height: r.at, Rounds: r.rounds, CatchingUp: r.catchingUp}, w.cfg.Journal, now))
	if len(w.started) > 0 {
		var committed []key
		for _, rd := range r.rounds {
			if me := w.plan.mine(rd); me != nil && len(me.Commit) > 0 {
				committed = append(committed, key{rd.Source, rd.Round})
			}
		}
		w.noteCommitted(w.plan.open, committed, now)
	}
	return nil
}

// finish releases the context of the job k, which has returned, and does
// what the planner asks next: more jobs, and the commit batch when it
// cannot wait for the next block.
func (w *Worker) finish(ctx context.Context, k key) {
	if cancel, ok := w.cancels[k]; ok {
		cancel()
		delete(w.cancels, k)
	}
	w.do(ctx, w.plan.finished(k, w.cfg.Journal))
}

// do performs a plan: the loop's half of the planner's decisions.
func (w *Worker) do(ctx context.Context, pl plan) {
	for _, k := range pl.Dropped {
		w.dropped(k, "commit window passed before the job started")
	}
	for _, k := range pl.Cancel {
		if cancel, ok := w.cancels[k]; ok {
			cancel() // the slot stays taken until the job returns
		}
		w.stats.cancelled.Add(1)
		w.dropped(k, "commit window passed while running; job cancelled")
	}
	for _, j := range pl.Start {
		w.launch(ctx, j)
	}
	if pl.Commit != nil {
		w.queued[1] = pl.Commit
	}
	if pl.Reveal != nil {
		w.queued[0] = pl.Reveal
	}
	w.pump(ctx)
	for _, k := range pl.Lost {
		w.warnOnce("lost/"+k.source+fmt.Sprint(k.round), "cannot reveal: no journal entry", "source", k.source, "round", k.round)
	}
	if pl.Prune {
		if _, err := w.cfg.Journal.Prune(pl.Height, w.plan.keep); err != nil {
			w.log.Error("journal prune", "err", err)
		}
	}
}

// launch runs j in its own goroutine, under a context of its own that a
// later plan may cancel.
func (w *Worker) launch(ctx context.Context, j job) {
	jctx, cancel := context.WithCancel(ctx)
	w.cancels[key{j.Round.Source, j.Round.Round}] = cancel
	w.started[key{j.Round.Source, j.Round.Round}] = time.Now()
	w.wg.Add(1)
	go w.runJob(ctx, jctx, j.Round, j.Deadline)
}

// runJob executes r under jctx, its job context, and reports back to the
// loop unless ctx, the worker's, has ended.
func (w *Worker) runJob(ctx, jctx context.Context, r *pb.Round, deadline time.Time) {
	defer w.wg.Done()
	k := key{r.Source, r.Round}
	defer func() {
		select {
		case w.done <- k:
		case <-ctx.Done():
		}
	}()
	if _, err := w.executeBy(jctx, r, deadline); err != nil && jctx.Err() == nil {
		w.log.Error("job failed", "source", r.Source, "round", r.Round, "err", err)
	}
}

func (w *Worker) dropped(k key, reason string) {
	w.stats.dropped.Add(1)
	w.log.Warn("job dropped", "source", k.source, "round", k.round, "reason", reason)
}

// warnOnce logs a warning the first time a key fails in a row.
func (w *Worker) warnOnce(k, msg string, args ...any) {
	if _, ok := w.lastReport[k]; ok {
		return
	}
	w.lastReport[k] = struct{}{}
	w.log.Warn(msg, args...)
}
