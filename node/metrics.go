package node

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/assaynet/assay/consensus/worker"
	"github.com/assaynet/assay/node/replica"
	"github.com/assaynet/assay/runtime/pin"
)

var metricsOnce sync.Once

// registerMetrics adds the worker's and the pin store's counters to the
// default Prometheus registry, which CometBFT's metrics endpoint serves
// (config.toml instrumentation.prometheus_listen_addr), so Assay's metrics
// sit beside CometBFT's. One node per process.
func registerMetrics(n *Node) {
	metricsOnce.Do(func() {
		stat := func(name, help string, get func(worker.Stats) uint64) {
			prometheus.MustRegister(prometheus.NewCounterFunc(
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
		prometheus.MustRegister(prometheus.NewGaugeFunc(
			prometheus.GaugeOpts{Namespace: "assay", Subsystem: "worker", Name: "height", Help: "Last committed height the worker saw."},
			func() float64 { return float64(n.Worker.Stats().Height) }))
		prometheus.MustRegister(pinCollectors(n.store)...)
		if n.Replica != nil {
			prometheus.MustRegister(replicaCollectors(n.Replica)...)
		}
	})
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
