// Package assay is the Go SDK for Assay validator programs: Wasm modules that read a
// data source's fetched input and its static params, and either accept the
// input (writing a canonical output that is pinned and agreed on) or reject
// it with a reason.
//
// Writing a validator program takes one function, registered from init:
//
//	package main
//
//	import "github.com/assaynet/assay/sdk/assay"
//
//	func init() {
//		assay.Validate(func(in *assay.Input) error {
//			data := in.Bytes()
//			if len(data) == 0 {
//				return assay.Reject("empty input")
//			}
//			_, err := in.Write(data)
//			return err
//		})
//	}
//
//	func main() {}
//
// Build it as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath \
//	    -buildvcs=false -ldflags="-s -w -buildid=" -o v.wasm .
//
// The package owns the module's `validate` export and its imports from the
// "assay" host module (see runtime/abi and docs/abi.md). Under GOOS=wasip1
// it talks to the host; on any other GOOS it runs the registered validator program
// in process through [Exec], so a validator program's logic is unit-tested with a
// plain `go test`.
//
// # Verdicts
//
// The handler returns nil to accept: the run's output is everything written
// with [Input.Write] (or returned by a [Handle] function). It returns an
// error to reject: the reason is the error's text, so `assay.Reject("bad
// price %d", p)` and any other error both reject. A panic is a trap and the
// run FAILS.
//
// # Determinism
//
// Everything a validator program computes must be a pure function of the input, the
// params and the round. Do not read clocks (use [Input.Round]), iterate over
// maps to produce output, start goroutines or depend on NaN bits.
package assay
