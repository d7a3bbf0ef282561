package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/meter"
)

// TestCheckInit: the one-shot store-time check refuses an initializer
// that traps, runs past the bound it is given or asks for the job's input,
// with Store's reason (ErrInit), and accepts the Go guest (about 1.7M gas)
// and modules without _initialize. A bound below the Go guest's
// initializer refuses it. (A non-deterministic initializer is refused by
// the same comparison TestPreinitRejects proves.)
func TestCheckInit(t *testing.T) {
	tests := []struct {
		module string
		gas    uint64
		want   string // "" accepted
	}{
		{"init_trap.wasm", 20_000_000, "_initialize ended FAILED trap:unreachable after 1 gas"},
		{"init_loop.wasm", 20_000_000, "_initialize ran past the initialization gas bound of 20000000"},
		{"init_loop.wasm", 1_000, "_initialize ran past the initialization gas bound of 1000"},
		{"init_input.wasm", 20_000_000, "_initialize called assay.input_len, which only a job may call"},
		{"goguest/goguest.wasm", 20_000_000, ""},
		{"goguest/goguest.wasm", 1_000_000, "_initialize ran past the initialization gas bound of 1000000"},
		{"initenv.wasm", 20_000_000, ""},
		{"abi.wasm", 1, ""}, // no _initialize: nothing runs
	}
	for _, tt := range tests {
		err := CheckInit(context.Background(), readTestdata(t, tt.module), meter.LimitsV1(), tt.gas)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s (gas %d): refused: %v", tt.module, tt.gas, err)
		case tt.want != "" && (!errors.Is(err, ErrInit) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s (gas %d): err %v, want ErrInit containing %q", tt.module, tt.gas, err, tt.want)
		}
	}
}

// TestCheckInitMemory: the check's memories are bounded by the limits'
// MaxMemoryPages, as a job's by the node's: the initializer of initenv
// grows memory to 2 pages, so a 1-page limit refuses it.
func TestCheckInitMemory(t *testing.T) {
	lim := meter.LimitsV1()
	lim.MaxMemoryPages = 1
	err := CheckInit(context.Background(), readTestdata(t, "initenv.wasm"), lim, 20_000_000)
	if !errors.Is(err, ErrInit) {
		t.Fatalf("err %v, want ErrInit (memory past the limit)", err)
	}
	t.Logf("reason: %v", err)
}
