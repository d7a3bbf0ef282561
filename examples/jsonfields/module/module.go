// Package module holds the built example validator program of
// examples/jsonfields (module/jsonfields.wasm, rebuilt reproducibly by
// `make validators`) and the params of its example sources, embedded, so
// that `assay devnet` needs no checkout.
package module

import _ "embed"

// Wasm is examples/jsonfields built for the sandbox (GOOS=wasip1,
// -buildmode=c-shared).
//
//go:embed jsonfields.wasm
var Wasm []byte

// Params are the params of the devnet's example sources: the fields of
// the mock exchange's ticker (the same as ../testdata/params.json, which
// the fixtures use; a test holds them equal).
//
//go:embed params.json
var Params []byte
