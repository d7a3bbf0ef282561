package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/assaynet/assay/consensus/pb"
)

// ErrMetadata is wrapped by every error about a source's metadata.
var ErrMetadata = errors.New("spec: bad source metadata")

// Limits of the metadata rules (docs/protocol.md, "Source metadata").
// They are protocol constants, not chain params.
const (
	// MaxDescriptionBytes is the longest metadata description.
	MaxDescriptionBytes = 1024
	// MaxMediaTypeBytes is the longest media type, parameters included.
	MaxMediaTypeBytes = 255
	// MaxSchemaBytes is the largest JSON Schema (compact JSON).
	MaxSchemaBytes = 8 << 10
	// MaxSchemaDepth is the deepest nesting of a JSON Schema's objects
	// and arrays.
	MaxSchemaDepth = 32
	// MaxFields is the longest field list.
	MaxFields = 64
	// MaxFieldNameBytes is the longest field name.
	MaxFieldNameBytes = 64
	// MaxUnitBytes is the longest unit.
	MaxUnitBytes = 32
	// MaxFieldDescriptionBytes is the longest field description.
	MaxFieldDescriptionBytes = 256
	// MaxDecimals is the largest decimals of a field.
	MaxDecimals = 36
)

// FieldTypes are the types a field may have, in documentation order:
// decimal is a JSON string holding a base-10 number (the exact form for
// prices), integer a JSON integer (with decimals > 0 a fixed-point value
// scaled by 10^decimals), number a JSON number (with decimals > 0, given
// to at most that many digits after the point), timestamp an RFC 3339
// string.
var FieldTypes = []string{"string", "integer", "decimal", "number", "boolean", "timestamp"}

// Metadata is the JSON form of a source's optional metadata: what its
// output means. A source file holds it under "metadata", and the chain's
// JSON view of a source (consensus/state.SourceView) shows it.
//
// Example (JSON):
//
//	{"description": "BTC in USD, median of three exchanges",
//	 "media_type": "application/json",
//	 "fields": [{"name": "price", "type": "decimal", "unit": "USD", "decimals": 2}]}
type Metadata struct {
	// Description is plain text: what the source publishes.
	Description string `json:"description,omitempty"`
	// MediaType is the output's media type, e.g. "application/json".
	MediaType string `json:"media_type,omitempty"`
	// Schema is a JSON Schema of the output; at most one of Schema and
	// Fields is set.
	Schema json.RawMessage `json:"schema,omitempty"`
	// Fields lists the output's fields.
	Fields []Field `json:"fields,omitempty"`
}

// Field describes one field of a source's output.
type Field struct {
	// Name is the field's name (a JSON member, or a dotted path to one).
	Name string `json:"name"`
	// Type is one of FieldTypes.
	Type string `json:"type"`
	// Unit is the unit of the value, e.g. "USD" or "ms".
	Unit string `json:"unit,omitempty"`
	// Decimals: for an integer, the value is the number / 10^Decimals;
	// for a decimal, how many digits follow the point; for a number, at
	// most how many do. 0 for other types.
	Decimals uint32 `json:"decimals,omitempty"`
	// Description is plain text.
	Description string `json:"description,omitempty"`
}

// Validate checks m as the chain would after PB.
func (m *Metadata) Validate() error {
	p, err := m.PB()
	if err != nil {
		return err
	}
	return ValidateMetadataPB(p)
}

// PB converts m to the chain form; the schema is stored as compact JSON.
// A nil m converts to nil. PB does not check the rules;
// ValidateMetadataPB does.
func (m *Metadata) PB() (*pb.Metadata, error) {
	if m == nil {
		return nil, nil
	}
	p := &pb.Metadata{Description: m.Description, MediaType: m.MediaType}
	if len(m.Schema) > 0 {
		var c bytes.Buffer
		if err := json.Compact(&c, m.Schema); err != nil {
			return nil, fmt.Errorf("%w: schema: %w", ErrMetadata, err)
		}
		p.JsonSchema = c.String()
	}
	for _, f := range m.Fields {
		p.Fields = append(p.Fields, &pb.Field{Name: f.Name, Type: f.Type, Unit: f.Unit, Decimals: f.Decimals, Description: f.Description})
	}
	return p, nil
}

