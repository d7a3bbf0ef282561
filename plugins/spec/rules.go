package spec

import (
	"fmt"
	"strings"

	"github.com/assaynet/assay/consensus/pb"
)

// Limits of the fetch spec rules.
const (
	// MaxKindLen is the longest kind name.
	MaxKindLen = 64
	// MaxKeyLen is the longest config key.
	MaxKeyLen = 64
	// DefaultMaxConfigBytes is the genesis default of the chain param
	// max_fetch_config_bytes: the largest sum of the lengths of a chain
	// form's keys and values.
	DefaultMaxConfigBytes = 4 << 10
)

// HTTPKind is the kind of the built-in http fetcher, whose url
// ValidatePB checks.
const HTTPKind = "http"

// ValidatePB checks a fetch spec in chain form; it is the rule the state
// machine applies to every RegisterSource and UpdateSource:
//
//   - f is present and its kind passes ValidateKind;
//   - every key passes ValidateKey, and the keys are unique and sorted
//     (byte order);
//   - the lengths of all keys and values add up to at most maxConfigBytes;
//   - every value passes tmpl (the template rule of the protocol version,
//     template.Validate in v1);
//   - for kind "http", the "url" value passes ValidHTTPURL.
//
// The error names the first problem found.
func ValidatePB(f *pb.FetchSpec, maxConfigBytes uint64, tmpl func(string) error) error {
	if f == nil {
		return fmt.Errorf("%w: no fetch spec", ErrSpec)
	}
	if err := ValidateKind(f.Kind); err != nil {
		return err
	}
	var size uint64
	for i, kv := range f.Config {
		if err := ValidateKey(kv.Key); err != nil {
			return err
		}
		if i > 0 && f.Config[i-1].Key >= kv.Key {
			return fmt.Errorf("%w: config keys must be unique and sorted (%q after %q)", ErrSpec, kv.Key, f.Config[i-1].Key)
		}
		size += uint64(len(kv.Key)) + uint64(len(kv.Value))
		if size > maxConfigBytes {
			return fmt.Errorf("%w: config keys and values exceed %d bytes (at key %q)", ErrSpec, maxConfigBytes, kv.Key)
		}
		if err := tmpl(kv.Value); err != nil {
			return fmt.Errorf("%w: config %q: %w", ErrSpec, kv.Key, err)
		}
		if f.Kind == HTTPKind && kv.Key == "url" && !ValidHTTPURL(kv.Value) {
			return fmt.Errorf("%w: kind http: url %.100q must start with http:// or https://", ErrSpec, kv.Value)
		}
	}
	return nil
}

// ValidateKind checks the syntax of a kind name: 1 to 64 characters of
// a-z, 0-9, '_', '-', '.', starting with a letter.
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

// ValidateKey checks the syntax of a config key (a member name of the
// config object): 1 to 64 characters of a-z, 0-9, '.', '_', '-',
// starting with a letter or digit. Keys of nested objects are free.
func ValidateKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return fmt.Errorf("%w: config key %q must be 1 to %d characters", ErrSpec, key, MaxKeyLen)
	}
	for i, c := range []byte(key) {
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return fmt.Errorf("%w: config key %q: want a-z or 0-9 first, then a-z 0-9 . _ -", ErrSpec, key)
		}
	}
	return nil
}

// ValidHTTPURL reports whether v starts, ASCII case-insensitively, with
// "http://" or "https://" and has more after it. The prefix must be
// literal so that no template (e.g. {{source}}) can choose the scheme.
func ValidHTTPURL(v string) bool {
	for _, p := range []string{"http://", "https://"} {
		if len(v) > len(p) && strings.EqualFold(v[:len(p)], p) {
			return true
		}
	}
	return false
}
