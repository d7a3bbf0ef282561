package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrConfig means a fetch config is not a well-formed JSON object.
var ErrConfig = errors.New("template: bad fetch config")

// maxDepth bounds the nesting of a fetch config.
const maxDepth = 32

// ValidateJSON checks that raw is one JSON object without duplicate keys
// whose string values (not keys) are valid templates.
func ValidateJSON(raw []byte) error {
	_, err := rewriteJSON(raw, func(s string) (string, error) { return s, Validate(s) })
	return err
}

// ExpandJSON returns raw with every string value expanded for v. Object
// keys are not templates and keep their order; numbers keep their text.
func ExpandJSON(raw []byte, v Vars) (json.RawMessage, error) {
	return rewriteJSON(raw, func(s string) (string, error) { return Expand(s, v) })
}

// rewriteJSON re-encodes the object raw, mapping each string value
// through f.
func rewriteJSON(raw []byte, f func(string) (string, error)) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var w bytes.Buffer
	first, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if d, ok := first.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%w: want a JSON object", ErrConfig)
	}
	if err := object(dec, &w, f, 1); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the object", ErrConfig)
	}
	return w.Bytes(), nil
}

// object writes the members of an object whose '{' was just read.
func object(dec *json.Decoder, w *bytes.Buffer, f func(string) (string, error), depth int) error {
	w.WriteByte('{')
	var seen []string
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrConfig, err)
		}
		key, _ := tok.(string)
		if contains(seen, key) {
			return fmt.Errorf("%w: duplicate key %q", ErrConfig, key)
		}
		seen = append(seen, key)
		if i > 0 {
			w.WriteByte(',')
		}
		writeString(w, key)
		w.WriteByte(':')
		if err := value(dec, w, f, depth); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
	}
	return closeDelim(dec, w, '}')
}

// array writes the elements of an array whose '[' was just read.
func array(dec *json.Decoder, w *bytes.Buffer, f func(string) (string, error), depth int) error {
	w.WriteByte('[')
	for i := 0; dec.More(); i++ {
		if i > 0 {
			w.WriteByte(',')
		}
		if err := value(dec, w, f, depth); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return closeDelim(dec, w, ']')
}

func closeDelim(dec *json.Decoder, w *bytes.Buffer, d byte) error {
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	w.WriteByte(d)
	return nil
}

// value writes one value, descending into objects and arrays.
func value(dec *json.Decoder, w *bytes.Buffer, f func(string) (string, error), depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxDepth {
			return fmt.Errorf("%w: nested deeper than %d", ErrConfig, maxDepth)
		}
		if t == '{' {
			return object(dec, w, f, depth+1)
		}
		return array(dec, w, f, depth+1)
	case string:
		s, err := f(t)
		if err != nil {
			return err
		}
		writeString(w, s)
	case json.Number:
		w.WriteString(t.String())
	case bool:
		if t {
			w.WriteString("true")
		} else {
			w.WriteString("false")
		}
	case nil:
		w.WriteString("null")
	}
	return nil
}

// writeString writes s as a JSON string without HTML escaping.
func writeString(w *bytes.Buffer, s string) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	w.Truncate(w.Len() - 1) // drop Encode's newline
}
