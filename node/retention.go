package node

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/assaynet/assay/consensus/worker"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/runtime/pin"
)

// RetentionConfig is the [retention] table: which pins of the worker and
// the replicator the node keeps, and how often it collects the rest
// (docs/node.md, "Retention").
type RetentionConfig struct {
	// Enabled runs the policy and the pin store's GC in the background.
	Enabled bool `toml:"enabled"`
	// Interval is the time between two passes.
	Interval plugins.Duration `toml:"interval"`
	// OutputRounds keeps the outputs of each source's last N rounds; 0
	// keeps every output.
	OutputRounds int `toml:"output_rounds"`
	// InputRounds keeps the inputs of each source's last N rounds; 0
	// keeps every input.
	InputRounds int `toml:"input_rounds"`
}

// Retention defaults: at 1,000 sources with inputs and outputs under one
// 4 KiB file system block each, the pins of the window take at most
// 1,000 × (1,000 + 10 + RetentionMinBlocks/every) × 4 KiB ≈ 4.2 GB
// (docs/node.md, "Retention").
const (
	DefaultRetentionInterval = time.Minute
	DefaultOutputRounds      = 1000
	DefaultInputRounds       = 10
	// RetentionMinBlocks: nothing of a round within this many blocks of
	// the head is unpinned (more than a commit and a reveal window, 50
	// blocks by default), whatever the policy.
	RetentionMinBlocks = 128
	// MaxRetentionRounds bounds output_rounds and input_rounds.
	MaxRetentionRounds = 100_000_000
)

// validateRetention checks [retention].
func (c *Config) validateRetention() []error {
	var errs []error
	r := c.Retention
	if d := time.Duration(r.Interval); r.Enabled && (d < time.Second || d > 24*time.Hour) {
		errs = append(errs, fmt.Errorf("retention.interval: %s is out of range [1s, 24h]", d))
	}
	for _, kv := range []struct {
		key string
		n   int
	}{{"retention.output_rounds", r.OutputRounds}, {"retention.input_rounds", r.InputRounds}} {
		if kv.n < 0 || kv.n > MaxRetentionRounds {
			errs = append(errs, fmt.Errorf("%s: %d is out of range 0..%d (0 keeps every round)", kv.key, kv.n, MaxRetentionRounds))
		}
	}
	return errs
}

// roundPin is a pin the worker or the replicator made:
// assay/{source}/{round}/{output|input[/i]}.
type roundPin struct {
	pin.Pinned
	Source string
	Round  uint64
	Output bool
}

// parseRoundPin reads a pin name of the worker or the replicator; ok is
// false for any other pin (never unpinned by the policy).
func parseRoundPin(p pin.Pinned) (roundPin, bool) {
	rest, ok := strings.CutPrefix(p.Name, "assay/")
	if !ok {
		return roundPin{}, false
	}
	// the source id may not contain '/', the part may (input/0)
	src, rest, ok := strings.Cut(rest, "/")
	if !ok || src == "" {
		return roundPin{}, false
	}
	rs, part, ok := strings.Cut(rest, "/")
	if !ok {
		return roundPin{}, false
	}
	round, err := strconv.ParseUint(rs, 10, 64)
	if err != nil {
		return roundPin{}, false
	}
	switch {
	case part == "output":
		return roundPin{Pinned: p, Source: src, Round: round, Output: true}, true
	case part == "input" || strings.HasPrefix(part, "input/"):
		return roundPin{Pinned: p, Source: src, Round: round}, true
	}
	return roundPin{}, false
}

// RetentionPlan is what one pass would unpin, and why the rest stays.
type RetentionPlan struct {
	// Unpin are the pins that fall out of the window, oldest round first.
	Unpin []pin.Pinned
	// Kept counts the round pins kept; Protected those kept only because
	// their round is within RetentionMinBlocks of the head or the
	// journal still holds it (a commit or reveal owed).
	Kept, Protected int
	// Other counts pins the policy never touches (not assay/… names).
	Other int
}

