// Package state is the pure, deterministic state machine of the Assay
// chain: params, validators, accounts, codes, sources, rounds, datasets and
// evidence; the txs that change them; assignment, commit–reveal rounds,
// tallies and penalties. docs/protocol.md is its specification.
//
// What it guarantees, and how that is checked:
//
//   - No I/O, clock or randomness: it does not import os, net, time,
//     math/rand or unsafe, and nothing it depends on is the runtime,
//     CometBFT, wazero, go-plugin or boxo (TestImportDirection); of plugins/
//     it may use only the pure plugins/spec and plugins/template.
//   - No goroutines and no floating point in its code.
//   - Maps are iterated only where the order cannot reach the output: the
//     keys or changes are sorted first (MemKV, the overlay's staged
//     changes, which reach the Store in key order), or each entry is handled on its own (PrepareProposal's
//     per-signer ordering).
//   - The same blocks give the same app hash on every replica: the app's
//     seeded simulations run several replicas and compare them.
//
// Storage comes in through the small Store interface, which also computes
// the app hash (the node's: the IAVL tree of consensus/store; MemKV's is
// a stand-in for the machine's own tests); the protocol rules
// (the Wasm check and the template check, consensus/rules) through
// Config, which Open refuses without them; the fetch spec rule is
// plugins/spec.ValidatePB, shared with the CLI. The ABCI adapter
// (consensus/app) feeds it blocks and persists what it returns.
//
// # Steps for the caller
//
//  1. Open(kv, cfg) loads the committed state (empty on a new chain).
//  2. InitGenesis once on a new chain, then Commit.
//  3. For each block: FinalizeBlock(block) stages every change in memory,
//     hands them to the Store (Stage) and returns the results and the
//     Store's app hash; Commit has the Store persist them (Commit).
//  4. CheckTx between blocks; Query reads only committed state.
package state
