package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/pin"
)

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidatorRunJSON(t *testing.T) {
	abiWasm := filepath.Join(guestDir, "abi.wasm")
	in := writeFile(t, "in", []byte("hello"))
	outFile := filepath.Join(t.TempDir(), "out")
	helloCID, err := pin.SumBytes([]byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		sel     byte
		extra   []string
		status  string
		kind    string
		reason  string
		outSize int
		outCID  string
	}{
		{"accept", 0, []string{"--output", outFile}, "ACCEPTED", "", "", 5, helloCID.String()},
		{"reject", 1, nil, "REJECTED", "", "hello", 5, helloCID.String()},
		{"trap", 2, []string{"--engine", "interpreter"}, "FAILED", "trap:unreachable", "", len("trap:unreachable"), ""},
		{"out-of-gas", 12, []string{"--gas", "5000"}, "FAILED", "out_of_gas", "", len("out_of_gas"), ""},
		{"round", 14, []string{"--height", "7", "--time", "2026-11-24T00:00:00Z"}, "ACCEPTED", "", "", 16, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := writeFile(t, "params", []byte{tt.sel})
			args := append([]string{"validator", "run", abiWasm, "--input", in, "--params", params, "--json"}, tt.extra...)
			var out, errb bytes.Buffer
			if code := run(args, &out, &errb); code != 0 {
				t.Fatalf("exit %d; stderr %q", code, errb.String())
			}
			if strings.Count(out.String(), "\n") != 1 {
				t.Errorf("want one JSON line, got %q", out.String())
			}
			var rep map[string]any
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("parse %q: %v", out.String(), err)
			}
			for _, k := range []string{"status", "kind", "reason", "gas_used", "output_size", "output_cid", "wall_ms"} {
				if _, ok := rep[k]; !ok {
					t.Errorf("JSON lacks %q", k)
				}
			}
			if rep["status"] != tt.status || rep["kind"] != tt.kind || rep["reason"] != tt.reason {
				t.Errorf("got %v", rep)
			}
			if int(rep["output_size"].(float64)) != tt.outSize || rep["gas_used"].(float64) <= 0 {
				t.Errorf("got %v", rep)
			}
			if tt.outCID != "" && rep["output_cid"] != tt.outCID {
				t.Errorf("output_cid %v, want %s", rep["output_cid"], tt.outCID)
			}
		})
	}
	if b, err := os.ReadFile(outFile); err != nil || string(b) != "hello" {
		t.Errorf("--output file: %q %v", b, err)
	}
}

func TestValidatorRunText(t *testing.T) {
	in := writeFile(t, "in", []byte("hi"))
	var out, errb bytes.Buffer
	code := run([]string{"validator", "run", "--input", in, filepath.Join(guestDir, "abi.wasm")}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d; stderr %q", code, errb.String())
	}
	for _, s := range []string{"status:      ACCEPTED", "gas used:", "output:      2 bytes", "output cid:  bafkrei", "wall:"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, out.String())
		}
	}
}

func TestValidatorRunErrors(t *testing.T) {
	in := writeFile(t, "in", nil)
	abiWasm := filepath.Join(guestDir, "abi.wasm")
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no-input", []string{abiWasm}, 2, "usage"},
		{"bad-engine", []string{abiWasm, "--input", in, "--engine", "jit"}, 2, "engine"},
		{"bad-time", []string{abiWasm, "--input", in, "--time", "yesterday"}, 2, "--time"},
		{"bad-flag", []string{abiWasm, "--nope"}, 2, "nope"},
		{"check-fails", []string{filepath.Join(guestDir, "globals.wasm"), "--input", in}, 1, "reserved"},
		{"pages-above-node", []string{abiWasm, "--input", in, "--memory-pages", "1000"}, 1, ""},
		{"pages-above-wasm32", []string{abiWasm, "--input", in, "--memory-pages", "100000"}, 2, "out of range 0..65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"validator", "run"}, tt.args...), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.err) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.err)
			}
		})
	}
}
