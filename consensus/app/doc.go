// Package app is the ABCI 2.0 application of the Assay chain: a thin
// adapter that feeds CometBFT's calls to the pure state machine in
// consensus/state, whose state lives in the IAVL tree of consensus/store.
// Query answers at a given height and, with prove, with ICS-23 proofs
// against the app hash (docs/protocol.md section 4).
//
// # Example
//
//	kv, err := store.Open(filepath.Join(home, "data"), store.DefaultKeep)
//	a, err := app.New(kv, rules.V1())
//	// proxy.NewLocalClientCreator(a) hands it to an in-process CometBFT node
package app
