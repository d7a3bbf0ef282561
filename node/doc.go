// Package node is the whole Assay node: its config (config/assay.toml),
// and Open, Start and Stop of every part — CometBFT with the app, the
// pin store and its IPFS gateway, the HTTP read API (internal/httpapi),
// the sandbox, the fetcher plugins and the worker that runs the jobs of the rounds assigned to the operator.
// It also writes node homes (WriteTestnet, after TestnetOptions.Check)
// and owns the defaults and ranges of assay.toml, and the keyring of
// `assay keys`: a directory of named key files (keyring.go: AddKey,
// KeyFiles, KeyPath, DefaultKeyring), read like the operator key
// (LoadKey).
//
// Package consensus/node is one part of it: the in-process CometBFT node
// around the app, built from config/config.toml, and the writer of the
// CometBFT side of a home (keys, genesis, config.toml). This package opens
// that part, adds the rest and writes assay.toml beside config.toml.
// `assay init`, `assay testnet`, `assay start` and `assay devnet` are thin
// callers of this package.
//
// # Example
//
//	homes, err := node.WriteTestnet(dir, node.TestnetOptions{ChainID: "c", Nodes: 1, Stake: 100})
//	n, err := node.Open(ctx, homes[0].Dir, node.Options{Logger: logger})
//	err = n.Start(ctx)
//	defer n.Stop()
//	h, err := n.RPC.Height(ctx)
//
// # Notes
//
// A process runs one node with Prometheus metrics: Start adds Assay's
// assay_worker_* and assay_pin_* metrics to the default registry that
// CometBFT's metrics endpoint serves. Several nodes in one process (the
// devnet, tests) set Options.NoPrometheus.
package node
