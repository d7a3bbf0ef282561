// Package sourcefile reads a source definition file: the TOML or JSON file
// an author writes to describe a data source, read by `assay fetch` and
// `assay source register`. See docs/operators.md for the format.
//
// # Example (TOML)
//
//	id = "eth-blocks"
//	code_file = "validator.wasm"
//	every = 10
//	window = 60
//	replicas = 3
//	gas_limit = 50_000_000
//	max_output = 65536
//
//	[fetch]
//	kind = "http"
//	[fetch.config]
//	url = "https://api.example/blocks/{{height}}"
//
//	[metadata]
//	description = "Ethereum blocks with at least one transaction"
//	media_type = "application/json"
//	[[metadata.fields]]
//	name = "number"
//	type = "integer"
//
// A JSON Schema goes in a [metadata.schema] table, or in
// metadata.schema as a TOML string holding the schema's JSON.
package sourcefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/assaynet/assay/plugins/spec"
)

// ErrInvalid is wrapped by every validation error Load and Validate return.
var ErrInvalid = errors.New("sourcefile: invalid source")

// Limits checked by Validate.
const (
	// MaxIDLen is the longest source id.
	MaxIDLen = 64
	// MaxFileSize is the largest source file Load reads.
	MaxFileSize = 1 << 20
	// MaxMemoryPages is the largest memory_pages (4 GiB of 64 KiB pages).
	MaxMemoryPages = 65536
	// MaxReplicas is the largest replicas count.
	MaxReplicas = 1000
)

// SourceFile is one source definition. Relative CodeFile and ParamsFile
// paths are resolved against the file's directory by Load.
type SourceFile struct {
	// ID is the source id: 1 to 64 characters of a-z A-Z 0-9 . _ -,
	// starting with a letter or digit.
	ID string `toml:"id" json:"id"`
	// Code is the CID of stored validator code; exactly one of Code and
	// CodeFile is set.
	Code string `toml:"code" json:"code,omitempty"`
	// CodeFile is a path to the validator's .wasm file.
	CodeFile string `toml:"code_file" json:"code_file,omitempty"`
	// Every is the round period in blocks (≥ 1).
	Every int64 `toml:"every" json:"every"`
	// Window is the window length in seconds used by the window templates
	// (0 when unused).
	Window int64 `toml:"window" json:"window,omitempty"`
	// Replicas is how many nodes validate each round (≥ 1).
	Replicas int `toml:"replicas" json:"replicas"`
	// GasLimit is the validator's gas limit per job (≥ 1).
	GasLimit uint64 `toml:"gas_limit" json:"gas_limit"`
	// MaxOutput is the largest validator output in bytes (≥ 1).
	MaxOutput int `toml:"max_output" json:"max_output"`
	// MemoryPages caps the validator's memory in 64 KiB pages; 0 means the
	// node-wide default.
	MemoryPages uint32 `toml:"memory_pages" json:"memory_pages,omitempty"`
	// Params are the source's static params as text; at most one of Params
	// and ParamsFile is set.
	Params string `toml:"params" json:"params,omitempty"`
	// ParamsFile is a path to a file holding the params bytes.
	ParamsFile string `toml:"params_file" json:"params_file,omitempty"`
	// Fetch is how the input is fetched.
	Fetch spec.FetchSpec `toml:"-" json:"fetch"`
	// Metadata optionally says what the output means: a description, a
	// media type, and a JSON Schema or a list of fields with units and
	// decimals (docs/authors.md, "Describe the output").
	Metadata *spec.Metadata `toml:"-" json:"metadata,omitempty"`
}

// Load reads and validates the source file at path; ".toml" and ".json"
// extensions select the format.
func Load(path string) (*SourceFile, error) {
	data, err := readCapped(path)
	if err != nil {
		return nil, err
	}
	var sf *SourceFile
	switch ext := filepath.Ext(path); ext {
	case ".toml":
		sf, err = decodeTOML(data)
	case ".json":
		sf, err = decodeJSON(data)
	default:
		return nil, fmt.Errorf("%w: %s: extension %q is neither .toml nor .json", ErrInvalid, path, ext)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, path, err)
	}
	sf.resolve(filepath.Dir(path))
	if err := sf.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sf, nil
}

func readCapped(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("sourcefile: %w", err)
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrInvalid, path, info.Size(), MaxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sourcefile: %w", err)
	}
	return data, nil
}

// resolve makes relative file paths relative to dir.
func (sf *SourceFile) resolve(dir string) {
	for _, p := range []*string{&sf.CodeFile, &sf.ParamsFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

// ReadParams returns the params bytes: Params, or ParamsFile's contents.
func (sf *SourceFile) ReadParams() ([]byte, error) {
	if sf.ParamsFile == "" {
		return []byte(sf.Params), nil
	}
	b, err := os.ReadFile(sf.ParamsFile)
	if err != nil {
		return nil, fmt.Errorf("sourcefile: params: %w", err)
	}
	return b, nil
}

// Round returns the round variables of this source at a height and time
// (unix nanoseconds).
func (sf *SourceFile) Round(height, unixNano int64) spec.Round {
	return spec.Round{Source: sf.ID, Height: height, Time: unixNano, Window: sf.Window}
}
