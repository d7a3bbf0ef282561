// Package filelimit reads files named on a command line whole, with a
// cap: nothing the CLI and its libraries read whole is unbounded, so a
// path such as /dev/zero fails with a clear error instead of exhausting
// memory.
//
// # Example
//
//	wasm, err := filelimit.Read(path, filelimit.Code)
//	// err: "file big.wasm is larger than the 1048576-byte limit of a validator's code (...)"
package filelimit

import (
	"fmt"
	"io"
	"os"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/node"
)

// Limit is a cap on a file's size and what it caps, for errors.
type Limit struct {
	Bytes int64
	What  string
}

// The caps of the files the CLI reads.
var (
	// Code caps a .wasm file (plain or gzipped): the chain's default
	// max_code_bytes.
	Code = Limit{int64(state.DefaultParams().MaxCodeBytes), "a validator's code (the chain's default max_code_bytes)"}
	// Params caps a validator params file: the chain's default
	// max_params_bytes.
	Params = Limit{int64(state.DefaultParams().MaxParamsBytes), "validator params (the chain's default max_params_bytes)"}
	// Input caps a validator input: the node's default [fetch] max_bytes,
	// the largest input a node hands a validator.
	Input = Limit{node.Default("").Fetch.MaxBytes, "a validator input (the node's default [fetch] max_bytes)"}
	// GoMod caps a go.mod read while looking for the Assay checkout.
	GoMod = Limit{1 << 20, "a go.mod"}
)

// Read reads the file at path ("-" is stdin), failing with "file PATH is
// larger than the N-byte limit of WHAT" when it holds more than l.Bytes.
// It reads at most l.Bytes+1 bytes, so special files (/dev/zero) fail
// fast too.
func Read(path string, l Limit) ([]byte, error) {
	if path == "-" {
		return readAll(os.Stdin, "(stdin)", l)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > l.Bytes {
		return nil, tooLarge(path, l)
	}
	return readAll(f, path, l)
}

// readAll reads r to its end, at most l.Bytes; name names r in errors.
func readAll(r io.Reader, name string, l Limit) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, l.Bytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > l.Bytes {
		return nil, tooLarge(name, l)
	}
	return b, nil
}

func tooLarge(name string, l Limit) error {
	return fmt.Errorf("file %s is larger than the %d-byte limit of %s", name, l.Bytes, l.What)
}
