// Command ethblock is the reference validator program for Ethereum blocks as
// returned by eth_getBlockByNumber: it re-encodes the header in RLP,
// recomputes keccak256 of it and checks it equals the block's hash, and
// outputs the canonical header.
//
// # Input
//
// The block object (the JSON-RPC "result"), or the whole JSON-RPC response
// {"jsonrpc", "id", "result"}, or a JSON string holding the hex RLP of a
// header (what debug_getRawHeader returns; its hash is then computed, not
// checked).
//
// # Checks
//
//   - every header field present with the right size; quantities as 0x-hex;
//   - the optional fields of later forks (baseFeePerGas: London;
//     withdrawalsRoot: Shanghai; blobGasUsed, excessBlobGas,
//     parentBeaconBlockRoot: Cancun; requestsHash: Prague) are a prefix of
//     that list, in that order, as the header's RLP requires;
//   - hash == keccak256(RLP(header));
//   - an empty "transactions" list has the empty trie root as
//     transactionsRoot; an empty "uncles" list has the empty-list hash as
//     sha3Uncles; an empty "withdrawals" list the empty trie root.
//
// Raw RLP must be canonical (minimal lengths, no leading zeros in
// quantities), have 15 to 21 string items and no trailing bytes.
//
// # Params
//
// Optional: {"number": N} requires the block number to be N.
//
// # Output (RFC 8785 JSON)
//
// The header fields with their eth_getBlockByNumber names, quantities in
// minimal 0x-hex, data in lowercase 0x-hex, plus "hash".
//
// Build: scripts/validators.sh (flags in sdk/assay/assaytest.BuildFlags).
package main

import "github.com/assaynet/assay/sdk/assay"

func init() { assay.Handle(validate) }

func main() {}
