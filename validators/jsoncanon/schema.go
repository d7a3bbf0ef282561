package main

import (
	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/jcs"
)

// schema is a compiled schema node. Pointers are nil when absent.
type schema struct {
	types        []string
	enum         []jcs.Value
	min, max     *float64
	exMin, exMax *float64
	minLen       *int
	maxLen       *int
	minItems     *int
	maxItems     *int
	unique       bool
	items        *schema
	props        []prop
	required     []string
	addl         *schema // additionalProperties as a schema
	noAddl       bool    // additionalProperties: false
}

type prop struct {
	name string
	s    *schema
}

var typeNames = []string{"null", "boolean", "object", "array", "number", "integer", "string"}

var ignoredKeywords = []string{"title", "description", "$schema", "$id", "$comment", "examples", "default"}

// compile turns a parsed schema into a checker; path names the schema
// node in errors.
func compile(v jcs.Value, path string) (*schema, error) {
	if v.Kind == jcs.Bool && v.Bool {
		return &schema{}, nil
	}
	if v.Kind != jcs.Object {
		return nil, assay.Reject("params: schema %s: is a %s, want an object", orRoot(path), v.Kind)
	}
	s := &schema{}
	for _, m := range v.Obj {
		if err := s.keyword(m, path); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *schema) keyword(m jcs.Member, path string) error {
	var err error
	v, at := m.Value, path+"/"+m.Name
	switch m.Name {
	case "type":
		s.types, err = compileTypes(v, at)
	case "enum":
		if v.Kind != jcs.Array {
			return badKeyword(at, "an array")
		}
		s.enum = v.Arr
	case "const":
		s.enum = []jcs.Value{v}
	case "minimum":
		s.min, err = number(v, at)
	case "maximum":
		s.max, err = number(v, at)
	case "exclusiveMinimum":
		s.exMin, err = number(v, at)
	case "exclusiveMaximum":
		s.exMax, err = number(v, at)
	case "minLength":
		s.minLen, err = count(v, at)
	case "maxLength":
		s.maxLen, err = count(v, at)
	case "minItems":
		s.minItems, err = count(v, at)
	case "maxItems":
		s.maxItems, err = count(v, at)
	case "uniqueItems":
		if v.Kind != jcs.Bool {
			return badKeyword(at, "a boolean")
		}
		s.unique = v.Bool
	case "items":
		s.items, err = compile(v, at)
	case "properties":
		err = s.compileProps(v, at)
	case "required":
		s.required, err = names(v, at)
	case "additionalProperties":
		err = s.compileAddl(v, at)
	default:
		if !contains(ignoredKeywords, m.Name) {
			return assay.Reject("params: schema %s: unsupported keyword", at)
		}
	}
	return err
}

func (s *schema) compileProps(v jcs.Value, at string) error {
	if v.Kind != jcs.Object {
		return badKeyword(at, "an object")
	}
	for _, m := range v.Obj {
		ps, err := compile(m.Value, at+"/"+m.Name)
		if err != nil {
			return err
		}
		s.props = append(s.props, prop{m.Name, ps})
	}
	return nil
}

func (s *schema) compileAddl(v jcs.Value, at string) error {
	if v.Kind == jcs.Bool {
		s.noAddl = !v.Bool
		return nil
	}
	var err error
	s.addl, err = compile(v, at)
	return err
}

func compileTypes(v jcs.Value, at string) ([]string, error) {
	list := []jcs.Value{v}
	if v.Kind == jcs.Array {
		list = v.Arr
	}
	var out []string
	for _, t := range list {
		if t.Kind != jcs.String || !contains(typeNames, t.Str) {
			return nil, badKeyword(at, "a type name or an array of them")
		}
		out = append(out, t.Str)
	}
	return out, nil
}

func number(v jcs.Value, at string) (*float64, error) {
	if v.Kind != jcs.Number {
		return nil, badKeyword(at, "a number")
	}
	return &v.Num, nil
}

func count(v jcs.Value, at string) (*int, error) {
	if !v.IsInteger() || v.Num < 0 || v.Num > 1<<31 {
		return nil, badKeyword(at, "a non-negative integer")
	}
	n := int(v.Num)
	return &n, nil
}

func names(v jcs.Value, at string) ([]string, error) {
	if v.Kind != jcs.Array {
		return nil, badKeyword(at, "an array of strings")
	}
	out := make([]string, 0, len(v.Arr))
	for _, e := range v.Arr {
		if e.Kind != jcs.String {
			return nil, badKeyword(at, "an array of strings")
		}
		out = append(out, e.Str)
	}
	return out, nil
}

func badKeyword(at, want string) error {
	return assay.Reject("params: schema %s: want %s", at, want)
}

func orRoot(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
