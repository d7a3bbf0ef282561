package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
)

// jsonDoc is a deterministic JSON array of n objects.
func jsonDoc(n int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"item-%d","tags":["a","b"],"price":%d.%02d,"ok":%v}`, i, i, i*7, i%100, i%3 == 0)
	}
	b.WriteString("]")
	return []byte(b.String())
}

// TestGoGuest runs the Go wasip1 guest (JSON + SHA-256) under both engines,
// twice each: same verdict and gas, and the output is right.
func TestGoGuest(t *testing.T) {
	ctx := context.Background()
	doc := jsonDoc(20)
	sum := sha256.Sum256(doc)
	tests := []struct {
		name   string
		input  []byte
		status abi.Status
		output string
	}{
		{"valid", doc, abi.StatusAccepted, hex.EncodeToString(sum[:]) + " 20\n"},
		{"invalid", []byte(`{"a":`), abi.StatusRejected, "invalid json: unexpected end of JSON input"},
	}
	var rts []*Runtime
	var codes []*Code
	for _, eng := range engines {
		rt := newRuntime(t, Config{Engine: eng})
		code, err := rt.Store(ctx, readTestdata(t, "goguest/goguest.wasm"))
		if err != nil {
			t.Fatalf("%v: %v", eng, err)
		}
		rts, codes = append(rts, rt), append(codes, code)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			job := Job{Source: "go", Input: tt.input, Height: 3, Time: 1_700_000_000_000_000_000, GasLimit: DefaultMaxGas}
			var first string
			for i := range rts {
				for run := 0; run < 2; run++ {
					res := rts[i].Run(ctx, codes[i], job)
					if res.Status != tt.status || string(res.Output) != tt.output {
						t.Fatalf("%v: %s log %q", engines[i], verdict(res), res.Log)
					}
					if first == "" {
						first = verdict(res)
					} else if verdict(res) != first {
						t.Errorf("%v run %d: %s, want %s", engines[i], run, verdict(res), first)
					}
				}
			}
		})
	}
}
