package spec

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/assaynet/assay/plugins/template"
)

// ErrSpec is wrapped by every error Validate, ValidatePB, PB and FromPB
// return.
var ErrSpec = errors.New("spec: bad fetch spec")

// Round is the set of round variables a fetch can use in its templates:
// source id, height, time (unix ns) and the source's window (seconds).
type Round = template.Vars

// FetchSpec is the JSON form of a fetch spec: which fetcher kind, with
// which config. Config is a JSON object; its string values may contain
// templates such as "{{height}}" (see package template).
//
// Example (JSON):
//
//	{"kind": "http", "config": {"url": "https://api.example/blocks/{{height}}"}}
type FetchSpec struct {
	// Kind names the fetcher: "http", "file", or a kind a plugin serves.
	Kind string `json:"kind"`
	// Config is the fetcher's config, a JSON object.
	Config json.RawMessage `json:"config"`
}

// Validate checks s as a chain with default params would after PB (see
// ValidatePB), and what only the JSON form can get wrong: the config must
// be present, one JSON object nested at most 32 deep without duplicate
// keys, convertible by PB, and every string in it (after JSON unescaping)
// a valid template.
func (s FetchSpec) Validate() error {
	if err := ValidateKind(s.Kind); err != nil {
		return err
	}
	if len(s.Config) == 0 {
		return fmt.Errorf("%w: config is missing (use {} for none)", ErrSpec)
	}
	if err := template.ValidateJSON(s.Config); err != nil {
		return fmt.Errorf("%w: config: %w", ErrSpec, err)
	}
	f, err := s.PB()
	if err != nil {
		return err
	}
	return ValidatePB(f, DefaultMaxConfigBytes, template.Validate)
}

// UsesWindow reports whether any template in the config refers to the
// window; such a source needs a window > 0.
func (s FetchSpec) UsesWindow() (bool, error) {
	uses := false
	err := template.ValidateJSON(s.Config)
	if err != nil {
		return false, err
	}
	_, err = template.ExpandJSON(s.Config, template.Vars{Window: 0})
	if errors.Is(err, template.ErrWindow) {
		uses = true
		err = nil
	}
	return uses, err
}

// Expand returns the config with every template expanded for r.
func (s FetchSpec) Expand(r Round) (json.RawMessage, error) {
	out, err := template.ExpandJSON(s.Config, r)
	if err != nil {
		return nil, fmt.Errorf("spec: expand %s config: %w", s.Kind, err)
	}
	return out, nil
}
