package sandbox

import (
	"context"
	"testing"
)

// TestDataImageEquivalence: writing the data image into each instance
// gives the same verdicts as instantiating with the data section.
func TestDataImageEquivalence(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		module string
		jobs   []Job
	}{
		{"goguest/goguest.wasm", []Job{{Input: jsonDoc(5)}, {Input: []byte("{")}}},
		{"initialize.wasm", []Job{{}}},
		{"abi.wasm", []Job{{Params: []byte{0}, Input: []byte("x")}, {Params: []byte{15}}, {Params: []byte{6}}}},
	}
	for _, c := range cases {
		t.Run(c.module, func(t *testing.T) {
			withImage := newRuntime(t, Config{})
			withData := newRuntime(t, Config{})
			withData.keepData = true
			a, err := withImage.Store(ctx, readTestdata(t, c.module))
			if err != nil {
				t.Fatal(err)
			}
			b, err := withData.Store(ctx, readTestdata(t, c.module))
			if err != nil {
				t.Fatal(err)
			}
			if len(b.image.Bytes) != 0 {
				t.Fatal("keepData still made an image")
			}
			for i, job := range c.jobs {
				job.GasLimit = DefaultMaxGas
				ra, rb := withImage.Run(ctx, a, job), withData.Run(ctx, b, job)
				if verdict(ra) != verdict(rb) {
					t.Errorf("job %d: image %s, data section %s", i, verdict(ra), verdict(rb))
				}
			}
		})
	}
	rt := newRuntime(t, Config{})
	rt.noPreinit = true // a pre-initialized code's image replaces the data image
	code, err := rt.Store(ctx, readTestdata(t, "goguest/goguest.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if len(code.image.Bytes) == 0 {
		t.Error("the Go guest got no data image")
	}
}
