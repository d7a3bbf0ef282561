package node

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/assaynet/assay/node/replica"
	"github.com/assaynet/assay/runtime/pin"
)

// TestPinMetrics: the pin store's health is exported under assay_pin_*.
func TestPinMetrics(t *testing.T) {
	s, err := pin.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(pinCollectors(s)...)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			got[f.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	for _, name := range []string{
		"assay_pin_disk_full", "assay_pin_write_errors_total", "assay_pin_reopens_total",
		"assay_pin_corrupt_blocks_total", "assay_pin_repaired_blocks_total",
	} {
		v, ok := got[name]
		if !ok {
			t.Errorf("metric %s missing (have %v)", name, got)
		} else if v != 0 {
			t.Errorf("%s = %v on a fresh store, want 0", name, v)
		}
	}
}

// TestReplicaMetrics: the replicator's counters are exported under
// assay_replicate_*.
func TestReplicaMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(replicaCollectors(replica.New(replica.Config{}))...)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range families {
		got[f.GetName()] = true
	}
	for _, name := range []string{
		"assay_replicate_fetched_total", "assay_replicate_gateway_total", "assay_replicate_present_total",
		"assay_replicate_failed_total", "assay_replicate_queue", "assay_replicate_cursor",
	} {
		if !got[name] {
			t.Errorf("metric %s missing (have %v)", name, got)
		}
	}
}
