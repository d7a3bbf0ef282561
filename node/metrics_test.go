package node

import (
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

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

// TestBlockEventMetrics: round_closed events count by phase (and per
// listed source), penalty events count only for this node's operator,
// and the jailed gauge follows jailed_until against the last block.
func TestBlockEventMetrics(t *testing.T) {
	m := newMetrics("aabb", []string{"feed"})
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.collectors()...)
	ev := func(typ string, kv ...string) abci.Event {
		e := abci.Event{Type: typ}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Attributes = append(e.Attributes, abci.EventAttribute{Key: kv[i], Value: kv[i+1]})
		}
		return e
	}
	m.blockEvents(10, []abci.Event{
		ev("round_closed", "source", "feed", "phase", "PHASE_RESOLVED"),
		ev("round_closed", "source", "other", "phase", "PHASE_RESOLVED"),
		ev("round_closed", "source", "feed", "phase", "PHASE_UNRESOLVED"),
		ev("round_closed", "source", "feed", "phase", "PHASE_REVEAL"), // not a close
		ev("penalty", "operator", "AABB", "kind", "EVIDENCE_WRONG_VERDICT", "slashed", "7", "jailed_until", "20"),
		ev("penalty", "operator", "ccdd", "kind", "EVIDENCE_MISSED", "slashed", "5", "jailed_until", "30"),
		ev("penalty", "operator", "aabb", "kind", "EVIDENCE_SOMETHING_NEW", "slashed", "1", "jailed_until", "0"),
	})
	value := func(name string, labels map[string]string) float64 {
		fams, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			if f.GetName() != name {
				continue
			}
		metric:
			for _, mm := range f.GetMetric() {
				for _, lp := range mm.GetLabel() {
					if labels[lp.GetName()] != lp.GetValue() {
						continue metric
					}
				}
				return mm.GetCounter().GetValue() + mm.GetGauge().GetValue()
			}
		}
		t.Fatalf("no %s %v", name, labels)
		return 0
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"assay_chain_rounds_closed_total", map[string]string{"phase": "resolved"}, 2},
		{"assay_chain_rounds_closed_total", map[string]string{"phase": "unresolved"}, 1},
		{"assay_source_rounds_closed_total", map[string]string{"source": "feed", "phase": "resolved"}, 1},
		{"assay_node_penalties_total", map[string]string{"kind": "wrong_verdict"}, 1},
		{"assay_node_penalties_total", map[string]string{"kind": "missed"}, 0},
		{"assay_node_penalties_total", map[string]string{"kind": "other"}, 1},
		{"assay_node_slashed_stake_total", nil, 8},
		{"assay_node_jailed", nil, 0}, // the last penalty's jailed_until is 0
		{"assay_chain_events_height", nil, 10},
	} {
		if got := value(tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	m.blockEvents(11, []abci.Event{ev("penalty", "operator", "aabb", "kind", "EVIDENCE_MISSED", "slashed", "0", "jailed_until", "15")})
	if got := value("assay_node_jailed", nil); got != 1 {
		t.Errorf("jailed at 11 until 15: %v, want 1", got)
	}
	m.blockEvents(15, nil)
	if got := value("assay_node_jailed", nil); got != 0 {
		t.Errorf("jailed at 15 until 15: %v, want 0", got)
	}
}

// TestMetricsConfig: [metrics] sources must be distinct, non-empty and
// at most MaxMetricsSources.
func TestMetricsConfig(t *testing.T) {
	many := make([]string, MaxMetricsSources+1)
	for i := range many {
		many[i] = fmt.Sprint("s", i)
	}
	for _, tc := range []struct {
		sources []string
		want    string
	}{
		{[]string{"a", "b"}, ""},
		{[]string{"a", "a"}, `"a" listed twice`},
		{[]string{""}, "empty source"},
		{many, "at most 256"},
	} {
		c := Default("")
		c.Metrics.Sources = tc.sources
		err := c.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%d sources: err %v, want %q", len(tc.sources), err, tc.want)
		}
	}
}