// MetadataFromPB converts chain metadata to the JSON form; nil converts
// to nil. A stored schema that is not valid JSON (the chain never stores
// one) is left out rather than breaking the JSON it is shown in.
func MetadataFromPB(p *pb.Metadata) *Metadata {
	if p == nil {
		return nil
	}
	m := &Metadata{Description: p.Description, MediaType: p.MediaType}
	if s := []byte(p.JsonSchema); len(s) > 0 && json.Valid(s) {
		m.Schema = s
	}
	for _, f := range p.Fields {
		m.Fields = append(m.Fields, Field{Name: f.GetName(), Type: f.GetType(), Unit: f.GetUnit(), Decimals: f.GetDecimals(), Description: f.GetDescription()})
	}
	return m
}

// ValidateMetadataPB checks metadata in chain form; it is the rule the
// state machine applies to every RegisterSource and UpdateSource. nil (no
// metadata) passes. Otherwise:
//
//   - at least one member is set;
//   - description: at most MaxDescriptionBytes of text (see ValidText);
//   - media_type: empty, or type/subtype with optional "; name=value"
//     parameters, lower case (see ValidateMediaType);
//   - json_schema: at most MaxSchemaBytes of compact JSON, one object
//     without duplicate keys, nested at most MaxSchemaDepth deep (the
//     JSON Schema vocabulary is not checked);
//   - fields: at most MaxFields, and not together with json_schema; each
//     with a unique name (ValidateFieldName), a type of FieldTypes, a unit
//     of at most MaxUnitBytes of one-line text, decimals at most
//     MaxDecimals and only for integer, decimal and number, and a description of
//     at most MaxFieldDescriptionBytes of text.
//
// The error names the first problem found.
func ValidateMetadataPB(m *pb.Metadata) error {
	if m == nil {
		return nil
	}
	if m.Description == "" && m.MediaType == "" && m.JsonSchema == "" && len(m.Fields) == 0 {
		return fmt.Errorf("%w: empty (leave metadata out instead)", ErrMetadata)
	}
	if err := ValidText(m.Description, MaxDescriptionBytes, true); err != nil {
		return fmt.Errorf("%w: description: %w", ErrMetadata, err)
	}
	if m.MediaType != "" {
		if err := ValidateMediaType(m.MediaType); err != nil {
			return err
		}
	}
	if m.JsonSchema != "" {
		if len(m.Fields) > 0 {
			return fmt.Errorf("%w: set json_schema or fields, not both", ErrMetadata)
		}
		if err := ValidateSchema(m.JsonSchema); err != nil {
			return err
		}
	}
	return validateFields(m.Fields)
}

func validateFields(fs []*pb.Field) error {
	if len(fs) > MaxFields {
		return fmt.Errorf("%w: %d fields, at most %d", ErrMetadata, len(fs), MaxFields)
	}
	seen := map[string]bool{} // membership only, never iterated
	for i, f := range fs {
		if err := ValidateFieldName(f.GetName()); err != nil {
			return fmt.Errorf("%w: field %d: %w", ErrMetadata, i, err)
		}
		if seen[f.GetName()] {
			return fmt.Errorf("%w: field %d: duplicate name %q", ErrMetadata, i, f.GetName())
		}
		seen[f.GetName()] = true
		if err := validateField(f); err != nil {
			return fmt.Errorf("%w: field %q: %w", ErrMetadata, f.GetName(), err)
		}
	}
	return nil
}

func validateField(f *pb.Field) error {
	if !knownType(f.GetType()) {
		return fmt.Errorf("unknown type %.40q (want one of %v)", f.GetType(), FieldTypes)
	}
	if err := ValidText(f.GetUnit(), MaxUnitBytes, false); err != nil {
		return fmt.Errorf("unit: %w", err)
	}
	if f.GetDecimals() > MaxDecimals {
		return fmt.Errorf("decimals %d out of range 0..%d", f.GetDecimals(), MaxDecimals)
	}
	if t := f.GetType(); f.GetDecimals() > 0 && t != "integer" && t != "decimal" && t != "number" {
		return fmt.Errorf("decimals is only for types integer, decimal and number, not %s", t)
	}
	if err := ValidText(f.GetDescription(), MaxFieldDescriptionBytes, true); err != nil {
		return fmt.Errorf("description: %w", err)
	}
	return nil
}

func knownType(t string) bool {
	for _, k := range FieldTypes {
		if t == k {
			return true
		}
	}
	return false
}

// ValidateFieldName checks a field name: 1 to 64 characters of a-z A-Z
// 0-9 '_' '.' '-', starting with a letter, a digit or '_'.
func ValidateFieldName(name string) error {
	if name == "" || len(name) > MaxFieldNameBytes {
		return fmt.Errorf("name %.80q must be 1 to %d characters", name, MaxFieldNameBytes)
	}
	for i, c := range []byte(name) {
		first := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
		if !first && (i == 0 || c != '.' && c != '-') {
			return fmt.Errorf("name %q: want a-z A-Z 0-9 _ first, then also . -", name)
		}
	}
	return nil
}

