package sourcefile

import (
	"errors"
	"fmt"

	cid "github.com/ipfs/go-cid"
)

// Validate checks every field and returns all problems at once, each
// naming its field. The fetch spec is checked by spec.FetchSpec.Validate:
// the chain's rule (with default params) on the form the chain stores, so
// a file Validate accepts is not refused by the chain for its fetch spec.
// The metadata, if any, is checked by spec.Metadata.Validate: the chain's
// own rule on the chain form.
func (sf *SourceFile) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...)))
	}
	if err := validateID(sf.ID); err != "" {
		bad("id", "%s", err)
	}
	sf.validateCode(bad)
	if sf.Params != "" && sf.ParamsFile != "" {
		bad("params", "set params or params_file, not both")
	}
	if sf.Every < 1 {
		bad("every", "must be ≥ 1 block, got %d", sf.Every)
	}
	if sf.Window < 0 {
		bad("window", "must be ≥ 0 seconds, got %d", sf.Window)
	}
	if sf.Replicas < 1 || sf.Replicas > MaxReplicas {
		bad("replicas", "must be 1 to %d, got %d", MaxReplicas, sf.Replicas)
	}
	if sf.GasLimit < 1 {
		bad("gas_limit", "must be ≥ 1")
	}
	if sf.MaxOutput < 1 {
		bad("max_output", "must be ≥ 1 byte, got %d", sf.MaxOutput)
	}
	if sf.MemoryPages > MaxMemoryPages {
		bad("memory_pages", "must be ≤ %d, got %d", MaxMemoryPages, sf.MemoryPages)
	}
	sf.validateFetch(bad)
	if err := sf.Metadata.Validate(); err != nil {
		bad("metadata", "%v", err)
	}
	return errors.Join(errs...)
}

func (sf *SourceFile) validateCode(bad func(string, string, ...any)) {
	switch {
	case sf.Code == "" && sf.CodeFile == "":
		bad("code", "set code (a CID) or code_file (a .wasm path)")
	case sf.Code != "" && sf.CodeFile != "":
		bad("code", "set code or code_file, not both")
	case sf.Code != "":
		if _, err := cid.Decode(sf.Code); err != nil {
			bad("code", "not a CID: %v", err)
		}
	}
}

func (sf *SourceFile) validateFetch(bad func(string, string, ...any)) {
	if err := sf.Fetch.Validate(); err != nil {
		bad("fetch", "%v", err)
		return
	}
	uses, err := sf.Fetch.UsesWindow()
	if err == nil && uses && sf.Window <= 0 {
		bad("window", "the fetch config uses {{window_start}} or {{window_end}}, so window must be > 0")
	}
}

// validateID returns a description of what is wrong with id, or "".
func validateID(id string) string {
	if id == "" || len(id) > MaxIDLen {
		return fmt.Sprintf("must be 1 to %d characters, got %d", MaxIDLen, len(id))
	}
	for i, c := range []byte(id) {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || (c != '.' && c != '_' && c != '-')) {
			return fmt.Sprintf("%q: want a letter or digit first, then letters, digits . _ -", id)
		}
	}
	return ""
}
