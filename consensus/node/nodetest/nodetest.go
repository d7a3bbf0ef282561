// Package nodetest starts a real in-process node for other packages'
// tests (consensus/chain, cmd/assay).
package nodetest

import (
	"testing"

	"github.com/assaynet/assay/consensus/node"
)

// Start writes the testnet cfg describes in a temporary directory of t,
// opens and starts its validator 0 in-process (the app and CometBFT, no
// worker) and stops it when t ends. It does not wait for any block: with
// cfg.Validators > 1 the lone validator block-syncs, waiting for peers.
func Start(t testing.TB, cfg node.TestnetConfig) *node.Node {
	t.Helper()
	homes, err := node.WriteTestnet(t.TempDir(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	nd, err := node.Open(homes[0].Dir, node.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := nd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := nd.Stop(); err != nil {
			t.Log(err)
		}
	})
	return nd
}
