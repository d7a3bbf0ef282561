package main

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/jcs"
)

// maxInputBytes bounds the input so that parsing and checking it fits the
// node's maximum gas (a Go guest spends about 2,500 gas per input byte).
const maxInputBytes = 48 << 10

// maxInputValues bounds the values in the input: a Go guest spends up to
// ~11,000 gas per value (a 48 KiB array of one-digit numbers would not fit
// the node's maximum gas).
const maxInputValues = 10000

// Limits on the input and the schema.
var (
	inputLimits  = jcs.Limits{MaxDepth: 64, MaxValues: maxInputValues}
	schemaLimits = jcs.Limits{MaxDepth: 32, MaxBytes: 64 << 10}
)

// validate is the validator program: params = schema, input = JSON document.
func validate(input, params []byte, _ assay.Round) ([]byte, error) {
	sv, err := jcs.Parse(params, schemaLimits)
	if err != nil {
		return nil, assay.Reject("params: schema is not valid JSON: %v", err)
	}
	s, err := compile(sv, "")
	if err != nil {
		return nil, err
	}
	if len(input) > maxInputBytes {
		return nil, assay.Reject("input of %d bytes exceeds the limit of %d", len(input), maxInputBytes)
	}
	v, err := jcs.Parse(input, inputLimits)
	if err != nil {
		return nil, assay.Reject("input is not valid I-JSON: %v", err)
	}
	if err := s.check(v, nil); err != nil {
		return nil, err
	}
	return jcs.Append(nil, v), nil
}

// check returns a rejection for the first violation under v.
func (s *schema) check(v jcs.Value, path *pointer) error {
	if s.types != nil && !hasAnyType(v, s.types) {
		return fail(path, "is %s, want %s", v.Kind, strings.Join(s.types, " or "))
	}
	if s.enum != nil && !inEnum(v, s.enum) {
		return fail(path, "%s is not one of the allowed values", short(v))
	}
	switch v.Kind {
	case jcs.Number:
		return s.checkNumber(v.Num, path)
	case jcs.String:
		return s.checkString(v.Str, path)
	case jcs.Array:
		return s.checkArray(v.Arr, path)
	case jcs.Object:
		return s.checkObject(v, path)
	}
	return nil
}

func (s *schema) checkNumber(x float64, path *pointer) error {
	switch {
	case s.min != nil && x < *s.min:
		return fail(path, "%s is below minimum %s", num(x), num(*s.min))
	case s.max != nil && x > *s.max:
		return fail(path, "%s exceeds maximum %s", num(x), num(*s.max))
	case s.exMin != nil && x <= *s.exMin:
		return fail(path, "%s is not above exclusiveMinimum %s", num(x), num(*s.exMin))
	case s.exMax != nil && x >= *s.exMax:
		return fail(path, "%s is not below exclusiveMaximum %s", num(x), num(*s.exMax))
	}
	return nil
}

func (s *schema) checkString(str string, path *pointer) error {
	n := utf8.RuneCountInString(str)
	switch {
	case s.minLen != nil && n < *s.minLen:
		return fail(path, "string of length %d is shorter than minLength %d", n, *s.minLen)
	case s.maxLen != nil && n > *s.maxLen:
		return fail(path, "string of length %d is longer than maxLength %d", n, *s.maxLen)
	}
	return nil
}

func (s *schema) checkArray(arr []jcs.Value, path *pointer) error {
	switch {
	case s.minItems != nil && len(arr) < *s.minItems:
		return fail(path, "array of %d items has fewer than minItems %d", len(arr), *s.minItems)
	case s.maxItems != nil && len(arr) > *s.maxItems:
		return fail(path, "array of %d items has more than maxItems %d", len(arr), *s.maxItems)
	}
	if s.unique {
		if i, j, dup := firstDuplicate(arr); dup {
			return fail(path, "items %d and %d are equal (uniqueItems)", i, j)
		}
	}
	if s.items == nil {
		return nil
	}
	for i, e := range arr {
		if err := s.items.check(e, &pointer{parent: path, index: i}); err != nil {
			return err
		}
	}
	return nil
}

func (s *schema) checkObject(v jcs.Value, path *pointer) error {
	for _, name := range s.required {
		if _, ok := v.Get(name); !ok {
			return fail(path, "missing required member %q", name)
		}
	}
	for _, m := range v.Obj {
		ps := s.prop(m.Name)
		switch {
		case ps != nil:
		case s.noAddl:
			return fail(path, "member %q is not allowed (additionalProperties)", m.Name)
		case s.addl != nil:
			ps = s.addl
		default:
			continue
		}
		if err := ps.check(m.Value, &pointer{parent: path, name: m.Name, member: true}); err != nil {
			return err
		}
	}
	return nil
}

func (s *schema) prop(name string) *schema {
	for _, p := range s.props {
		if p.name == name {
			return p.s
		}
	}
	return nil
}

// firstDuplicate finds the first pair of canonically equal items in
// linear time (map lookups only; no iteration order involved).
func firstDuplicate(arr []jcs.Value) (int, int, bool) {
	seen := make(map[string]int, len(arr))
	for j, e := range arr {
		key := string(jcs.Append(nil, e))
		if i, ok := seen[key]; ok {
			return i, j, true
		}
		seen[key] = j
	}
	return 0, 0, false
}

func hasAnyType(v jcs.Value, types []string) bool {
	for _, t := range types {
		if t == v.Kind.String() || (t == "integer" && v.IsInteger()) {
			return true
		}
	}
	return false
}

func inEnum(v jcs.Value, enum []jcs.Value) bool {
	c := string(jcs.Append(nil, v))
	for _, e := range enum {
		if string(jcs.Append(nil, e)) == c {
			return true
		}
	}
	return false
}

func fail(path *pointer, format string, args ...any) error {
	return assay.Reject(orRoot(path.String())+": "+format, args...)
}

// pointer is a JSON Pointer built lazily: it is rendered only for a
// rejection, so valid input costs no string building.
type pointer struct {
	parent *pointer
	name   string
	index  int
	member bool
}

// String renders the pointer ("" for the root).
func (p *pointer) String() string {
	if p == nil {
		return ""
	}
	if p.member {
		return p.parent.String() + "/" + pointerEscape(p.name)
	}
	return p.parent.String() + "/" + strconv.Itoa(p.index)
}

func num(x float64) string { return string(jcs.AppendNumber(nil, x)) }

// short is the canonical form of v, cut to 40 bytes for a reason.
func short(v jcs.Value) string {
	b := jcs.Append(nil, v)
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// pointerEscape escapes a member name for a JSON Pointer (RFC 6901).
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
