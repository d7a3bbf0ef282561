package main

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/assaynet/assay/consensus/worker"
)

var metricsOnce sync.Once

// registerMetrics adds the worker's counters to the default Prometheus
// registry, which CometBFT's metrics endpoint serves (config.toml
// instrumentation.prometheus_listen_addr), so Assay's metrics sit beside
// CometBFT's. One node per process.
func registerMetrics(n *assayNode) {
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
	})
}
