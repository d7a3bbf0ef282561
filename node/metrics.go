package node

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtpubsub "github.com/cometbft/cometbft/libs/pubsub"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/worker"
	"github.com/assaynet/assay/internal/ctxsleep"
	"github.com/assaynet/assay/node/replica"
	"github.com/assaynet/assay/runtime/pin"
)

// MetricsConfig is the [metrics] table.
type MetricsConfig struct {
	// Sources get per-source series (assay_source_*); empty: none, so
	// that no metric's cardinality grows with the chain's sources.
	Sources []string `toml:"sources"`
}

// MaxMetricsSources bounds [metrics] sources.
const MaxMetricsSources = 256

// validateMetrics checks [metrics].
func (c *Config) validateMetrics() []error {
	var errs []error
	if n := len(c.Metrics.Sources); n > MaxMetricsSources {
		errs = append(errs, fmt.Errorf("metrics.sources: %d sources, at most %d", n, MaxMetricsSources))
	}
	seen := map[string]bool{}
	for _, s := range c.Metrics.Sources {
		switch {
		case s == "":
			errs = append(errs, fmt.Errorf("metrics.sources: an empty source id"))
		case seen[s]:
			errs = append(errs, fmt.Errorf("metrics.sources: %q listed twice", s))
		}
		seen[s] = true
	}
	return errs
}

// Label values of the metrics, each a fixed set (docs/node.md, "Metrics").
var (
	jobPhases       = []string{"fetch", "run", "pin"}
	jobStatuses     = []string{"ACCEPTED", "REJECTED", "FAILED", "UNAVAILABLE", "NONE"}
	penaltyKinds    = []string{"wrong_verdict", "no_reveal", "missed", "duplicate_vote", "other"}
	closedPhases    = []string{"resolved", "unresolved"}
	missedDeadlines = []string{"queued", "running"}
)

// penaltyKind maps an EvidenceKind name to its label.
func penaltyKind(s string) string {
	k := strings.ToLower(strings.TrimPrefix(s, "EVIDENCE_"))
	for _, v := range penaltyKinds {
		if v == k {
			return k
		}
	}
	return "other"
}

// metrics are the node's own Prometheus metrics beyond the counters read
// from its parts on each scrape.
type metrics struct {
	phase     *prometheus.HistogramVec
	commitLat prometheus.Histogram
	gas       prometheus.Histogram
	outcomes  *prometheus.CounterVec
	failures  *prometheus.CounterVec
	rounds    *prometheus.CounterVec
	penalties *prometheus.CounterVec
	slashed   prometheus.Counter
	chainH    prometheus.Gauge

	// per-source series, only for [metrics] sources
	sources   map[string]bool
	srcJobs   *prometheus.CounterVec
	srcRounds *prometheus.CounterVec

	operator    string        // hex, as penalty events name it
	jailedUntil atomic.Uint64 // from this node's last penalty event
	height      atomic.Uint64 // last block seen by the follower
}

// newMetrics makes the node's metrics for operator (hex) and the listed
// sources, with every fixed label value present from the start (a scrape
// lists each series at 0 before its first event).
func newMetrics(operator string, sources []string) *metrics {
	m := &metrics{
		phase: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "assay", Subsystem: "job", Name: "phase_seconds",
			Help:    "Wall time of a job's phases: fetch the input, run the validator program, pin input and output.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"phase"}),
		commitLat: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "assay", Subsystem: "job", Name: "commit_latency_seconds",
			Help:    "Time from a job's start until the chain held this node's commitment (read at the next block).",
			Buckets: []float64{.25, .5, 1, 2, 3, 5, 8, 13, 21, 34, 60}}),
		gas: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "assay", Subsystem: "job", Name: "gas_used",
			Help: "Gas used by a validator program run.", Buckets: prometheus.ExponentialBuckets(1e4, 4, 12)}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "assay", Subsystem: "job", Name: "outcomes_total",
			Help: "Jobs by the verdict journaled (NONE: nothing journaled: stopped, cancelled or a failed pin)."}, []string{"status"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "assay", Subsystem: "job", Name: "failures_total",
			Help: "Jobs that did not end ACCEPTED or REJECTED, by kind (FAILED kinds, or the phase that failed)."}, []string{"kind"}),
		rounds: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "assay", Subsystem: "chain", Name: "rounds_closed_total",
			Help: "Rounds the chain closed, as this node saw its blocks' round_closed events, by phase."}, []string{"phase"}),
		penalties: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "assay", Subsystem: "node", Name: "penalties_total",
			Help: "Penalties the chain applied to this node's operator, by kind."}, []string{"kind"}),
		slashed: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "assay", Subsystem: "node", Name: "slashed_stake_total",
			Help: "Stake slashed from this node's operator."}),
		chainH: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "assay", Subsystem: "chain", Name: "events_height",
			Help: "Height of the last block whose events the metrics follower read."}),
		sources:  map[string]bool{},
		operator: operator,
	}
	for _, p := range jobPhases {
		m.phase.WithLabelValues(p)
	}
	for _, s := range jobStatuses {
		m.outcomes.WithLabelValues(s)
	}
	for _, k := range worker.FailureKinds {
		m.failures.WithLabelValues(k)
	}
	for _, p := range closedPhases {
		m.rounds.WithLabelValues(p)
	}
	for _, k := range penaltyKinds {
		m.penalties.WithLabelValues(k)
	}
	if len(sources) > 0 {
		m.srcJobs = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "assay", Subsystem: "source", Name: "jobs_total",
			Help: "Jobs of the sources listed in [metrics] sources, by verdict."}, []string{"source", "status"})
		m.srcRounds = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "assay", Subsystem: "source", Name: "rounds_closed_total",
			Help: "Rounds closed of the sources listed in [metrics] sources, by phase."}, []string{"source", "phase"})
		for _, s := range sources {
			m.sources[s] = true
			for _, st := range jobStatuses {
				m.srcJobs.WithLabelValues(s, st)
			}
			for _, p := range closedPhases {
				m.srcRounds.WithLabelValues(s, p)
			}
		}
	}
	return m
}

