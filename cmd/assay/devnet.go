package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/devnet"
	"github.com/assaynet/assay/node"
)

func init() {
	register(command{name: "devnet", summary: "the one-command demo: validators in one process, example sources, a faulty node, a live view", run: runDevnet})
}

// runDevnet is `assay devnet`: flags over devnet.Run, a CPU profile and
// the summary file.
func runDevnet(c *cmd, args []string) int {
	fs := c.fs
	o := devnet.RunOptions{}
	cliflag.Int(fs, &o.Validators, "validators", 4, 1, maxNodesFlag, "validators in the process")
	cliflag.Uint(fs, &o.Blocks, "blocks", 0, 0, maxHeightFlag, "stop at this height (0: run until Ctrl-C)")
	cliflag.Duration(fs, &o.Duration, "duration", 0, 0, maxDurationFlag, "stop after this long (0: run until Ctrl-C)")
	summaryPath := fs.String("summary-json", "", "write a JSON summary to FILE on exit")
	row := fs.Bool("row", false, "print the README devnet table row of the run on exit")
	fs.BoolVar(&o.Headless, "headless", false, "print progress lines instead of the live view")
	fs.StringVar(&o.Dir, "dir", "", "keep the node homes in DIR (default: a temp dir, removed on exit)")
	cliflag.Int(fs, &o.BasePort, "base-port", 26700, 1, maxBasePort, "node i uses base-port+10i .. +6 (p2p, rpc, metrics, gateway, api, explorer, libp2p)")
	fs.StringVar(&o.Code, "code", devnet.Builtin, "validator program of the example sources: a .wasm file, or "+devnet.Builtin+" (examples/jsonfields, built into assay)")
	fs.StringVar(&o.Params, "params", devnet.Builtin, "params of the example sources: a file, \"\" for none, or "+devnet.Builtin+" (its ticker fields)")
	symbols := fs.String("symbols", "BTC-USD,ETH-USD", "one source per symbol, served by the mock exchange")
	var nsources int
	cliflag.Int(fs, &nsources, "sources", 0, 0, 100_000, "instead of --symbols, N generated sources (load tests)")
	cliflag.Uint(fs, &o.Every, "every", 2, 1, 1<<20, "blocks between rounds of each source")
	cliflag.Uint(fs, &o.Replicas, "k", 3, 1, maxReplicasFlag, "replicas per round")
	fs.StringVar(&o.Fault, "fault", "wrong-output", "fault of the last validator (\"\" for none)")
	fs.StringVar(&o.CacheDir, "cache-dir", devnet.DefaultCacheDir(), "compiled validator cache, kept across runs")
	cliflag.Int(fs, &o.Jobs, "concurrency", 8, 1, 4096, "validator jobs in flight per node")
	cliflag.Duration(fs, &o.BlockTime, "block-time", 500*time.Millisecond, 0, time.Hour, "CometBFT timeout_commit: the pause after each block (1s gives about one block per second)")
	fs.BoolVar(&o.Spread, "spread", true, "register the sources over --every blocks so their rounds spread evenly (false: all in one block)")
	cpuProfile := fs.String("cpu-profile", "", "write a CPU profile of the run to FILE (go tool pprof)")
	pprofAddr := fs.String("pprof", "", "serve /debug/pprof on ADDR (a loopback host:port) with block and mutex profiles sampled, for go tool pprof")
	fs.StringVar(&o.GenesisParams, "genesis-params", `{"commit_window":"4","reveal_window":"4","jail_blocks":"100"}`, "genesis params JSON")
	if cliflag.Parse(fs, args) != nil || !cliflag.NoArgs(fs) {
		return 2
	}
	if err := node.CheckNet(o.Validators, o.BasePort, 100, false); err != nil {
		return c.fail(2, err)
	}
	o.Symbols = strings.Split(*symbols, ",")
	if nsources > 0 {
		o.Symbols = devnet.GeneratedSymbols(nsources)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfiling, err := devnet.StartProfiling(*cpuProfile, *pprofAddr)
	defer stopProfiling()
	if err != nil {
		return c.fail(1, err)
	}
	sum, err := devnet.Run(ctx, o, c.stdout)
	if *summaryPath != "" && sum != nil {
		if werr := sum.WriteFile(*summaryPath); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return c.fail(1, err)
	}
	if *row {
		fmt.Fprintln(c.stdout, sum.Row(fmt.Sprintf("%d sources every %d blocks, k = %d, C = %d, %s, %s blocks",
			len(o.Symbols), o.Every, o.Replicas, o.Jobs, filepath.Base(o.Code), o.BlockTime)))
	}
	return 0
}
