// Package app is the ABCI 2.0 application of the Assay chain: a thin
// adapter that feeds CometBFT's calls to the pure state machine in
// consensus/state and persists its state in a cometbft-db database.
//
// # Example
//
//	kv, err := app.OpenKV(filepath.Join(home, "data"))
//	a, err := app.New(kv, rules.V1())
//	// proxy.NewLocalClientCreator(a) hands it to an in-process CometBFT node
package app
