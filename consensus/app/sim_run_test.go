package app_test

import (
	"os"
	"testing"
)

// runSim drives one seeded simulation for blocks blocks, restarting the
// on-disk replica half way.
func runSim(t *testing.T, seed uint64, n, blocks int) map[string]int {
	s := newSim(t, seed, n)
	for i := 0; i < blocks; i++ {
		s.step()
		if i == blocks/2 {
			s.restartDisk()
		}
	}
	return s.stats
}

func TestSimulation(t *testing.T) {
	cases := []struct {
		seed   uint64
		n      int
		blocks int
	}{
		{1, 4, 80}, {2, 7, 80}, {3, 13, 60}, {4, 50, 40},
	}
	if os.Getenv("ASSAY_LONG") != "" {
		for seed := uint64(100); seed < 160; seed++ {
			cases = append(cases, struct {
				seed   uint64
				n      int
				blocks int
			}{seed, 4 + int(seed%47), 150})
		}
	}
	for _, c := range cases {
		stats := runSim(t, c.seed, c.n, c.blocks)
		if stats["rounds"] == 0 || stats["RESOLVED"] == 0 {
			t.Fatalf("seed %d: simulation closed no resolved round: %v", c.seed, stats)
		}
		t.Logf("seed %d, %d validators, %d blocks: %v", c.seed, c.n, c.blocks, stats)
	}
}
