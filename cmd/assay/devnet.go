package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/internal/devnet"
)

func init() {
	register(command{name: "devnet", summary: "the one-command demo: validators in one process, example sources, a faulty node, a live view", run: runDevnet})
}

// runDevnet is `assay devnet`: flags over devnet.Run, a CPU profile and
// the summary file.
func runDevnet(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay devnet", stderr)
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
	if cliflag.Parse(fs, args) != nil || !noArgs(fs) {
		return 2
	}
	if err := checkNet(o.Validators, o.BasePort, 100, false); err != nil {
		fmt.Fprintf(stderr, "assay devnet: %v\n", err)
		return 2
	}
	o.Symbols = strings.Split(*symbols, ",")
	if nsources > 0 {
		o.Symbols = devnet.GeneratedSymbols(nsources)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "assay devnet: cpu profile: %v\n", err)
			return 1
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if *pprofAddr != "" {
		stopPprof, err := servePprof(*pprofAddr)
		if err != nil {
			fmt.Fprintf(stderr, "assay devnet: pprof: %v\n", err)
			return 1
		}
		defer stopPprof()
	}
	sum, err := devnet.Run(ctx, o, stdout)
	if *summaryPath != "" && sum != nil {
		if werr := sum.WriteFile(*summaryPath); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay devnet: %v\n", err)
		return 1
	}
	if *row {
		fmt.Fprintln(stdout, sum.Row(fmt.Sprintf("%d sources every %d blocks, k = %d, C = %d, %s, %s blocks",
			len(o.Symbols), o.Every, o.Replicas, o.Jobs, filepath.Base(o.Code), o.BlockTime)))
	}
	return 0
}

// servePprof serves net/http/pprof's handlers on addr, which must be a
// loopback address, and samples the block profile (one event per 10 µs
// blocked) and the mutex profile (one contention in 5) until the
// returned stop.
func servePprof(addr string) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof %q: want host:port", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--pprof %q: the host must be loopback", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	runtime.SetBlockProfileRate(10_000) // one sample per 10 µs blocked
	runtime.SetMutexProfileFraction(5)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		_ = srv.Close()
		runtime.SetBlockProfileRate(0)
		runtime.SetMutexProfileFraction(0)
	}, nil
}
