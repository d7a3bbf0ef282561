// Package sdk ships the sources of the guest SDKs to Go programs: `assay
// validator new` writes the ones a scaffold needs beside it (assay-sdk/),
// so the scaffold builds outside a checkout and offline, from the SDK the
// CLI was built with. The Go SDK's native host also needs runtime/abi,
// whose sources that package embeds itself (abi.Source).
package sdk

import "embed"

// Files holds the SDK sources, by their path under sdk/: the Go SDK
// (assay, jcs, dec; their *.go files, tests included), the Rust SDK
// (rust/Cargo.toml, rust/src) and the AssemblyScript SDK (as/package.json,
// as/package-lock.json, as/assembly).
//
//go:embed assay/*.go jcs/*.go dec/*.go rust/Cargo.toml rust/src as/package.json as/package-lock.json as/assembly
var Files embed.FS
