// Package node builds an in-process CometBFT node around the Assay app
// from a node home (config/config.toml, config/genesis.json, keys, data/),
// and writes such homes: one validator (InitHome) or a loopback testnet
// of several that share one genesis (WriteTestnet).
//
// # Example
//
//	homes, err := node.WriteTestnet(dir, node.TestnetConfig{ChainID: "assay-devnet", Validators: 4})
//	n, err := node.Open(homes[0], node.Options{})
//	err = n.Start()
//	defer n.Stop()
//	res, err := n.Client().BroadcastTxSync(ctx, raw)
package node
