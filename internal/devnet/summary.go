package devnet

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/assaynet/assay/consensus/state"
)

// Summary is what a run reports and `assay devnet --summary-json` writes:
// outside tools parse it, so only add fields.
type Summary struct {
	Blocks           uint64    `json:"blocks"`
	RoundsResolved   int       `json:"rounds_resolved"`
	RoundsUnresolved int       `json:"rounds_unresolved"`
	RoundsOpen       int       `json:"rounds_open"`
	Datasets         []Dataset `json:"datasets"`
	Slashes          []Slash   `json:"slashes"`
	Gateways         []string  `json:"gateways"`
	// Seconds is the run time; FirstDatasetSeconds when the first
	// dataset was seen (both from process start).
	Seconds             float64 `json:"seconds"`
	FirstDatasetSeconds float64 `json:"first_dataset_seconds,omitempty"`
	// RoundsPerMinute is resolved source-rounds per minute since the
	// sources were registered; BlocksToResolve the mean blocks from a
	// round's height to the block that resolved it, MaxBlocksToResolve
	// the most any round took.
	RoundsPerMinute    float64 `json:"source_rounds_per_minute"`
	BlocksToResolve    float64 `json:"mean_blocks_to_resolve"`
	MaxBlocksToResolve uint64  `json:"max_blocks_to_resolve"`
}

// Dataset is a resolved round of the Summary.
type Dataset struct {
	Source string `json:"source"`
	Height uint64 `json:"height"`
	Status string `json:"status"`
	CID    string `json:"cid"`
}

// Slash is a penalty of the Summary.
type Slash struct {
	Validator string `json:"validator"`
	Reason    string `json:"reason"`
	Amount    uint64 `json:"amount"`
}

// WriteFile writes s as indented JSON and a newline to path.
func (s *Summary) WriteFile(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Monitor reads a running devnet's progress from node 0 into Summaries.
// It follows the chain's block events, so a Collect reads only the blocks
// since the last.
type Monitor struct {
	net        *Net
	registered time.Time
	firstData  time.Duration
	rounds     *roundLog // rounds seen in the blocks read so far
	// Evidence is the chain's penalty evidence as of the last Collect.
	Evidence []state.EvidenceView
}

// NewMonitor returns a Monitor of net whose rounds-per-minute count from
// now (call it once the sources are registered).
func NewMonitor(net *Net) *Monitor {
	return &Monitor{net: net, registered: time.Now(), rounds: newRoundLog()}
}

// Collect reads the chain's state into a summary.
func (m *Monitor) Collect(ctx context.Context) (*Summary, error) {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h, err := m.net.Nodes[0].RPC.Height(qctx)
	if err != nil {
		return nil, err
	}
	if err := m.rounds.follow(qctx, m.net.Nodes[0].Client(), h); err != nil {
		return nil, err
	}
	l := m.rounds
	s := &Summary{Blocks: h, Slashes: []Slash{}, Seconds: time.Since(m.net.Started).Seconds(),
		RoundsOpen: l.open(), RoundsResolved: len(l.datasets), RoundsUnresolved: l.unresolved,
		Datasets: append([]Dataset{}, l.datasets...)}
	if len(l.datasets) > 0 {
		s.BlocksToResolve = float64(l.resolveBlocks) / float64(len(l.datasets))
		s.MaxBlocksToResolve = l.maxResolve
		if m.firstData == 0 {
			m.firstData = time.Since(m.net.Started)
		}
		s.FirstDatasetSeconds = m.firstData.Seconds()
	}
	if mins := time.Since(m.registered).Minutes(); mins > 0 {
		s.RoundsPerMinute = float64(s.RoundsResolved) / mins
	}
	ev, err := m.net.Nodes[0].RPC.Chain().Evidence(qctx)
	if err != nil {
		return nil, err
	}
	m.Evidence = ev
	for _, e := range ev {
		s.Slashes = append(s.Slashes, Slash{e.Operator, e.Kind, e.Slashed})
	}
	for _, nd := range m.net.Nodes {
		s.Gateways = append(s.Gateways, nd.Gateway)
	}
	return s, nil
}
