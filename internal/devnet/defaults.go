package devnet

import (
	"fmt"
	"os"
	"path/filepath"
)

// DefaultCacheDir is where `assay devnet` keeps compiled validator
// programs across runs: assay/wasm-cache in the user's cache directory,
// or "" (no cache) when there is none.
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "assay", "wasm-cache")
}

// GeneratedSymbols returns n symbols SYM0000, SYM0001, … for load tests:
// one example source each, all served by the mock exchange.
func GeneratedSymbols(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("SYM%04d", i)
	}
	return s
}
