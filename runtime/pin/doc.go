// Package pin computes content identifiers (CIDs) exactly as Kubo's
// `ipfs add` does, and keeps content in a persistent, hash-checked
// blockstore with named pins, garbage collection, CAR import/export and an
// HTTP gateway.
//
// CIDs (docs/protocol.md, "Content identifiers") are UnixFS files: fixed 256 KiB chunks, a
// balanced DAG of at most 174 links per node, sha2-256. Sum gives the CIDv1
// with raw leaves (`ipfs add --cid-version=1`); SumV0 gives the CIDv0 with
// dag-pb leaves (`ipfs add` with no flags). Neither stores anything.
//
//	c, err := pin.SumBytes([]byte("hello world\n"))
//	// c.String() == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
//
// A Store (Open, or OpenMemory for tests) adds content under the same CIDs,
// pins it recursively under a name, reads it back whole (Get) or streamed
// (Cat), garbage-collects unpinned blocks (GC), exports and imports CARs,
// and serves it over HTTP (Gateway).
//
// # Notes
//
//   - On disk a Store is a directory like a Kubo repo's: blocks/ is a
//     flatfs (one file per block, named by multihash, fsync on write) and
//     pins/ a leveldb holding the pin set: one empty record per (root,
//     name), /assay-pinned/{cid}/n{hex name}. A root stays pinned while
//     any of its names does. A store whose pins an older layout wrote
//     (the first pin set, one name per root under /assay-pins/, or boxo's
//     dspinner) has them moved into the pin set, in one atomic batch per
//     layout, when it is opened. Directories are 0700.
//   - Every block read is hash-checked against its CID, including the
//     gateway's reads: a corrupted block file gives a *CorruptBlockError
//     (errors.Is ErrCorrupt) naming the CID, never wrong bytes.
//   - Adding content that is already stored compares each stored block
//     with the new bytes and rewrites one that differs: re-adding repairs
//     a corrupt block. Store.Health counts corrupt blocks and repairs.
//   - A failed write to the pin database (a full disk) fails that
//     operation only: the next pin operation reopens the database
//     (goleveldb keeps a failed write's error until it is closed). Failed
//     writes are logged (SetLogger) at most once a minute per kind and
//     counted in Store.Health.
//   - The gateway sends X-Content-Type-Options: nosniff and a sandboxing
//     Content-Security-Policy with every response.
//   - The Store never talks to the network: its block exchange is offline,
//     so a CID it lacks is ErrNotFound (a 404 at the gateway) at once.
//   - Add and AddPinned read their input to its end: bound untrusted
//     readers. AddPinned is Add plus Pin with no GC in between; a plain
//     Add's blocks may be collected by a concurrent GC before they are
//     pinned.
package pin
