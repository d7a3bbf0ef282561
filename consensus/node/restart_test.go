package node_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/tx"
)

// TestRestart stops a single validator and starts it again from its home:
// the handshake (Info) must line up with CometBFT's stores and blocks go on.
func TestRestart(t *testing.T) {
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetConfig{ChainID: chainID, Validators: 1, Fast: true, TimeoutCommit: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run := func(minHeight int64) int64 {
		n, err := node.Open(homes[0].Dir, node.Options{})
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

// TestInitHome writes one home and reads it back as Open does; a second
// InitHome over it, or a bad config, is ErrTestnet.
func TestInitHome(t *testing.T) {
	home := t.TempDir()
	h, err := node.InitHome(home, node.TestnetConfig{ChainID: chainID, BasePort: 36656})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := node.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RPC.ListenAddress != "tcp://127.0.0.1:36657" || cfg.Consensus.TimeoutCommit != 100*time.Millisecond ||
		h.Ports != (node.Ports{P2P: 36656, RPC: 36657, Prometheus: 36658, Gateway: 36659}) {
		t.Fatalf("config %s %s, ports %+v", cfg.RPC.ListenAddress, cfg.Consensus.TimeoutCommit, h.Ports)
	}
	key, err := node.LoadOrGenOperatorKey(home)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(tx.Address(key.Public().(ed25519.PublicKey))); got != h.Operator {
		t.Fatalf("operator key %s, Home.Operator %s", got, h.Operator)
	}
	for _, tc := range []struct {
		name string
		home string
		cfg  node.TestnetConfig
	}{
		{"no chain id", t.TempDir(), node.TestnetConfig{}},
		{"existing home", home, node.TestnetConfig{ChainID: chainID}},
		{"zero stake", t.TempDir(), node.TestnetConfig{ChainID: chainID, Stakes: []uint64{0}}},
		{"hosts mismatch", t.TempDir(), node.TestnetConfig{ChainID: chainID, Hosts: []string{"a", "b"}}},
	} {
		if _, err := node.InitHome(tc.home, tc.cfg); !errors.Is(err, node.ErrTestnet) {
			t.Errorf("%s: %v, want ErrTestnet", tc.name, err)
		}
	}
}