// planRetention applies r to pins at chain height head. owed reports
// whether the worker's journal still holds (source, round): such a pin is
// always kept, as is any pin of a round within RetentionMinBlocks of
// head. A source's "last N rounds" are the N highest rounds among its
// pins.
func planRetention(r RetentionConfig, pins []pin.Pinned, head uint64, owed func(string, uint64) bool) RetentionPlan {
	var pl RetentionPlan
	bySource := map[string][]roundPin{}
	for _, p := range pins {
		rp, ok := parseRoundPin(p)
		if !ok {
			pl.Other++
			continue
		}
		bySource[rp.Source] = append(bySource[rp.Source], rp)
	}
	var drop []roundPin
	for _, rps := range bySource {
		rounds := distinctRounds(rps)
		outMin, inMin := nthHighest(rounds, r.OutputRounds), nthHighest(rounds, r.InputRounds)
		for _, rp := range rps {
			min := inMin
			if rp.Output {
				min = outMin
			}
			if rp.Round >= min {
				pl.Kept++
				continue
			}
			if head < RetentionMinBlocks || rp.Round+RetentionMinBlocks > head || (owed != nil && owed(rp.Source, rp.Round)) {
				pl.Kept++
				pl.Protected++
				continue
			}
			drop = append(drop, rp)
		}
	}
	sort.Slice(drop, func(i, j int) bool {
		if drop[i].Round != drop[j].Round {
			return drop[i].Round < drop[j].Round
		}
		return drop[i].Name < drop[j].Name
	})
	for _, rp := range drop {
		pl.Unpin = append(pl.Unpin, rp.Pinned)
	}
	return pl
}

