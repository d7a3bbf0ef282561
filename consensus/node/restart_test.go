package node_test

import (
	"context"
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
			st, err := n.Client().Status(context.Background())
			if err == nil && st.SyncInfo.LatestBlockHeight >= minHeight {
				info, err := n.Client().ABCIInfo(context.Background())
				if err != nil {
					t.Fatal(err)
				}
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
