package authoring

import (
	"strings"
	"testing"
)

// TestCheckRunsInitializer: `assay validator check` refuses what the
// chain's StoreCode refuses, a module whose _initialize traps, loops or
// asks for the input, with the reason, and accepts a Go guest.
func TestCheckRunsInitializer(t *testing.T) {
	const dir = "../../runtime/sandbox/testdata/"
	for _, tt := range []struct{ module, want string }{
		{"init_trap.wasm", "_initialize ended FAILED trap:unreachable"},
		{"init_loop.wasm", "ran past the initialization gas bound of 20000000"},
		{"init_input.wasm", "_initialize called assay.input_len, which only a job may call"},
		{"goguest/goguest.wasm", ""},
	} {
		_, id, err := Check(dir + tt.module)
		switch {
		case tt.want == "" && (err != nil || id == ""):
			t.Errorf("%s: refused: %v", tt.module, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.module)):
			t.Errorf("%s: err %v, want the path and %q", tt.module, err, tt.want)
		}
	}
}
