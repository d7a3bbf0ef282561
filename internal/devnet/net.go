// Package devnet runs a network of Assay validators in one process: the
// node homes (node.WriteTestnet), one sandbox shared by every node so a
// validator compiles once, and a mock exchange on loopback that the
// example sources fetch from (net.go, exchange.go). On top of a Net:
// RegisterSources registers the example sources (register.go), a
// Monitor follows the chain's block events into a Summary, the
// `assay devnet --summary-json` contract (follow.go, summary.go), and Run
// does all of it, drawing the live view or progress lines (run.go,
// view.go). `assay devnet` is flags over Run (its defaults.go gives the
// CLI's compiled-code cache directory and the generated symbols of load
// tests); tests drive a Net or Run directly.
//
// # Example
//
//	net, err := devnet.Start(ctx, dir, devnet.Config{Validators: 4, Fault: "wrong-output"})
//	defer net.Stop()
//	err = devnet.WaitHeight(ctx, net.Nodes[0], 1)
//	url := net.Exchange.URL + "/price/BTC-USD?height={{height}}"
package devnet

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/runtime/sandbox"
)

// ChainID is the devnet's chain.
const ChainID = "assay-devnet"

// Stake is every validator's stake.
const Stake = 100

// LogFile is the file in the devnet's directory that gets every node's log.
const LogFile = "devnet.log"

// Config shapes a devnet.
type Config struct {
	Validators int
	BasePort   int           // node i uses BasePort+10i .. +6
	BlockTime  time.Duration // CometBFT timeout_commit
	Fault      string        // fault of the last validator ("" for none)
	Jobs       int           // worker concurrency per node (0: the default)
	// GenesisParams is the genesis params JSON ("" = the chain's defaults).
	GenesisParams string
	// CacheDir is the compiled validator cache of the shared sandbox
	// ("" = none).
	CacheDir string
	// Retention overrides every node's [retention] when set (the soak
	// test runs with and without it).
	Retention *node.RetentionConfig
}

// Net is a running devnet.
type Net struct {
	// Nodes are the validators, node 0 first; the last runs Config.Fault.
	Nodes []*node.Node
	// Runtime is the sandbox every node shares.
	Runtime *sandbox.Runtime
	// Exchange is the mock upstream the nodes may fetch from.
	Exchange *Exchange
	// Started is when Start began.
	Started time.Time

	logFile    *os.File
	fault      string        // Config.Fault
	cpuAtStart time.Duration // the process's CPU time when Start began
}

// Start writes c.Validators homes under dir and starts their nodes, the
// shared sandbox and the mock exchange. The nodes log to dir/devnet.log.
// On error whatever started is stopped.
func Start(ctx context.Context, dir string, c Config) (*Net, error) {
	faults := map[int]string{}
	if c.Fault != "" {
		faults[c.Validators-1] = c.Fault
	}
	// The nodes fetch from the mock exchange on loopback: opt in to it.
	homes, err := node.WriteTestnet(dir, node.TestnetOptions{ChainID: ChainID, Nodes: c.Validators, BasePort: c.BasePort,
		Stake: Stake, TimeoutCommit: c.BlockTime, Faults: faults, Concurrency: c.Jobs, Params: c.GenesisParams,
		AllowPrivateRanges: []string{ExchangeRange}, CORSOrigins: []string{"*"}})
	if err != nil {
		return nil, err
	}
	d := &Net{Started: time.Now(), fault: c.Fault}
	d.cpuAtStart, _ = usage()
	if d.Exchange, err = StartExchange(); err != nil {
		return nil, err
	}
	if d.logFile, err = os.Create(filepath.Join(dir, LogFile)); err != nil {
		d.Stop()
		return nil, err
	}
	if d.Runtime, err = sandbox.New(ctx, sandbox.Config{CacheDir: c.CacheDir}); err != nil {
		d.Stop()
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(d.logFile, nil))
	for i, h := range homes {
		// node 0 serves the explorer; one is enough in one process
		n, err := node.Start(ctx, h.Dir, node.Options{Runtime: d.Runtime, NoPrometheus: true, Logger: logger.With("node", i), NoExplorer: i > 0,
			Retention: c.Retention})
		if err != nil {
			d.Stop()
			return nil, fmt.Errorf("node %d: %w", i, err)
		}
		d.Nodes = append(d.Nodes, n)
	}
	return d, nil
}

// Stop stops the nodes (the last first), the sandbox and the exchange.
func (d *Net) Stop() {
	for i := len(d.Nodes) - 1; i >= 0; i-- {
		d.Nodes[i].Stop()
	}
	if d.Runtime != nil {
		_ = d.Runtime.Close(context.Background())
	}
	if d.Exchange != nil {
		d.Exchange.Close()
	}
	if d.logFile != nil {
		_ = d.logFile.Close()
	}
}

// WaitHeight waits until n has committed height h, or ctx ends.
func WaitHeight(ctx context.Context, n *node.Node, h uint64) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		got, err := n.RPC.Height(ctx)
		if err == nil && got >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for height %d: %w", h, ctx.Err())
		case <-tick.C:
		}
	}
}
