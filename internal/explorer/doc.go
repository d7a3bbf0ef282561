// Package explorer is the web explorer every node serves on its own
// listener ([explorer] listen in assay.toml): chain status, sources with
// search, a source's rounds and datasets (output CIDs linking to the
// node's gateway, the `assay dataset verify` command of each), validators
// with a sparkline of their recent rounds, and evidence with its commit
// recomputed. Pages are html/template over the typed chain client
// (consensus/chain) of the node's in-process RPC; a follower reads each
// new block's results once and pushes it to open pages as Server-Sent
// Events, so pages update live without polling the chain per viewer.
//
// Every asset is embedded (no CDN: the node works offline); every value
// from the chain is escaped by html/template (source metadata is
// attacker-controlled); every request does bounded work (one page of a
// list, a bounded search scan, a bounded number of live subscribers).
//
// # Example
//
//	x := explorer.New(explorer.Config{Chain: chain.New(n.Client()), ChainID: n.ChainID, Gateway: n.Gateway, RPC: "tcp://127.0.0.1:26657"})
//	go x.Run(ctx) // the block follower
//	srv := &http.Server{Handler: x.Handler()}
package explorer
