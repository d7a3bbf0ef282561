package node_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/node"
)

// TestRestart stops a single validator and starts it again from its home:
// the handshake (Info) must line up with CometBFT's stores and blocks go on.
func TestRestart(t *testing.T) {
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetConfig{ChainID: chainID, Validators: 1, Fast: true, TimeoutCommit: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run := func(minHeight int64) int64 {
		n, err := node.Open(homes[0], node.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := n.Stop(); err != nil {
				t.Error(err)
			}
		}()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			// the app's own height: CometBFT's block store can be one
			// block ahead while the app commits it
			info, err := n.Client().ABCIInfo(context.Background())
			if err == nil && info.Response.LastBlockHeight >= minHeight {
				return info.Response.LastBlockHeight
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("height %d not reached", minHeight)
		return 0
	}
	h1 := run(5)
	h2 := run(h1 + 3)
	if h2 < h1+3 {
		t.Fatalf("after restart at %d, app at %d", h1, h2)
	}
}

func TestInitHome(t *testing.T) {
	home := t.TempDir()
	if err := node.InitHome(home, node.TestnetConfig{ChainID: chainID, BasePort: 36656}); err != nil {
		t.Fatal(err)
	}
	cfg, err := node.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RPC.ListenAddress != "tcp://127.0.0.1:36657" || cfg.Consensus.TimeoutCommit != 100*time.Millisecond {
		t.Fatalf("config %s %s", cfg.RPC.ListenAddress, cfg.Consensus.TimeoutCommit)
	}
	if _, err := node.LoadOrGenOperatorKey(home); err != nil {
		t.Fatal(err)
	}
	if err := node.InitHome(home, node.TestnetConfig{}); err == nil {
		t.Fatal("empty chain id accepted")
	}
	if err := node.InitHome(home, node.TestnetConfig{ChainID: chainID}); !errors.Is(err, node.ErrTestnet) {
		t.Fatalf("re-init of a home: %v", err)
	}
}