// ValidText checks that s is at most max bytes of UTF-8 text without
// control characters (newline and tab allowed when multiline) or
// bidirectional overrides, so that printing it cannot move a terminal's
// cursor or disguise the text around it.
func ValidText(s string, max int, multiline bool) error {
	if len(s) > max {
		return fmt.Errorf("%d bytes, at most %d", len(s), max)
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return fmt.Errorf("invalid UTF-8 at byte %d", i)
		case multiline && (r == '\n' || r == '\t'):
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return fmt.Errorf("control character %U at byte %d", r, i)
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return fmt.Errorf("bidirectional override %U at byte %d", r, i)
		}
		i += n
	}
	return nil
}

// ValidateMediaType checks a media type: lower-case type "/" subtype of
// RFC 6838 restricted-name characters (a-z 0-9 ! # $ & - ^ _ . +, 1 to
// 127 each, starting with a letter or digit), then any number of
// parameters "; name=value" (name a restricted name, value one or more
// of the same characters), at most MaxMediaTypeBytes in all.
//
// Example: "text/csv; header=present".
func ValidateMediaType(t string) error {
	bad := func(why string) error { return fmt.Errorf("%w: media_type %.80q: %s", ErrMetadata, t, why) }
	if len(t) > MaxMediaTypeBytes {
		return bad(fmt.Sprintf("longer than %d bytes", MaxMediaTypeBytes))
	}
	rest := t
	name := func(stop byte) (string, bool) {
		n := 0
		for n < len(rest) && n < 128 && restricted(rest[n], n == 0) {
			n++
		}
		if n == 0 || n > 127 || n < len(rest) && rest[n] != stop {
			return "", false
		}
		s := rest[:n]
		rest = rest[n:]
		return s, true
	}
	if _, ok := name('/'); !ok || rest == "" {
		return bad("want type/subtype in lower case")
	}
	rest = rest[1:]
	if _, ok := name(';'); !ok {
		return bad("want type/subtype in lower case")
	}
	for rest != "" {
		rest = rest[1:] // ';'
		if len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		if _, ok := name('='); !ok || rest == "" {
			return bad("want parameters as \"; name=value\"")
		}
		rest = rest[1:]
		if _, ok := name(';'); !ok {
			return bad("want parameters as \"; name=value\"")
		}
	}
	return nil
}

// restricted reports whether c is an RFC 6838 restricted-name character
// in lower case; the first must be a letter or digit.
func restricted(c byte, first bool) bool {
	if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
		return true
	}
	return !first && (c == '!' || c == '#' || c == '$' || c == '&' || c == '-' || c == '^' || c == '_' || c == '.' || c == '+')
}

// ValidateSchema checks a JSON Schema in chain form: at most
// MaxSchemaBytes of compact JSON holding one object, without duplicate
// keys in any object, nested at most MaxSchemaDepth deep. Numbers are
// read as text, never as floats.
func ValidateSchema(s string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: json_schema: %s", ErrMetadata, fmt.Sprintf(format, args...))
	}
	if len(s) > MaxSchemaBytes {
		return bad("%d bytes, at most %d", len(s), MaxSchemaBytes)
	}
	if !json.Valid([]byte(s)) {
		return bad("not valid JSON")
	}
	var c bytes.Buffer
	_ = json.Compact(&c, []byte(s)) // valid, so it compacts
	if c.String() != s {
		return bad("not compact JSON (no space outside strings)")
	}
	if s[0] != '{' {
		return bad("must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	return walkJSON(dec, 0, bad)
}

// walkJSON reads one value from dec, checking depth and duplicate keys.
func walkJSON(dec *json.Decoder, depth int, bad func(string, ...any) error) error {
	tok, err := dec.Token()
	if err != nil {
		return bad("%v", err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth >= MaxSchemaDepth {
		return bad("nested deeper than %d", MaxSchemaDepth)
	}
	seen := map[string]bool{} // membership only, never iterated
	for dec.More() {
		if d == '{' {
			k, err := dec.Token()
			if err != nil {
				return bad("%v", err)
			}
			key, _ := k.(string)
			if seen[key] {
				return bad("duplicate key %.80q", key)
			}
			seen[key] = true
		}
		if err := walkJSON(dec, depth+1, bad); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return bad("%v", err)
	}
	return nil
}
