package sandbox

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
)

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestStoreMetered(t *testing.T) {
	wasm := readTestdata(t, "abi.wasm")
	want, err := pin.SumBytes(wasm)
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, Config{})
	ctx := context.Background()
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		t.Fatalf("Store: %v", err)
	}
	if !code.CID.Equals(want) {
		t.Errorf("CID %s, want %s (of the original bytes)", code.CID, want)
	}
	if code.Info.Size != len(wasm) {
		t.Errorf("Info.Size %d, want %d", code.Info.Size, len(wasm))
	}
	again, err := rt.Store(ctx, gz(t, wasm))
	if err != nil {
		t.Fatalf("Store gzip: %v", err)
	}
	if again != code {
		t.Errorf("storing the gzipped module again gave a new Code")
	}
	res := rt.Run(ctx, code, Job{Input: []byte("hi"), Params: []byte{0}, GasLimit: 1_000_000})
	checkResult(t, res, abi.StatusAccepted, "", []byte("hi"), 0)
	rawRT := newRuntime(t, Config{})
	raw := rawRT.Run(ctx, storeRaw(t, rawRT, "abi.wasm"), Job{Input: []byte("hi"), Params: []byte{0}, GasLimit: 1_000_000})
	if res.GasUsed <= raw.GasUsed {
		t.Errorf("metered gas %d not above host-only gas %d", res.GasUsed, raw.GasUsed)
	}
}

func TestStoreErrors(t *testing.T) {
	wasm := readTestdata(t, "abi.wasm")
	lim := Config{}.withDefaults().Limits
	lim.MaxModuleBytes = 100
	rt := newRuntime(t, Config{Limits: lim})
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"too-large", wasm, ErrModuleTooLarge},
		{"gzip-bomb", gz(t, make([]byte, 1000)), ErrModuleTooLarge},
		{"bad-gzip", []byte{0x1f, 0x8b, 1, 2, 3}, nil},
		{"garbage", []byte("not wasm"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rt.Store(context.Background(), tt.in)
			if err == nil {
				t.Fatal("Store succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
}

func TestInitialize(t *testing.T) {
	for _, eng := range engines {
		rt := newRuntime(t, Config{Engine: eng})
		code, err := rt.Store(context.Background(), readTestdata(t, "initialize.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		if !code.Initialize {
			t.Fatal("Initialize not detected")
		}
		res := rt.Run(context.Background(), code, Job{GasLimit: 100_000})
		checkResult(t, res, abi.StatusAccepted, "", le32(42), 0)
		if string(res.Log) != "init" {
			t.Errorf("log %q, want the _initialize log", res.Log)
		}
	}
}

func TestGlobalsMapping(t *testing.T) {
	tests := []struct {
		name   string
		sel    byte
		job    Job
		status abi.Status
		kind   string
		output []byte
		gas    uint64
	}{
		{"out-of-gas", 0, Job{GasLimit: 5000}, abi.StatusFailed, "out_of_gas", nil, 5000},
		{"memory-limit", 1, Job{GasLimit: 5000}, abi.StatusFailed, "memory_limit", nil, readParam},
		{"stack-limit", 2, Job{GasLimit: 5000}, abi.StatusFailed, "stack_limit", nil, readParam},
		{"host-sets", 3, Job{GasLimit: 5000, MemoryPages: 7}, abi.StatusAccepted, "", cat(le64(5000-readParam), le32(7)), readParam + hostCall + 12},
		{"host-sets-default-pages", 3, Job{GasLimit: 5000}, abi.StatusAccepted, "", cat(le64(5000-readParam), le32(DefaultMaxMemoryPages)), 0},
		{"burn", 4, Job{GasLimit: 5000}, abi.StatusAccepted, "", []byte{}, readParam + 1000},
		// a run that returns with gas below zero ran out of gas
		{"burn-past-limit", 4, Job{GasLimit: 1000}, abi.StatusFailed, "out_of_gas", nil, 1000},
	}
	for _, eng := range engines {
		rt := newRuntime(t, Config{Engine: eng})
		code := storeRaw(t, rt, "globals.wasm")
		for _, tt := range tests {
			t.Run(eng.String()+"/"+tt.name, func(t *testing.T) {
				job := tt.job
				job.Params = []byte{tt.sel}
				res := rt.Run(context.Background(), code, job)
				checkResult(t, res, tt.status, tt.kind, tt.output, tt.gas)
			})
		}
	}
}
