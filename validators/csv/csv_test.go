//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesNative(t *testing.T) { assaytest.RunNative(t, "testdata") }

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "csv.wasm", "testdata") }

func TestReproducibleBuild(t *testing.T) { assaytest.CheckReproducible(t, ".", "csv.wasm") }

func TestParams(t *testing.T) {
	tests := []struct{ params, want string }{
		{`{"columns": []}`, "params: no columns"},
		{`{"columns": [{"name": "a", "type": "float"}]}`, `params: column 0 ("a"): unknown type "float"`},
		{`{"columns": [{"name": "a", "type": "string"}], "delimiter": ";;"}`, `params: delimiter ";;", want one character other than a quote or newline`},
		{`{"columns": [{"name": "a", "type": "string"}], "delimiter": "\""}`, `params: delimiter "\"", want one character other than a quote or newline`},
	}
	for _, tt := range tests {
		_, err := validate([]byte("a\n"), []byte(tt.params), assay.Round{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %q", tt.params, err, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ typ, in, want, wantErr string }{
		{"integer", "-0", "0", ""},
		{"integer", "9223372036854775808", "", `"9223372036854775808" is not a 64-bit integer`},
		{"decimal", "-0.000", "0", ""},
		{"boolean", "No", "false", ""},
		{"boolean", "maybe", "", `"maybe" is not a boolean`},
		{"timestamp", "2023-11-14T22:13:20-00:30", "2023-11-14T22:43:20Z", ""},
		{"timestamp", "2023-11-14 22:13:20", "", `"2023-11-14 22:13:20" is not an RFC 3339 timestamp`},
		{"string", "\xff", "", "invalid UTF-8"},
	}
	for _, tt := range tests {
		got, err := column{Type: tt.typ}.normalize(tt.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("%s %q: %q %q, want %q %q", tt.typ, tt.in, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

func TestDelimiterAndNoHeader(t *testing.T) {
	params := []byte(`{"columns": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}], "delimiter": ";"}`)
	out, err := validate([]byte("01;x,y\n2;z\n"), params, assay.Round{})
	if err != nil || string(out) != "a,b\n1,\"x,y\"\n2,z\n" {
		t.Fatalf("got %q %v", out, err)
	}
	if _, err := validate(nil, params, assay.Round{}); err == nil || err.Error() != "no data rows" {
		t.Fatalf("empty input: %v", err)
	}
}

func TestHugeInputSandbox(t *testing.T) {
	params, err := os.ReadFile("testdata/params.json")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	assaytest.RunHuge(t, "csv.wasm", params, '[', "exceeds")
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "csv.wasm", "testdata") }
