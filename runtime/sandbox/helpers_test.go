package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/assaynet/assay/runtime/pin"
)

var engines = []Engine{EngineCompiler, EngineInterpreter}

// testCacheDir is a disk compile cache shared by the package's tests, so
// the Go guest is compiled once per test binary, not once per test.
var testCacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sandbox-test-cache-")
	if err != nil {
		panic(err)
	}
	testCacheDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// newRuntime makes a Runtime closed with the test; without a CacheDir it
// uses the shared test cache.
func newRuntime(t testing.TB, cfg Config) *Runtime {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = testCacheDir
	}
	rt, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	return rt
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// storeRaw stores a testdata module without the rewriter, so the only gas
// is what host functions charge (or what the module does to assay:gas).
func storeRaw(t testing.TB, rt *Runtime, name string) *Code {
	t.Helper()
	wasm := readTestdata(t, name)
	id, err := pin.SumBytes(wasm)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.storeInstrumented(context.Background(), id, wasm, nil)
	if err != nil {
		t.Fatalf("store %s: %v", name, err)
	}
	return c
}
