// Package spec holds the fetch spec of a source and the round variables a
// fetch sees. It is pure (no I/O, clock, map order or floats) so that the
// consensus state machine can validate a source's fetch spec when the
// source is registered; package plugins re-exports its types.
package spec

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/assaynet/assay/plugins/template"
)

// ErrSpec is wrapped by every error Validate returns.
var ErrSpec = errors.New("spec: bad fetch spec")

// Limits on a fetch spec.
const (
	// MaxKindLen is the longest kind name.
	MaxKindLen = 64
	// MaxConfigLen is the largest fetch config in bytes.
	MaxConfigLen = 16 << 10
)

// Round is the set of round variables a fetch can use in its templates:
// source id, height, time (unix ns) and the source's window (seconds).
type Round = template.Vars

// FetchSpec says how to fetch a source's input: which fetcher kind, with
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

// Validate checks the kind's syntax (1 to 64 characters of a-z, 0-9, '_',
// '-', '.', starting with a letter), the config's size and shape, and every
// template in it.
func (s FetchSpec) Validate() error {
	if err := ValidateKind(s.Kind); err != nil {
		return err
	}
	if len(s.Config) > MaxConfigLen {
		return fmt.Errorf("%w: config is %d bytes, limit %d", ErrSpec, len(s.Config), MaxConfigLen)
	}
	if len(s.Config) == 0 {
		return fmt.Errorf("%w: config is missing (use {} for none)", ErrSpec)
	}
	if err := template.ValidateJSON(s.Config); err != nil {
		return fmt.Errorf("%w: config: %w", ErrSpec, err)
	}
	return nil
}

// ValidateKind checks the syntax of a kind name.
func ValidateKind(kind string) error {
	if kind == "" || len(kind) > MaxKindLen {
		return fmt.Errorf("%w: kind %q must be 1 to %d characters", ErrSpec, kind, MaxKindLen)
	}
	for i, c := range []byte(kind) {
		letter := c >= 'a' && c <= 'z'
		other := c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !letter && (i == 0 || !other) {
			return fmt.Errorf("%w: kind %q: want a-z first, then a-z 0-9 _ - .", ErrSpec, kind)
		}
	}
	return nil
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
