package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	cometnode "github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/node"
)

func init() {
	register(command{name: "init", summary: "write a single-validator node home (CometBFT config + assay.toml)", run: runInit})
	register(command{name: "start", summary: "run a node: CometBFT, the app, the worker, the pin store and gateway, the HTTP API", run: runStart})
	register(command{name: "testnet", summary: "write N node homes (loopback ports, or --hosts) sharing one genesis", run: runTestnet})
}

func runInit(c *cmd, args []string) int {
	fs, stdout := c.fs, c.stdout
	home := fs.String("home", "", "node home directory (required)")
	chainID := fs.String("chain-id", "assay-local", "chain id")
	var stake uint64
	var port int
	cliflag.Uint(fs, &stake, "stake", 100, 1, maxStakeFlag, "the validator's stake")
	cliflag.Int(fs, &port, "base-port", cometnode.DefaultBasePort, 1, maxBasePort, "first of the node's seven loopback ports (p2p, rpc, metrics, gateway, api, explorer, libp2p)")
	if cliflag.Parse(fs, args) != nil || !cliflag.NoArgs(fs) {
		return 2
	}
	if *home == "" {
		return c.failf(2, "--home is required")
	}
	h, err := node.Init(*home, node.TestnetOptions{ChainID: *chainID, BasePort: port, Stake: stake, TimeoutCommit: time.Second})
	if errors.Is(err, node.ErrHomeExists) {
		return c.failf(1, "%s already exists; refusing to overwrite", *home)
	}
	if err != nil {
		return c.fail(1, err)
	}
	fmt.Fprintf(stdout, "initialised %s: chain %s, operator %s, rpc 127.0.0.1:%d, gateway 127.0.0.1:%d, api 127.0.0.1:%d\n",
		*home, *chainID, h.Operator, h.Ports.RPC, h.Ports.Gateway, h.Ports.Gateway+1)
	return 0
}

func runTestnet(c *cmd, args []string) int {
	fs, stdout := c.fs, c.stdout
	var n, port int
	var stake uint64
	var commit time.Duration
	cliflag.Int(fs, &n, "n", 4, 1, maxNodesFlag, "number of validators")
	out := fs.String("o", "", "output directory (required)")
	chainID := fs.String("chain-id", "assay-testnet", "chain id")
	cliflag.Uint(fs, &stake, "stake", 100, 1, maxStakeFlag, "stake of each validator")
	cliflag.Int(fs, &port, "base-port", 26600, 1, maxBasePort, "node i uses base-port+10i .. +6 (p2p, rpc, metrics, gateway, api, explorer, libp2p); with --hosts every node uses base-port .. +6")
	cliflag.Duration(fs, &commit, "timeout-commit", 500*time.Millisecond, 0, time.Hour, "CometBFT timeout_commit")
	params := fs.String("params", "", "genesis params JSON, e.g. '{\"commit_window\":\"4\"}'")
	hostList := fs.String("hosts", "", "one distinct host (IP or hostname) per node, comma-separated: node i's peers dial it at hosts[i]")
	listenHost := fs.String("rpc-host", "127.0.0.1", "host the RPC, metrics, gateway and API listen on (0.0.0.0 to serve other machines)")
	allow := fs.String("allow-private-ranges", "", "CIDR ranges, comma-separated, the nodes' http fetcher may dial although refused by default (e.g. 127.0.0.0/8 for a mock upstream on loopback)")
	if cliflag.Parse(fs, args) != nil || !cliflag.NoArgs(fs) {
		return 2
	}
	if *out == "" {
		return c.failf(2, "-o DIR is required")
	}
	if err := node.CheckNet(n, port, stake, *hostList != ""); err != nil {
		return c.fail(2, err)
	}
	o := node.TestnetOptions{ChainID: *chainID, Nodes: n, BasePort: port, Stake: stake, TimeoutCommit: commit, Params: *params, ListenHost: *listenHost}
	if *allow != "" {
		o.AllowPrivateRanges = strings.Split(*allow, ",")
	}
	if err := o.Check(); err != nil {
		return c.fail(2, err)
	}
	if *hostList != "" {
		hosts, err := node.ParseHosts(*hostList, n)
		if err != nil {
			return c.fail(2, err)
		}
		o.Hosts = hosts
	}
	homes, err := node.WriteTestnet(*out, o)
	if err != nil {
		return c.fail(1, err)
	}
	for _, h := range homes {
		fmt.Fprintf(stdout, "%s  operator %s  p2p %s  rpc tcp://%s  gateway http://%s  api http://%s\n", h.Dir, h.Operator,
			node.HostPort(h.Host, h.Ports.P2P), node.HostPort(*listenHost, h.Ports.RPC), node.HostPort(*listenHost, h.Ports.Gateway),
			node.HostPort(*listenHost, h.Ports.Gateway+1))
	}
	return 0
}

func runStart(c *cmd, args []string) int {
	fs, stderr := c.fs, c.stderr
	home := fs.String("home", "", "node home directory (required)")
	fault := fs.String("fault", "", "inject a fault for tests: wrong-output, no-reveal or no-commit")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if cliflag.Parse(fs, args) != nil || !cliflag.NoArgs(fs) {
		return 2
	}
	if *home == "" {
		return c.failf(2, "--home is required")
	}
	o, err := node.LogTo(stderr, *logLevel)
	if err != nil {
		return c.fail(2, err)
	}
	o.Fault = *fault
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	n, err := node.Start(ctx, *home, o)
	if err != nil {
		return c.fail(1, err)
	}
	o.Logger.Info("node started", "home", *home, "chain", n.ChainID, "operator", fmt.Sprintf("%x", n.Operator), "gateway", n.Gateway, "api", n.API)
	<-ctx.Done()
	stop() // a second signal now ends the process at once
	o.Logger.Info("stopping")
	if !n.StopWithin(stopTimeout) {
		o.Logger.Error("node did not stop in time; exiting anyway", "waited", stopTimeout)
		return 1
	}
	return 0
}

// stopTimeout bounds `assay start`'s shutdown after SIGTERM or SIGINT,
// below the 10 s that service managers commonly wait before SIGKILL.
const stopTimeout = 9 * time.Second
