package node

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/assaynet/assay/consensus/worker"
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
	})
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
