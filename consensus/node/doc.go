// Package node builds an in-process CometBFT node around the Assay app
// from a node home (config/config.toml, config/genesis.json, keys, data/),
// and writes such homes: one validator (InitHome) or a testnet of several
// that share one genesis (WriteTestnet), on loopback ports or one host per
// machine. `assay init`, `assay testnet` and `assay devnet` write their
// homes through WriteTestnet and add config/assay.toml. DefaultPorts are
// a default home's ports, which the CLI's default addresses point at.
//
// A home's operator key (OperatorKeyFile) and the keys of `assay keys`
// share one format, KeyFile.
//
// # Example
//
//	homes, err := node.WriteTestnet(dir, node.TestnetConfig{ChainID: "assay-devnet", Validators: 4})
//	n, err := node.Open(homes[0].Dir, node.Options{})
//	err = n.Start()
//	defer n.Stop()
//	res, err := n.Client().BroadcastTxSync(ctx, raw)
package node
