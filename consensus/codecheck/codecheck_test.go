package codecheck_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/codecheck"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/internal/cputime"
	"github.com/assaynet/assay/runtime/meter"
)

func TestCheck(t *testing.T) {
	wasm := read(t, "../testdata/minimal.wasm")
	c := codecheck.New(meter.DefaultLimits())
	id, err := c.Check(wasm)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if !strings.HasPrefix(id, "bafkrei") {
		t.Fatalf("cid %q is not a raw-leaf CIDv1", id)
	}
	if _, err := c.Check([]byte("not wasm")); err == nil {
		t.Fatal("garbage accepted")
	}
}

// sandboxData is where the sandbox keeps its initializer test modules.
const sandboxData = "../../runtime/sandbox/testdata/"

// TestCheckInitializer: the v1 store-time check refuses a module whose
// _initialize traps, loops past rules.InitGasV1 or calls a job-only host
// function, with the sandbox's reason, and accepts a Go guest, a module
// whose initializer uses just under the bound, and one without
// _initialize; without WithInit the initializer is not run.
func TestCheckInitializer(t *testing.T) {
	v1 := rules.V1().Code
	tests := []struct {
		path, want string // want "" accepted
	}{
		{sandboxData + "init_trap.wasm", "_initialize rejected: _initialize ended FAILED trap:unreachable"},
		{sandboxData + "init_loop.wasm", "_initialize rejected: _initialize ran past the initialization gas bound of 20000000"},
		{sandboxData + "init_input.wasm", "_initialize rejected: _initialize called assay.input_len, which only a job may call"},
		{sandboxData + "goguest/goguest.wasm", ""},
		{"testdata/init_near.wasm", ""},
		{"../testdata/minimal.wasm", ""},
	}
	for _, tt := range tests {
		wasm := read(t, tt.path)
		id, err := v1.Check(wasm)
		switch {
		case tt.want == "" && (err != nil || id == ""):
			t.Errorf("%s: refused: %v", tt.path, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: err %v, want %q", tt.path, err, tt.want)
		}
		if _, err := codecheck.New(rules.MeterLimitsV1()).Check(wasm); err != nil {
			t.Errorf("%s: refused without the initializer check: %v", tt.path, err)
		}
	}
}

// BenchmarkStoreCodeCheck: the CPU of one v1 store-time check (as CheckTx
// and FinalizeBlock each run it) of the Go guest, of init_near (the
// costliest accepted initializer: twice just under the bound) and of
// init_loop (a one-gas loop running out of the bound), in one loop so the
// ratios hold on a loaded machine. The bound keeps the worst under ~1 s.
func BenchmarkStoreCodeCheck(b *testing.B) {
	v1 := rules.V1().Code
	mods := []struct{ name, path string }{
		{"go", sandboxData + "goguest/goguest.wasm"},
		{"near", "testdata/init_near.wasm"},
		{"loop", sandboxData + "init_loop.wasm"},
	}
	wasm := make([][]byte, len(mods))
	for i, m := range mods {
		wasm[i] = read(b, m.path)
	}
	cpu := make([]time.Duration, len(mods))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for range b.N {
		for i := range mods {
			start := cputime.Thread()
			_, _ = v1.Check(wasm[i])
			cpu[i] += cputime.Thread() - start
		}
	}
	for i, m := range mods {
		b.ReportMetric(float64(cpu[i].Microseconds())/1000/float64(b.N), m.name+"-cpu-ms/check")
		if i > 0 {
			b.ReportMetric(float64(cpu[i])/float64(cpu[0]), m.name+"/go")
		}
	}
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
