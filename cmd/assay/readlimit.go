package main

import (
	"fmt"
	"io"
	"os"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/node"
)

// Read limits of files named on the command line. Nothing the CLI reads
// whole is unbounded: a path such as /dev/zero fails with a clear error
// instead of exhausting memory.
var (
	// maxCodeFileBytes caps a .wasm file (plain or gzipped): the chain's
	// default max_code_bytes.
	maxCodeFileBytes = int64(state.DefaultParams().MaxCodeBytes)
	// maxParamsFileBytes caps a validator params file: the chain's default
	// max_params_bytes.
	maxParamsFileBytes = int64(state.DefaultParams().MaxParamsBytes)
	// maxInputFileBytes caps a validator input: the node's default
	// [fetch] max_bytes, the largest input a node hands a validator.
	maxInputFileBytes = node.Default("").Fetch.MaxBytes
)

// Limits of small files the CLI reads.
const (
	maxGoModFileBytes = 1 << 20
)

// What each limit is, for errors.
const (
	limitCode   = "a validator's code (the chain's default max_code_bytes)"
	limitParams = "validator params (the chain's default max_params_bytes)"
	limitInput  = "a validator input (the node's default [fetch] max_bytes)"
)

// readFileLimit reads the file at path ("-" is stdin), failing with
// "file PATH is larger than the N-byte limit of WHAT" when it holds more
// than limit bytes. It reads at most limit+1 bytes, so special files
// (/dev/zero) fail fast too.
func readFileLimit(path string, limit int64, what string) ([]byte, error) {
	if path == "-" {
		return readLimit(os.Stdin, "(stdin)", limit, what)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, tooLarge(path, limit, what)
	}
	return readLimit(f, path, limit, what)
}

// readLimit reads r to its end, at most limit bytes; name names r in errors.
func readLimit(r io.Reader, name string, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(name, limit, what)
	}
	return b, nil
}

func tooLarge(name string, limit int64, what string) error {
	return fmt.Errorf("file %s is larger than the %d-byte limit of %s", name, limit, what)
}
