// Package chain is the one client of an Assay chain: typed queries, and
// txs signed, broadcast, resent on a stale sequence and waited for. The
// worker (consensus/worker) and the CLI (cmd/assay) both use it, over a
// CometBFT RPC client (HTTP, or the node's local client).
//
// The contract it speaks is consensus/state's: the query paths and event
// names of contract.go, the answers as the *View types (decoded with
// state's decoders), and the result codes of codes.go. Nothing here reads
// the text of an error or a log: a query failure is a *QueryError whose
// code errors.Is matches against state.ErrNotFound or state.ErrBadQuery,
// and a refused tx is a *TxError with its state.Code.
//
// Dial connects to the first usable node of a comma-separated list of RPC
// addresses (the CLI's --node): it skips nodes that do not answer or are
// catching up, and names every one when none is usable (ErrNodeDown).
// RPCError marks a refused connection as ErrNodeDown.
//
// # Steps for a sender
//
//  1. New(rpc) wraps a CometBFT client; Status gives the chain id.
//  2. NewSender(client, chainID, key) signs for one key. Its first Send
//     reads the key's next sequence from /account.
//  3. Send signs a body with the next sequence and broadcasts it
//     (broadcast_tx_sync). A CodeSequence refusal rereads /account and
//     signs once more; any other refusal is a *TxError.
//  4. Wait polls /tx until the tx is in a block; a tx that failed there is
//     a *TxError at StageDeliver.
package chain
