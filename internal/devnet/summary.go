package devnet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	// CPUPercent is the process's CPU time (user + system) over the run's
	// wall time, in percent of one core; MaxRSSBytes its peak resident
	// set (both from getrusage, 0 where it is not available).
	CPUPercent  float64 `json:"cpu_percent"`
	MaxRSSBytes int64   `json:"max_rss_bytes"`
	// HonestSlashed counts evidence against validators other than the
	// faulty one (the last); it must stay 0.
	HonestSlashed int `json:"honest_slashed"`
	// VerifyCommand is the `assay dataset verify` command that proves the
	// latest ACCEPTED dataset (of the newest dataset's source) from a
	// header of this devnet, trusting no node ("" before the first).
	VerifyCommand string `json:"verify_command,omitempty"`
}

// Row formats s as a row of the README's devnet table: what ran, source
// rounds resolved per minute, resolved of due (with the unresolved and
// the honest validators' evidence), mean (max) blocks from a round's
// opening to its resolution, peak RSS and CPU.
func (s *Summary) Row(what string) string {
	due := s.RoundsResolved + s.RoundsUnresolved
	pct := 100.0
	if due > 0 {
		pct = 100 * float64(s.RoundsResolved) / float64(due)
	}
	return fmt.Sprintf("| %s | %.0f | %.1f %% (%d unresolved, %d honest slashed) | %.2f (%d) | %d MB | %.0f %% of one core |",
		what, s.RoundsPerMinute, pct, s.RoundsUnresolved, s.HonestSlashed, s.BlocksToResolve, s.MaxBlocksToResolve,
		s.MaxRSSBytes>>20, s.CPUPercent)
}

// Dataset is a resolved round of the Summary.
type Dataset struct {
	Source string `json:"source"`
	Height uint64 `json:"height"`
	Status string `json:"status"`
	CID    string `json:"cid"`
	// ResolvedAt is the block that resolved the round: ResolvedAt −
	// Height is its blocks to resolve.
	ResolvedAt uint64 `json:"resolved_at"`
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
	rounds     *roundLog  // rounds seen in the blocks read so far
	trust      *trustRoot // of VerifyCommand, taken once
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
	faulty := m.faultyOperator()
	for _, e := range ev {
		s.Slashes = append(s.Slashes, Slash{e.Operator, e.Kind, e.Slashed})
		if e.Operator != faulty {
			s.HonestSlashed++
		}
	}
	if wall := time.Since(m.net.Started); wall > 0 {
		cpu, rss := usage()
		s.CPUPercent = 100 * (cpu - m.net.cpuAtStart).Seconds() / wall.Seconds()
		s.MaxRSSBytes = rss
	}
	for _, nd := range m.net.Nodes {
		s.Gateways = append(s.Gateways, nd.Gateway)
	}
	if s.VerifyCommand, err = m.verifyCommand(qctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// faultyOperator is the hex operator address of the validator that runs
// the fault ("" when the network has none).
func (m *Monitor) faultyOperator() string {
	if m.net.fault == "" || len(m.net.Nodes) == 0 {
		return ""
	}
	return hex.EncodeToString(m.net.Nodes[len(m.net.Nodes)-1].Operator)
}
