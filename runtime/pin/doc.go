// Package pin computes content identifiers (CIDs) exactly as Kubo's
// `ipfs add` does, and keeps content in a persistent, hash-checked
// blockstore with named pins, garbage collection, CAR import/export and an
// HTTP gateway.
//
// CIDs (DESIGN.md section 5) are UnixFS files: fixed 256 KiB chunks, a
// balanced DAG of at most 174 links per node, sha2-256. Sum gives the CIDv1
// with raw leaves (`ipfs add --cid-version=1`); SumV0 gives the CIDv0 with
// dag-pb leaves (`ipfs add` with no flags).
//
// # Example
//
//	c, err := pin.SumBytes([]byte("hello world\n"))
//	// c.String() == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
package pin
