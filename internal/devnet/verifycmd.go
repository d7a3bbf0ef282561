package devnet

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	cometnode "github.com/assaynet/assay/consensus/node"
)

// trustRoot is the header a devnet's verify command trusts: one the
// devnet's own node 0 committed (the person running the devnet trusts
// it; a consumer would take it from a source they trust).
type trustRoot struct {
	height int64
	hash   string
	nodes  string // RPC addresses: node 0, then node 1 as a witness
}

// verifyCommand returns the `assay dataset verify` command that proves
// the latest ACCEPTED dataset of the source of s's newest dataset, with
// the gateway of a node that attested it, or "" when there is none yet.
func (m *Monitor) verifyCommand(ctx context.Context, s *Summary) (string, error) {
	if len(s.Datasets) == 0 {
		return "", nil
	}
	if m.trust == nil {
		t, err := m.newTrustRoot(ctx, s.Blocks)
		if err != nil {
			return "", err
		}
		m.trust = t
	}
	newest := s.Datasets[0]
	for _, d := range s.Datasets {
		if d.Height > newest.Height {
			newest = d
		}
	}
	d, _, err := m.net.Nodes[0].RPC.Chain().LatestDataset(ctx, newest.Source, "ACCEPTED")
	if err != nil {
		return "", nil // none accepted yet
	}
	gw := ""
	for _, a := range d.Attesters {
		for _, nd := range m.net.Nodes {
			if gw == "" && hex.EncodeToString(nd.Operator) == a && nd.Gateway != "" {
				gw = " --gateway " + nd.Gateway
			}
		}
	}
	return fmt.Sprintf("assay dataset verify %s %d --node %s --trust-height %d --trust-hash %s%s",
		d.Source, d.Round, m.trust.nodes, m.trust.height, m.trust.hash, gw), nil
}

// newTrustRoot takes header h (at least 1) from node 0 and the RPC
// addresses of nodes 0 and 1.
func (m *Monitor) newTrustRoot(ctx context.Context, h uint64) (*trustRoot, error) {
	t := &trustRoot{height: int64(max(h, 1))}
	c, err := m.net.Nodes[0].Client().Commit(ctx, &t.height)
	if err != nil {
		return nil, fmt.Errorf("devnet: trust root: %w", err)
	}
	t.hash = strings.ToUpper(hex.EncodeToString(c.SignedHeader.Hash()))
	var addrs []string
	for _, nd := range m.net.Nodes[:min(2, len(m.net.Nodes))] {
		cfg, err := cometnode.LoadConfig(nd.Home)
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, cfg.RPC.ListenAddress)
	}
	t.nodes = strings.ReplaceAll(strings.Join(addrs, ","), "0.0.0.0", "127.0.0.1")
	return t, nil
}
