package main

import (
	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/jcs"
)

// field is one required field of the params.
type field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type params struct {
	Fields []field `json:"fields"`
}

var knownTypes = []string{"string", "number", "integer", "boolean", "object", "array", "null"}

// check is the validator program: see the package comment.
func check(input, rawParams []byte, _ assay.Round) ([]byte, error) {
	var p params
	if err := decodeParams(rawParams, &p); err != nil {
		return nil, err
	}
	v, err := jcs.Parse(input, jcs.Limits{MaxDepth: 32, MaxBytes: 48 << 10, MaxValues: 10000})
	if err != nil {
		return nil, assay.Reject("input is not valid JSON: %v", err)
	}
	if v.Kind != jcs.Object {
		return nil, assay.Reject("input is a JSON %s, want an object", v.Kind)
	}
	for _, f := range p.Fields {
		got, ok := v.Get(f.Name)
		if !ok {
			return nil, assay.Reject("missing field %q", f.Name)
		}
		if !hasType(got, f.Type) {
			return nil, assay.Reject("field %q is %s, want %s", f.Name, got.Kind, f.Type)
		}
	}
	return jcs.Append(nil, v), nil
}

func decodeParams(raw []byte, p *params) error {
	if err := assay.DecodeParams(raw, p); err != nil {
		return err
	}
	if len(p.Fields) == 0 {
		return assay.Reject("params: no fields")
	}
	for _, f := range p.Fields {
		if !contains(knownTypes, f.Type) {
			return assay.Reject("params: field %q has unknown type %q", f.Name, f.Type)
		}
	}
	return nil
}

func hasType(v jcs.Value, typ string) bool {
	if typ == "integer" {
		return v.IsInteger()
	}
	return v.Kind.String() == typ
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
