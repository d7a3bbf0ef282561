//go:build !wasip1

package porttest

import "testing"

// FuzzCSameAsGo: validators/ohlcv-c and the Go module agree on any params
// and input. The seeds run in go test; `go test -fuzz FuzzCSameAsGo
// ./validators/internal/porttest` searches further (its corpus lands in
// this package's testdata, not in the ports' shared fixtures).
func FuzzCSameAsGo(f *testing.F) {
	Fuzz(f, "../../ohlcv/ohlcv.wasm", "../../ohlcv-c/ohlcv-c.wasm")
}

// FuzzRustSameAsGo: validators/ohlcv-rust and the Go module agree on any
// params and input (the seeds run in go test).
func FuzzRustSameAsGo(f *testing.F) {
	Fuzz(f, "../../ohlcv/ohlcv.wasm", "../../ohlcv-rust/ohlcv-rust.wasm")
}

// FuzzASSameAsGo: validators/ohlcv-as and the Go module agree on any
// params and input (the seeds run in go test).
func FuzzASSameAsGo(f *testing.F) {
	Fuzz(f, "../../ohlcv/ohlcv.wasm", "../../ohlcv-as/ohlcv-as.wasm")
}
