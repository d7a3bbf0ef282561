//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesNative(t *testing.T) { assaytest.RunNative(t, "testdata") }

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "jsoncanon.wasm", "testdata") }

func TestReproducibleBuild(t *testing.T) { assaytest.CheckReproducible(t, ".", "jsoncanon.wasm") }

func TestSchemaErrors(t *testing.T) {
	tests := []struct{ schema, want string }{
		{`[]`, "params: schema (root): is a array, want an object"},
		{`{"pattern": "^a"}`, "params: schema /pattern: unsupported keyword"},
		{`{"type": "date"}`, "params: schema /type: want a type name or an array of them"},
		{`{"minLength": -1}`, "params: schema /minLength: want a non-negative integer"},
		{`{"properties": {"a": {"maximum": "3"}}}`, "params: schema /properties/a/maximum: want a number"},
		{`{"required": [1]}`, "params: schema /required: want an array of strings"},
		{`{`, "params: schema is not valid JSON: offset 1: expected a member name"},
	}
	for _, tt := range tests {
		_, err := validate([]byte(`{}`), []byte(tt.schema), assay.Round{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %q", tt.schema, err, tt.want)
		}
	}
}

func TestKeywords(t *testing.T) {
	tests := []struct{ schema, input, want string }{
		{`{"type": ["string", "null"]}`, `null`, ""},
		{`{"type": "integer"}`, `2.0`, ""},
		{`{"const": 1}`, `1.0`, ""},
		{`{"const": {"a": [1]}}`, `{"a": [2]}`, `(root): {"a":[2]} is not one of the allowed values`},
		{`{"exclusiveMinimum": 0}`, `0`, "(root): 0 is not above exclusiveMinimum 0"},
		{`{"exclusiveMaximum": 1e21}`, `1e21`, "(root): 1e+21 is not below exclusiveMaximum 1e+21"},
		{`{"minimum": -1}`, `-1.5`, "(root): -1.5 is below minimum -1"},
		{`{"maxLength": 2}`, `"éé"`, ""},
		{`{"maxLength": 2}`, `"ééé"`, "(root): string of length 3 is longer than maxLength 2"},
		{`{"minLength": 1}`, `""`, "(root): string of length 0 is shorter than minLength 1"},
		{`{"minItems": 1}`, `[]`, "(root): array of 0 items has fewer than minItems 1"},
		{`{"additionalProperties": {"type": "number"}}`, `{"a/b~": "x"}`, "/a~1b~0: is string, want number"},
		{`{"properties": {"a": true}}`, `{"a": [1]}`, ""},
		{`{"items": {"items": {"type": "boolean"}}}`, `[[true], [false, 0]]`, "/1/1: is number, want boolean"},
	}
	for _, tt := range tests {
		_, err := validate([]byte(tt.input), []byte(tt.schema), assay.Round{})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("schema %s input %s: %q, want %q", tt.schema, tt.input, got, tt.want)
		}
	}
}

func TestHugeInputSandbox(t *testing.T) {
	params, err := os.ReadFile("testdata/params.json")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	assaytest.RunHuge(t, "jsoncanon.wasm", params, '[', "exceeds")
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "jsoncanon.wasm", "testdata") }
