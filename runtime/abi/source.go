package abi

import "embed"

// Source holds this package's Go files (tests included): `assay
// validator new` copies them into a Go scaffold's SDK module, since the
// Go SDK's native host (sdk/assay, for go test) imports this package.
// Nothing under GOOS=wasip1 references it, so no guest carries it.
//
//go:embed *.go
var Source embed.FS