// collectors are m's collectors for a registry.
func (m *metrics) collectors() []prometheus.Collector {
	cs := []prometheus.Collector{m.phase, m.commitLat, m.gas, m.outcomes, m.failures, m.rounds, m.penalties, m.slashed, m.chainH,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "assay", Subsystem: "node", Name: "jailed",
			Help: "1 while this node's operator is jailed (its last penalty's jailed_until is above the last block seen), else 0."},
			func() float64 {
				if m.jailedUntil.Load() > m.height.Load() {
					return 1
				}
				return 0
			}),
	}
	if m.srcJobs != nil {
		cs = append(cs, m.srcJobs, m.srcRounds)
	}
	return cs
}

// job records one job's report (worker.Config.OnJob).
func (m *metrics) job(r worker.JobReport) {
	if r.Fetch > 0 {
		m.phase.WithLabelValues("fetch").Observe(r.Fetch.Seconds())
	}
	if r.Ran {
		m.phase.WithLabelValues("run").Observe(r.Run.Seconds())
		m.gas.Observe(float64(r.Gas))
	}
	if r.Pin > 0 {
		m.phase.WithLabelValues("pin").Observe(r.Pin.Seconds())
	}
	st := r.Status
	if st == "" {
		st = "NONE"
	}
	m.outcomes.WithLabelValues(st).Inc()
	if r.Failure != "" {
		m.failures.WithLabelValues(r.Failure).Inc()
	}
	if m.sources[r.Source] {
		m.srcJobs.WithLabelValues(r.Source, st).Inc()
	}
}

// committed records a commit latency (worker.Config.OnCommitted).
func (m *metrics) committed(d time.Duration) { m.commitLat.Observe(d.Seconds()) }

// blockEvents counts the round_closed and penalty events of one block.
func (m *metrics) blockEvents(height int64, events []abci.Event) {
	for _, e := range events {
		switch e.Type {
		case state.EventRoundClosed:
			phase := ""
			switch attr(e, state.AttrPhase) {
			case pb.Phase_PHASE_RESOLVED.String():
				phase = "resolved"
			case pb.Phase_PHASE_UNRESOLVED.String():
				phase = "unresolved"
			default:
				continue
			}
			m.rounds.WithLabelValues(phase).Inc()
			if src := attr(e, state.AttrSource); m.sources[src] {
				m.srcRounds.WithLabelValues(src, phase).Inc()
			}
		case state.EventPenalty:
			if !strings.EqualFold(attr(e, state.AttrOperator), m.operator) {
				continue
			}
			m.penalties.WithLabelValues(penaltyKind(attr(e, state.AttrKind))).Inc()
			var amount, until uint64
			_, _ = fmt.Sscan(attr(e, state.AttrSlashed), &amount)
			m.slashed.Add(float64(amount))
			if _, err := fmt.Sscan(attr(e, state.AttrJailedUntil), &until); err == nil {
				m.jailedUntil.Store(until)
			}
		}
	}
	if height > 0 {
		m.height.Store(uint64(height))
		m.chainH.Set(float64(height))
	}
}

