//go:build !wasip1

package main

import (
	"testing"

	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/assay/assaytest"
)

// go test runs the fixtures natively; the sandbox runs them in
// sandbox_test.go.
func TestFixturesNative(t *testing.T) { assaytest.RunNative(t, "testdata") }

func TestReproducibleBuild(t *testing.T) {
	assaytest.CheckReproducible(t, ".", "module/jsonfields.wasm")
}

func TestCheckParams(t *testing.T) {
	tests := []struct {
		params, wantReason string
	}{
		{``, "params: empty, want JSON"},
		{`{"fields": []}`, "params: no fields"},
		{`{"fields": [{"name": "a", "type": "date"}]}`, `params: field "a" has unknown type "date"`},
		{`{"fields": [{"name": "a", "type": "string"}], "x": 1}`, `params: json: unknown field "x"`},
	}
	for _, tt := range tests {
		_, err := check([]byte(`{"a":"x"}`), []byte(tt.params), assay.Round{})
		if err == nil || err.Error() != tt.wantReason {
			t.Errorf("params %q: %v, want %q", tt.params, err, tt.wantReason)
		}
	}
}

func TestCheckInput(t *testing.T) {
	params := []byte(`{"fields": [{"name": "n", "type": "integer"}, {"name": "b", "type": "boolean"}]}`)
	tests := []struct {
		input, want, wantReason string
	}{
		{`{"b":true,"n":2}`, `{"b":true,"n":2}`, ""},
		{` {"n":2.0,"b":false,"z":[1e2]} `, `{"b":false,"n":2,"z":[100]}`, ""},
		{`{"n":2.5,"b":true}`, "", `field "n" is number, want integer`},
		{`[1]`, "", "input is a JSON array, want an object"},
		{`{"n":1,"n":2,"b":true}`, "", `input is not valid JSON: offset 7: jcs: duplicate member name "n"`},
		{`{`, "", "input is not valid JSON: offset 1: expected a member name"},
	}
	for _, tt := range tests {
		out, err := check([]byte(tt.input), params, assay.Round{})
		if tt.wantReason != "" {
			if err == nil || err.Error() != tt.wantReason {
				t.Errorf("%s: %v, want %q", tt.input, err, tt.wantReason)
			}
			continue
		}
		if err != nil || string(out) != tt.want {
			t.Errorf("%s: %s %v, want %s", tt.input, out, err, tt.want)
		}
	}
}