// distinctRounds returns the rounds of rps, highest first, once each.
func distinctRounds(rps []roundPin) []uint64 {
	seen := map[uint64]bool{}
	var out []uint64
	for _, rp := range rps {
		if !seen[rp.Round] {
			seen[rp.Round] = true
			out = append(out, rp.Round)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out
}

// nthHighest is the lowest round kept when the last n are: the n-th of
// rounds (sorted highest first), or 0 (keep all) when n is 0 or there
// are no more than n.
func nthHighest(rounds []uint64, n int) uint64 {
	if n <= 0 || len(rounds) <= n {
		return 0
	}
	return rounds[n-1]
}

// RetentionStats count what the background retention did since start.
type RetentionStats struct {
	Passes, Failures    uint64 // passes run; passes that failed
	Unpinned            uint64 // pins removed by the policy
	GCBlocks, GCBytes   uint64 // blocks and bytes the GC removed
	LastPass            time.Duration
	DiskBytes           int64 // the pin store's size on disk after the last pass
	LastPassUnix        int64 // when the last pass ended (unix seconds)
	Kept, ProtectedLast int   // round pins kept, and of those protected, at the last pass
}

// RetentionGCEvery is how many passes in a row may skip the GC: a pass
// collects garbage when it unpinned something, and otherwise only every
// RetentionGCEvery passes, for blocks no unpin left (a job stopped
// between its add and its pin). Over 22,000 pins a collection that
// finds nothing took ~2 s of each minute's pass per node.
const RetentionGCEvery = 10

// retainer runs the policy over a store in the background.
type retainer struct {
	cfg   RetentionConfig
	store *pin.Store
	head  func(context.Context) (uint64, error)
	owed  func(string, uint64) bool
	log   *slog.Logger

	skipped int // passes in a row that skipped the GC

	mu    sync.Mutex
	stats RetentionStats
	disk  atomic.Int64
}

// pass applies the policy once: unpin what falls out, then collect
// garbage without pausing jobs (when it unpinned something, or every
// RetentionGCEvery passes).
func (r *retainer) pass(ctx context.Context) (RetentionPlan, pin.GCResult, error) {
	t0 := time.Now()
	head, err := r.head(ctx)
	if err != nil {
		return RetentionPlan{}, pin.GCResult{}, fmt.Errorf("retention: chain height: %w", err)
	}
	if head < RetentionMinBlocks {
		// nothing can be unpinned yet (planRetention protects every
		// round): skip listing the pins, which takes seconds over tens
		// of thousands of them
		r.log.Debug("retention pass skipped", "head", head, "min_blocks", RetentionMinBlocks)
		r.countPass(func(*RetentionStats) {})
		return RetentionPlan{}, pin.GCResult{}, nil
	}
	pins, err := r.store.ListPins(ctx)
	if err != nil {
		return RetentionPlan{}, pin.GCResult{}, err
	}
	tList := time.Since(t0)
	pl := planRetention(r.cfg, pins, head, r.owed)
	t1 := time.Now()
	unpinned, err := r.store.UnpinNames(ctx, pl.Unpin)
	if err != nil {
		return pl, pin.GCResult{}, fmt.Errorf("retention: unpin: %w", err)
	}
	tUnpin, t2 := time.Since(t1), time.Now()
	var res pin.GCResult
	if unpinned > 0 || r.skipped+1 >= RetentionGCEvery {
		r.skipped = 0
		if res, err = r.store.CollectConcurrent(ctx); err != nil {
			return pl, res, fmt.Errorf("retention: gc: %w", err)
		}
	} else {
		r.skipped++
	}
	tGC, t3 := time.Since(t2), time.Now()
	disk, derr := r.store.DiskUsage()
	tDisk := time.Since(t3)
	r.log.Info("retention pass", "head", head, "pins", len(pins), "unpinned", unpinned, "kept", pl.Kept,
		"protected", pl.Protected, "gc_blocks", res.Blocks, "gc_bytes", res.Bytes, "disk_bytes", disk, "took", time.Since(t0), "list", tList, "unpin", tUnpin, "gc", tGC, "du", tDisk)
	r.countPass(func(s *RetentionStats) {
		s.Unpinned += uint64(unpinned)
		s.GCBlocks += uint64(res.Blocks)
		s.GCBytes += uint64(res.Bytes)
		s.LastPass = time.Since(t0)
		s.Kept, s.ProtectedLast = pl.Kept, pl.Protected
		if derr == nil {
			s.DiskBytes = disk
			r.disk.Store(disk)
		}
	})
	return pl, res, nil
}

// countPass counts a pass in the stats, with the pass's own figures set
// by update.
func (r *retainer) countPass(update func(*RetentionStats)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Passes++
	r.stats.LastPassUnix = time.Now().Unix()
	update(&r.stats)
}

// run makes a pass every interval until ctx ends.
func (r *retainer) run(ctx context.Context) {
	t := time.NewTicker(time.Duration(r.cfg.Interval))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, _, err := r.pass(ctx); err != nil && ctx.Err() == nil {
			r.mu.Lock()
			r.stats.Failures++
			r.mu.Unlock()
			r.log.Warn("retention pass failed", "err", err)
		}
	}
}

// Stats returns a snapshot.
func (r *retainer) Stats() RetentionStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// RetentionStats returns what the background retention did (zero when
// [retention] is off or the node has not started).
func (n *Node) RetentionStats() RetentionStats {
	if n.retain == nil {
		return RetentionStats{}
	}
	return n.retain.Stats()
}

// startRetention runs the policy in the background when enabled.
func (n *Node) startRetention(ctx context.Context) {
	if !n.cfg.Retention.Enabled {
		return
	}
	n.retain = &retainer{cfg: n.cfg.Retention, store: n.store, log: n.log.With("part", "retention"),
		head: func(ctx context.Context) (uint64, error) { return n.Worker.Stats().Height, nil },
		owed: func(src string, round uint64) bool { _, ok := n.jrnl.Get(src, round); return ok }}
	n.wg.Add(1)
	go func() { defer n.wg.Done(); n.retain.run(ctx) }()
}

// GCReport is what `assay pin gc` did or, with DryRun, would do.
type GCReport struct {
	DryRun bool
	Head   uint64 // the height the policy ran against
	Plan   RetentionPlan
	// Freed is what the GC removed (or would remove): blocks of the
	// unpinned pins that no other pin holds, and blocks no pin held.
	Freed pin.GCResult
	// DiskBefore and DiskAfter are the store's size on disk.
	DiskBefore, DiskAfter int64
}

// GCHome applies home's [retention] policy to its pin store once, with
// the node stopped (the store and the journal are locked by a running
// node), and collects garbage; with dryRun it only reports what would go.
// The head is the highest round among the pins (the chain is not read).
// With retention disabled it still collects unpinned blocks.
func GCHome(ctx context.Context, home string, dryRun bool) (*GCReport, error) {
	cfg, err := Load(home)
	if err != nil {
		return nil, err
	}
	store, err := pin.Open(Path(home, cfg.Pin.Dir))
	if err != nil {
		return nil, fmt.Errorf("%w (is the node running? stop it first)", err)
	}
	defer store.Close()
	jrnl, err := worker.OpenJournal(Path(home, cfg.Worker.JournalDir))
	if err != nil {
		return nil, fmt.Errorf("%w (is the node running? stop it first)", err)
	}
	defer jrnl.Close()
	pins, err := store.ListPins(ctx)
	if err != nil {
		return nil, err
	}
	rep := &GCReport{DryRun: dryRun}
	for _, p := range pins {
		if rp, ok := parseRoundPin(p); ok && rp.Round > rep.Head {
			rep.Head = rp.Round
		}
	}
	pol := cfg.Retention
	if !pol.Enabled {
		pol.OutputRounds, pol.InputRounds = 0, 0 // keep every pin
	}
	rep.Plan = planRetention(pol, pins, rep.Head, func(s string, r uint64) bool { _, ok := jrnl.Get(s, r); return ok })
	if rep.DiskBefore, err = store.DiskUsage(); err != nil {
		return nil, err
	}
	if dryRun {
		// a root another pin (name) keeps is not garbage
		rep.Freed, err = store.Garbage(ctx, pin.Unpinned(pins, rep.Plan.Unpin))
		rep.DiskAfter = rep.DiskBefore
		return rep, err
	}
	if _, err := store.UnpinNames(ctx, rep.Plan.Unpin); err != nil {
		return rep, err
	}
	if rep.Freed, err = store.GC(ctx); err != nil {
		return rep, err
	}
	rep.DiskAfter, err = store.DiskUsage()
	return rep, err
}

// Write prints r for `assay pin gc`; verbose lists every pin that goes.
func (r *GCReport) Write(w io.Writer, verbose bool) {
	verb, freed := "unpinned", "freed"
	if r.DryRun {
		verb, freed = "would unpin", "would free"
	}
	fmt.Fprintf(w, "head (highest round pinned): %d\n", r.Head)
	fmt.Fprintf(w, "%s %d pins; kept %d round pins (%d only because they are within %d blocks of the head or owed by the journal) and %d other pins\n",
		verb, len(r.Plan.Unpin), r.Plan.Kept, r.Plan.Protected, RetentionMinBlocks, r.Plan.Other)
	if verbose {
		for _, p := range r.Plan.Unpin {
			fmt.Fprintf(w, "  %s %s\n", p.Cid, p.Name)
		}
	}
	fmt.Fprintf(w, "%s %d blocks, %d bytes of content\n", freed, r.Freed.Blocks, r.Freed.Bytes)
	if r.DryRun {
		fmt.Fprintf(w, "pin store on disk: %d bytes\n", r.DiskBefore)
	} else {
		fmt.Fprintf(w, "pin store on disk: %d → %d bytes\n", r.DiskBefore, r.DiskAfter)
	}
}