// attr is the value of e's attribute key ("" if absent).
func attr(e abci.Event, key string) string {
	for _, a := range e.Attributes {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// eventBus is the part of CometBFT's event bus the follower uses.
type eventBus interface {
	Subscribe(ctx context.Context, subscriber string, q cmtpubsub.Query, outCapacity ...int) (cmttypes.Subscription, error)
	Unsubscribe(ctx context.Context, subscriber string, q cmtpubsub.Query) error
}

var followers atomic.Uint64

// follow reads every block's events from bus until ctx ends; a
// subscription the bus cancels (a full buffer) is made again after a
// second, and the blocks missed meanwhile are not counted.
func (m *metrics) follow(ctx context.Context, bus eventBus, log interface{ Warn(string, ...any) }) {
	name := fmt.Sprintf("assay-metrics-%d", followers.Add(1))
	for ctx.Err() == nil {
		sub, err := bus.Subscribe(ctx, name, cmttypes.EventQueryNewBlockEvents, 256)
		if err != nil {
			log.Warn("metrics: subscribe to block events", "err", err)
		} else {
			m.drain(ctx, sub)
			_ = bus.Unsubscribe(context.Background(), name, cmttypes.EventQueryNewBlockEvents)
		}
		_ = ctxsleep.Sleep(ctx, time.Second)
	}
}

// drain counts sub's blocks until ctx ends or the bus cancels sub.
func (m *metrics) drain(ctx context.Context, sub cmttypes.Subscription) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.Canceled():
			return
		case msg := <-sub.Out():
			if d, ok := msg.Data().(cmttypes.EventDataNewBlockEvents); ok {
				m.blockEvents(d.Height, d.Events)
			}
		}
	}
}

var metricsOnce sync.Once

// registerMetrics adds the node's metrics to the default Prometheus
// registry, which CometBFT's metrics endpoint serves (config.toml
// instrumentation.prometheus_listen_addr), so Assay's metrics sit beside
// CometBFT's. One node per process.
func registerMetrics(n *Node) {
	metricsOnce.Do(func() {
		prometheus.MustRegister(n.collectors()...)
	})
}

// collectors are every Assay metric of n (docs/node.md, "Metrics").
func (n *Node) collectors() []prometheus.Collector {
	var cs []prometheus.Collector
	stat := func(name, help string, get func(worker.Stats) uint64) {
		cs = append(cs, prometheus.NewCounterFunc(
			prometheus.CounterOpts{Namespace: "assay", Subsystem: "worker", Name: name, Help: help},
			func() float64 { return float64(get(n.Worker.Stats())) }))
	}
	stat("jobs_total", "Validator runs.", func(s worker.Stats) uint64 { return s.Jobs })
	stat("unavailable_total", "Jobs that ended UNAVAILABLE.", func(s worker.Stats) uint64 { return s.Unavailable })
	stat("fetch_failed_total", "Fetches that failed.", func(s worker.Stats) uint64 { return s.FetchFailed })
	stat("dropped_total", "Jobs dropped after their commit window.", func(s worker.Stats) uint64 { return s.Dropped })
	stat("commits_total", "Commit entries sent.", func(s worker.Stats) uint64 { return s.Commits })
	stat("reveals_total", "Reveal entries sent.", func(s worker.Stats) uint64 { return s.Reveals })
	stat("rejected_total", "Txs the mempool refused.", func(s worker.Stats) uint64 { return s.Rejected })
	for _, when := range missedDeadlines {
		cs = append(cs, prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "assay", Subsystem: "worker", Name: "missed_deadlines_total",
			Help:        "Jobs that missed their commit window: dropped while queued, or cancelled while running.",
			ConstLabels: prometheus.Labels{"when": when}},
			func() float64 {
				s := n.Worker.Stats()
				if when == "running" {
					return float64(s.Cancelled)
				}
				return float64(s.Dropped - s.Cancelled)
			}))
	}
	cs = append(cs, prometheus.NewGaugeFunc(
		prometheus.GaugeOpts{Namespace: "assay", Subsystem: "worker", Name: "height", Help: "Last committed height the worker saw."},
		func() float64 { return float64(n.Worker.Stats().Height) }))
	cs = append(cs, pinCollectors(n.store)...)
	cs = append(cs, retentionCollectors(n)...)
	cs = append(cs, prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "assay", Subsystem: "plugin", Name: "restarts_total",
		Help: "Restarts of fetcher plugins (starts after each plugin's first)."},
		func() float64 {
			total := 0
			for _, s := range n.mgr.Status() {
				total += max(s.Starts-1, 0)
			}
			return float64(total)
		}))
	if n.metrics != nil {
		cs = append(cs, n.metrics.collectors()...)
	}
	if n.Replica != nil {
		cs = append(cs, replicaCollectors(n.Replica)...)
	}
	return cs
}

