// Package tx builds, signs, encodes and decodes Assay transactions, and
// computes the commit hash of a verdict. It is what a node's worker and the
// CLI use to talk to the chain, and what the state machine uses to read
// txs. It is pure: no I/O.
//
// # Example
//
//	body := &pb.TxBody{Kind: &pb.TxBody_Commit{Commit: &pb.CommitBatch{Entries: entries}}}
//	raw, err := tx.Sign("assay-devnet", operatorKey, seq, body)
//	// broadcast raw with CometBFT's broadcast_tx_sync
package tx
