// Package spec owns a source's fetch spec: its two forms, the rules both
// must follow and the conversions between them. Every part of Assay that
// checks or converts a fetch spec calls this package: the consensus state
// machine when a source is registered, the CLI's source files
// (plugins/sourcefile) and the node's worker before each fetch.
//
// The two forms:
//
//   - the chain form, pb.FetchSpec: a kind and a list of key/value
//     strings, keys unique and sorted. It is what a RegisterSource or
//     UpdateSource tx carries and what the state stores.
//   - the JSON form, FetchSpec: a kind and a JSON object. It is what a
//     source file holds and what a fetcher receives (after Expand).
//
// FetchSpec.PB converts JSON to chain form and FromPB back: a string
// member is stored as its value, an object or array member as its
// compact JSON; on the way back a value that is a JSON object or array is
// taken as JSON, anything else as a string. So a member that is a number,
// true, false or null, or a string that is itself a JSON object or array,
// would not come back as written, and PB refuses it.
//
// The rules (docs/protocol.md section 2) are ValidatePB's: the chain
// applies them with its param max_fetch_config_bytes and the template
// rule of its protocol version (consensus/rules); FetchSpec.Validate
// applies the same function to PB's result with DefaultMaxConfigBytes and
// template.Validate, so a source file it accepts is never refused by a
// chain with default params for its fetch spec. Validate refuses a little
// more, all of it specs that could never be fetched as written: the cases
// PB refuses, a config nested deeper than 32 levels, and a template
// spelled with JSON escapes (\u007b\u007b) that the node would reject
// when it expands it.
//
// The package also owns a source's optional metadata (metadata.go): what
// its output means, in the same two forms (pb.Metadata on chain, Metadata
// in source files and the chain's JSON view of a source), with
// Metadata.PB, MetadataFromPB and the one rule, ValidateMetadataPB, that
// the state machine and Metadata.Validate apply; its caps are the Max*
// constants there (docs/protocol.md section 2, "Source metadata").
//
// The package is pure (no I/O, clock, goroutines, map iteration or floats)
// because the consensus state machine calls it; TestPureDeps keeps it so.
// Package plugins re-exports FetchSpec and Round.
package spec
