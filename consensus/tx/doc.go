// Package tx builds, signs, encodes and decodes Assay transactions, and
// computes the commit hash of a verdict. It is what a node's worker and the
// CLI use to talk to the chain, and what the state machine uses to read
// txs. It is pure: no I/O.
//
// # Example
//
//	h := tx.CommitHash(chainID, "weather.eu", round, operator, verdict, salt)
//	body := tx.CommitBody(&pb.CommitEntry{Source: "weather.eu", Round: round, Hash: h[:]})
//	raw, err := tx.Sign(chainID, operatorKey, seq, body)
//	// broadcast raw with CometBFT's broadcast_tx_sync
package tx
