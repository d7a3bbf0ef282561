// Package consumer is what a data consumer imports to use Assay
// datasets without trusting any node.
//
// A Verifier checks one dataset, trusting nothing but a trust root:
//
//  1. Headers. A CometBFT light client (github.com/cometbft/cometbft/light,
//     skipping verification, trust level 1/3) starts from the trust root —
//     a header height and hash the caller trusts, valid for a trust period
//     (TrustOptions), or a genesis file whose validators must have signed
//     the first block — and verifies the header of height H+1 from the
//     primary node, cross-checked against the witnesses.
//  2. Proof. It asks the primary for the record at path
//     dataset/{source}/{round} with prove = true at height H, and checks
//     the ICS-23 proof (ProofOp "ics23:iavl") of the record's key and value
//     against the app hash of header H+1, which commits to the state after
//     block H (docs/protocol.md section 4).
//  3. Record. It decodes the proven value as an assay.v1.Dataset and
//     checks that it is the record of that source and round.
//  4. Bytes (with a gateway). It downloads the output from any gateway and
//     checks the bytes against the proven output CID.
//
// Every failure is an *Error whose Part says which of these did not hold
// (errors.Is matches ErrHeader, ErrProof, ErrRecord, ErrBytes, ErrAbsent
// and ErrUnavailable), with a message naming the height, node and value
// at fault.
//
// # Proven records
//
// Steps 1 and 2 prove any record, not only datasets: Verifier.Prove
// proves a record path of docs/protocol.md section 4.2 (round/{id}/{h},
// code/{cid}, source/{id}…) and returns its stored protobuf bytes and
// where they were proven (Record, Proof). Verifier.Records serves what a
// replay of a round reads (`assay dataset replay` with a trust root,
// internal/replay's Records interface), each proven: the dataset record,
// the round record (decoded assay.v1.Round) and the code record of the
// code CID that round names, all against the app hash of one verified
// header, and the time of a block from its verified header.
//
// # Example
//
//	v, err := consumer.NewVerifier(consumer.Options{
//		Nodes:       []string{"tcp://127.0.0.1:26657"},
//		TrustHeight: 1200, TrustHash: hash, // from a source you trust
//		Gateway:     "http://127.0.0.1:26659",
//	})
//	d, err := v.Verify(ctx, "btc-usd", 1234)
//	// d.Bytes are the output bytes, d.Record the proven record
//	rec, err := v.Prove(ctx, "round/btc-usd/1234")
//	// rec.Value: the stored assay.v1.Round, proven at rec.StateHeight
//
// # Notes
//
//   - With one node the light client has no independent witness: headers
//     are still checked against the signatures of the trusted validators,
//     but a fork shown by that one node is not detected. Give witnesses.
//   - A trust root older than the trust period is refused (the CometBFT
//     convention: validators may have unbonded since). Use a fresh one.
//   - Importing consumer does not import the node, the ABCI app, the Wasm
//     runtime or the plugins (TestImportsLight).
package consumer
