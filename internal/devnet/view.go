package devnet

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// maxEvidenceShown is how many of the latest slashes the live view lists.
const maxEvidenceShown = 8

// show draws the live view, or a progress line every 5 s when headless.
func (v *view) show(s *Summary, lastLine *time.Time) {
	if v.o.Headless {
		if lastLine.IsZero() && v.net.Nodes[0].Explorer != "" {
			fmt.Fprintf(v.out, "explorer %s\n", v.net.Nodes[0].Explorer)
		}
		if s.VerifyCommand != "" && !v.verifyShown {
			v.verifyShown = true
			fmt.Fprintf(v.out, "verify a dataset, trusting no node: %s\n", s.VerifyCommand)
		}
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
	latest := append([]Dataset(nil), s.Datasets...)
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
	shown := v.mon.Evidence
	if len(shown) > maxEvidenceShown {
		fmt.Fprintf(&b, "  (%d earlier not shown)\n", len(shown)-maxEvidenceShown)
		shown = shown[len(shown)-maxEvidenceShown:]
	}
	for _, e := range shown {
		fmt.Fprintf(&b, "  %s  %-14s %s round %d  slashed %d  jailed until %d\n", e.Operator, e.Kind, e.Source, e.Round, e.Slashed, e.JailedUntil)
	}
	if x := v.net.Nodes[0].Explorer; x != "" {
		fmt.Fprintf(&b, "\nexplorer  %s   (node 0's web explorer; open it in a browser)\n", x)
	}
	b.WriteString("\ngateways\n")
	for _, g := range s.Gateways {
		fmt.Fprintf(&b, "  %s/ipfs/<cid>\n", g)
	}
	if len(latest) > 0 {
		fmt.Fprintf(&b, "\ntry: assay dataset get %s --gateway %s\n     (every node serves every agreed dataset: the others fetch it from the attesters)\n", latest[0].CID, s.Gateways[0])
	}
	if s.VerifyCommand != "" {
		fmt.Fprintf(&b, "\nverify the latest accepted dataset, trusting no node (docs/consumers.md):\n  %s\n", s.VerifyCommand)
	}
	b.WriteString("\nCtrl-C stops the devnet.\n")
	_, _ = io.WriteString(v.out, b.String())
}
