// Package replica puts every agreed dataset on every node. A node runs a
// libp2p host with a bitswap server over its pin store (Host), so that
// any IPFS peer can fetch Assay's datasets by CID, and a Replicator that
// follows the chain's datasets, fetches each output (and, by policy,
// each input) it lacks from the attesters over bitswap, or from their
// trustless gateways (?format=car) when bitswap fails, hash-checks every
// block and pins it. The attesters' addresses come from the chain
// (AnnounceRetrieval records). See docs/node.md, "Replication".
package replica
