package devnet

import "testing"

// TestSummaryRow: the README row of a summary, one per case.
func TestSummaryRow(t *testing.T) {
	for _, tc := range []struct {
		s    Summary
		want string
	}{
		{Summary{RoundsResolved: 17200, RoundsPerMinute: 6179.6, BlocksToResolve: 2, MaxBlocksToResolve: 2, MaxRSSBytes: 548 << 20, CPUPercent: 35.2},
			"| w | 6180 | 100.0 % (0 unresolved, 0 honest slashed) | 2.00 (2) | 548 MB | 35 % of one core |"},
		{Summary{RoundsResolved: 3, RoundsUnresolved: 1, HonestSlashed: 2, RoundsPerMinute: 1, BlocksToResolve: 3.5, MaxBlocksToResolve: 5},
			"| w | 1 | 75.0 % (1 unresolved, 2 honest slashed) | 3.50 (5) | 0 MB | 0 % of one core |"},
		{Summary{}, "| w | 0 | 100.0 % (0 unresolved, 0 honest slashed) | 0.00 (0) | 0 MB | 0 % of one core |"},
	} {
		if got := tc.s.Row("w"); got != tc.want {
			t.Errorf("Row:\n got %s\nwant %s", got, tc.want)
		}
	}
}
