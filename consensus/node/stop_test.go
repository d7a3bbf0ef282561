package node_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/assaynet/assay/consensus/node"
)

// logBuffer is a goroutine-safe sink for a CometBFT logger.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCleanStopLogsNoErrors stops a node of a two-validator testnet, whose
// consensus reactor has a peer, and then the other: a clean stop logs no
// error-level line (CometBFT's "E[" prefix) and ends in a bounded time.
func TestCleanStopLogsNoErrors(t *testing.T) {
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetConfig{ChainID: chainID, Validators: 2, Fast: true, TimeoutCommit: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	logs := make([]*logBuffer, len(homes))
	nodes := make([]*node.Node, len(homes))
	for i, h := range homes {
		logs[i] = &logBuffer{}
		n, err := node.Open(h.Dir, node.Options{Logger: cmtlog.NewTMLogger(logs[i])})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Start(); err != nil {
			t.Fatal(err)
		}
		nodes[i] = n
	}
	stopped := make([]bool, len(nodes))
	t.Cleanup(func() {
		for i, n := range nodes {
			if !stopped[i] {
				n.Stop()
			}
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for _, n := range nodes {
		for time.Now().Before(deadline) {
			info, err := n.Client().ABCIInfo(context.Background())
			if err == nil && info.Response.LastBlockHeight >= 3 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for i, n := range nodes {
		mark := len(logs[i].String())
		start := time.Now()
		if err := n.Stop(); err != nil {
			t.Errorf("node %d: %v", i, err)
		}
		stopped[i] = true
		took := time.Since(start)
		t.Logf("node %d stopped in %v", i, took)
		if took > 5*time.Second {
			t.Errorf("node %d took %v to stop", i, took)
		}
		for _, line := range strings.Split(logs[i].String()[mark:], "\n") {
			if strings.HasPrefix(line, "E[") {
				t.Errorf("node %d logged an error while stopping: %s", i, line)
			}
		}
	}
}