// retentionCollectors are the background retention's metrics and the
// pin store's size and free space (docs/node.md, "Retention").
func retentionCollectors(n *Node) []prometheus.Collector {
	stat := func(get func(RetentionStats) float64) func() float64 {
		return func() float64 { return get(n.RetentionStats()) }
	}
	counter := func(name, help string, get func(RetentionStats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "assay", Subsystem: "retention", Name: name, Help: help}, stat(get))
	}
	gauge := func(sub, name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "assay", Subsystem: sub, Name: name, Help: help}, f)
	}
	return []prometheus.Collector{
		counter("passes_total", "Retention passes run.", func(s RetentionStats) float64 { return float64(s.Passes) }),
		counter("failures_total", "Retention passes that failed.", func(s RetentionStats) float64 { return float64(s.Failures) }),
		counter("unpinned_total", "Pins removed by the retention policy.", func(s RetentionStats) float64 { return float64(s.Unpinned) }),
		counter("gc_bytes_total", "Bytes of blocks the GC removed.", func(s RetentionStats) float64 { return float64(s.GCBytes) }),
		gauge("retention", "last_pass_seconds", "Duration of the last retention pass (policy and GC).",
			stat(func(s RetentionStats) float64 { return s.LastPass.Seconds() })),
		gauge("pin", "store_bytes", "Size of the pin store on disk (measured after each retention pass, else at start).",
			func() float64 {
				if d := n.RetentionStats().DiskBytes; d > 0 {
					return float64(d)
				}
				return float64(n.startDisk.Load())
			}),
		gauge("pin", "free_bytes", "Free space for the node on the pin store's file system.",
			func() float64 {
				f, err := n.store.FreeBytes()
				if err != nil {
					return 0
				}
				return float64(f)
			}),
	}
}

// replicaCollectors are the replicator's metrics: assay_replicate_*
// (docs/node.md, "Replication").
func replicaCollectors(r *replica.Replicator) []prometheus.Collector {
	counter := func(name, help string, get func(replica.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(
			prometheus.CounterOpts{Namespace: "assay", Subsystem: "replicate", Name: name, Help: help},
			func() float64 { return float64(get(r.Stats())) })
	}
	gauge := func(name, help string, get func(replica.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(
			prometheus.GaugeOpts{Namespace: "assay", Subsystem: "replicate", Name: name, Help: help},
			func() float64 { return get(r.Stats()) })
	}
	return []prometheus.Collector{
		counter("fetched_total", "Dataset CIDs fetched from attesters and pinned.", func(s replica.Stats) uint64 { return s.Fetched }),
		counter("gateway_total", "Of fetched_total, those fetched from a gateway (bitswap failed).", func(s replica.Stats) uint64 { return s.Gateway }),
		counter("present_total", "Dataset CIDs already pinned (attested by this node).", func(s replica.Stats) uint64 { return s.Present }),
		counter("failed_total", "Dataset CIDs given up after every attempt.", func(s replica.Stats) uint64 { return s.Failed }),
		gauge("queue", "Datasets queued or in flight.", func(s replica.Stats) float64 { return float64(s.Queue) }),
		gauge("cursor", "Height at or below which every dataset is done.", func(s replica.Stats) float64 { return float64(s.Cursor) }),
	}
}

// pinCollectors are the pin store's metrics: assay_pin_* (docs/node.md).
func pinCollectors(s *pin.Store) []prometheus.Collector {
	counter := func(name, help string, get func(pin.Health) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(
			prometheus.CounterOpts{Namespace: "assay", Subsystem: "pin", Name: name, Help: help},
			func() float64 { return float64(get(s.Health())) })
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(
			prometheus.GaugeOpts{Namespace: "assay", Subsystem: "pin", Name: "disk_full",
				Help: "1 while the last write to the pin store's blocks or pin database failed for lack of space."},
			func() float64 {
				if s.Health().DiskFull {
					return 1
				}
				return 0
			}),
		counter("write_errors_total", "Writes to the pin store that failed.", func(h pin.Health) uint64 { return h.WriteErrors }),
		counter("reopens_total", "Reopens of the pin database after a failed write.", func(h pin.Health) uint64 { return h.PinReopens }),
		counter("corrupt_blocks_total", "Block reads that found bytes not matching the CID.", func(h pin.Health) uint64 { return h.CorruptBlocks }),
		counter("repaired_blocks_total", "Corrupt blocks rewritten when their content was pinned again.", func(h pin.Health) uint64 { return h.RepairedBlocks }),
	}
}

// operatorHex is the operator address as penalty events name it.
func operatorHex(op []byte) string { return hex.EncodeToString(op) }
