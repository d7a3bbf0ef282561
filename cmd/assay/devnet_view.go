package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/devnet"
)

// summary is what --summary-json writes.
type summary struct {
	Blocks           uint64           `json:"blocks"`
	RoundsResolved   int              `json:"rounds_resolved"`
	RoundsUnresolved int              `json:"rounds_unresolved"`
	RoundsOpen       int              `json:"rounds_open"`
	Datasets         []summaryDataset `json:"datasets"`
	Slashes          []summarySlash   `json:"slashes"`
	Gateways         []string         `json:"gateways"`
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

type summaryDataset struct {
	Source string `json:"source"`
	Height uint64 `json:"height"`
	Status string `json:"status"`
	CID    string `json:"cid"`
}

type summarySlash struct {
	Validator string `json:"validator"`
	Reason    string `json:"reason"`
	Amount    uint64 `json:"amount"`
}

func writeSummary(path string, s *summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// view polls node 0 and shows the devnet's progress.
type view struct {
	net        *devnet.Net
	o          devnetOptions
	out        io.Writer
	registered time.Time
	firstData  time.Duration
	evidence   []state.EvidenceView // for the jail column of the live view
	rounds     *roundLog            // rounds seen in the blocks read so far
}

func newView(net *devnet.Net, o devnetOptions, out io.Writer) *view {
	return &view{net: net, o: o, out: out, registered: time.Now(), rounds: newRoundLog()}
}

// run refreshes until ctx ends or a limit is reached and returns the
// final summary.
func (v *view) run(ctx context.Context) (*summary, error) {
	var deadline <-chan time.Time
	if v.o.Duration > 0 {
		deadline = time.After(v.o.Duration - time.Since(v.net.Started))
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	var last *summary
	lastLine := time.Time{}
	for {
		s, err := v.collect(ctx)
		if err == nil {
			last = s
			v.show(s, &lastLine)
			if v.o.Blocks > 0 && s.Blocks >= v.o.Blocks || v.o.until != nil && v.o.until(s) {
				return last, nil
			}
		}
		select {
		case <-ctx.Done():
			return last, nil
		case <-deadline:
			return last, nil
		case <-tick.C:
		}
	}
}

// collect reads the chain's state into a summary.
func (v *view) collect(ctx context.Context) (*summary, error) {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h, err := v.net.Nodes[0].RPC.Height(qctx)
	if err != nil {
		return nil, err
	}
	if err := v.rounds.follow(qctx, v.net.Nodes[0].Client(), h); err != nil {
		return nil, err
	}
	l := v.rounds
	s := &summary{Blocks: h, Slashes: []summarySlash{}, Seconds: time.Since(v.net.Started).Seconds(),
		RoundsOpen: l.open(), RoundsResolved: len(l.datasets), RoundsUnresolved: l.unresolved,
		Datasets: append([]summaryDataset{}, l.datasets...)}
	if len(l.datasets) > 0 {
		s.BlocksToResolve = float64(l.resolveBlocks) / float64(len(l.datasets))
		s.MaxBlocksToResolve = l.maxResolve
		if v.firstData == 0 {
			v.firstData = time.Since(v.net.Started)
		}
		s.FirstDatasetSeconds = v.firstData.Seconds()
	}
	if mins := time.Since(v.registered).Minutes(); mins > 0 {
		s.RoundsPerMinute = float64(s.RoundsResolved) / mins
	}
	ev, err := v.net.Nodes[0].RPC.Chain().Evidence(qctx)
	if err != nil {
		return nil, err
	}
	v.evidence = ev
	for _, e := range ev {
		s.Slashes = append(s.Slashes, summarySlash{e.Operator, e.Kind, e.Slashed})
	}
	for _, nd := range v.net.Nodes {
		s.Gateways = append(s.Gateways, nd.Gateway)
	}
	return s, nil
}

// maxEvidenceShown is how many of the latest slashes the live view lists.
const maxEvidenceShown = 8

// show draws the live view, or a progress line every 5 s when headless.
func (v *view) show(s *summary, lastLine *time.Time) {
	if v.o.Headless {
		if time.Since(*lastLine) < 5*time.Second {
			return
		}
		*lastLine = time.Now()
		fmt.Fprintf(v.out, "[%5.1fs] height %d  rounds open %d resolved %d unresolved %d  blocks to resolve %.1f (max %d)  slashes %d\n",
			s.Seconds, s.Blocks, s.RoundsOpen, s.RoundsResolved, s.RoundsUnresolved, s.BlocksToResolve, s.MaxBlocksToResolve, len(s.Slashes))
		return
	}
	var b strings.Builder
	b.WriteString("\033[H\033[2J")
	fmt.Fprintf(&b, "Assay devnet — %d validators in one process — height %d — %.0fs\n\n", len(v.net.Nodes), s.Blocks, s.Seconds)
	fmt.Fprintf(&b, "rounds   open %d   resolved %d   unresolved %d   (%.1f source-rounds/min, %.1f blocks to resolve)\n\n",
		s.RoundsOpen, s.RoundsResolved, s.RoundsUnresolved, s.RoundsPerMinute, s.BlocksToResolve)
	b.WriteString("latest datasets\n")
	latest := append([]summaryDataset(nil), s.Datasets...)
	sort.SliceStable(latest, func(i, j int) bool { return latest[i].Height > latest[j].Height })
	for i, d := range latest {
		if i == 6 {
			break
		}
		fmt.Fprintf(&b, "  %-10s round %-6d %-9s %s\n", d.Source, d.Height, d.Status, d.CID)
	}
	b.WriteString("\nslashes and jails\n")
	if len(s.Slashes) == 0 {
		b.WriteString("  (none yet; the last validator reports a wrong output)\n")
	}
	shown := v.evidence
	if len(shown) > maxEvidenceShown {
		fmt.Fprintf(&b, "  (%d earlier not shown)\n", len(shown)-maxEvidenceShown)
		shown = shown[len(shown)-maxEvidenceShown:]
	}
	for _, e := range shown {
		fmt.Fprintf(&b, "  %s  %-14s %s round %d  slashed %d  jailed until %d\n", e.Operator, e.Kind, e.Source, e.Round, e.Slashed, e.JailedUntil)
	}
	b.WriteString("\ngateways\n")
	for _, g := range s.Gateways {
		fmt.Fprintf(&b, "  %s/ipfs/<cid>\n", g)
	}
	if len(latest) > 0 {
		fmt.Fprintf(&b, "\ntry: assay dataset get %s --gateway %s\n     (the nodes that validated a round serve it)\n", latest[0].CID, s.Gateways[0])
	}
	b.WriteString("\nCtrl-C stops the devnet.\n")
	_, _ = io.WriteString(v.out, b.String())
}
