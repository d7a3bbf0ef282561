// Package state is the pure, deterministic state machine of the Assay
// chain: params, validators, accounts, codes, sources, rounds, datasets and
// evidence; the txs that change them; assignment, commit–reveal rounds,
// tallies and penalties. docs/protocol.md is its specification.
//
// It imports no I/O: no os, net, time, goroutines, floats or map
// iteration. Storage comes in through the small KV interface, Wasm checks
// through CodeChecker, template checks through Config.Template; the fetch
// spec rule is plugins/spec.ValidatePB (pure), shared with the CLI. The ABCI
// adapter (consensus/app) feeds it blocks and persists what it returns.
//
// # Steps for the caller
//
//  1. Open(kv, cfg) loads the committed state (empty on a new chain).
//  2. InitGenesis once on a new chain, then Commit.
//  3. For each block: FinalizeBlock(block) stages every change in memory and
//     returns the results and the app hash; Commit writes the staged
//     changes to kv in one Apply.
//  4. CheckTx between blocks; Query reads only committed state.
package state
