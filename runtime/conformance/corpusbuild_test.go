package conformance

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/meter"
)

// wabtVersion is the wat2wasm that built the committed corpus.
const wabtVersion = "1.0.32"

// TestCorpusReproducible rebuilds every .wat of the corpus with wat2wasm
// (as build.sh does) and needs the committed .wasm byte for byte.
func TestCorpusReproducible(t *testing.T) {
	tool, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Skip("wat2wasm not installed (Debian package wabt); the committed .wasm files are used as they are")
	}
	if v, _ := exec.Command(tool, "--version").Output(); strings.TrimSpace(string(v)) != wabtVersion {
		t.Skipf("wat2wasm %s, the corpus was built with %s; encodings may differ", strings.TrimSpace(string(v)), wabtVersion)
	}
	srcs, err := filepath.Glob(filepath.Join(corpusDir, "*.wat"))
	if err != nil || len(srcs) == 0 {
		t.Fatalf("no .wat in %s (%v)", corpusDir, err)
	}
	noCheck := map[string]bool{"gas_refill": true, "local_oob": true, "export_oob": true}
	tmp := t.TempDir()
	for _, src := range srcs {
		name := strings.TrimSuffix(filepath.Base(src), ".wat")
		out := filepath.Join(tmp, name+".wasm")
		args := []string{"--enable-all", src, "-o", out}
		if noCheck[name] {
			args = append([]string{"--no-check"}, args...)
		}
		if msg, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
			t.Errorf("wat2wasm %s: %v\n%s", name, err, msg)
			continue
		}
		built, _ := os.ReadFile(out)
		committed, err := os.ReadFile(filepath.Join(corpusDir, name+".wasm"))
		if err != nil || !bytes.Equal(built, committed) {
			t.Errorf("%s.wasm differs from its .wat (run runtime/testdata/build.sh)", name)
		}
	}
}

// TestCorpusGenerated reruns the generator of the large corpus modules
// (runtime/testdata/gen) and needs the committed bytes.
func TestCorpusGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs runtime/testdata/gen")
	}
	tmp := t.TempDir()
	cmd := exec.Command("go", "run", ".", "-o", tmp)
	cmd.Dir = filepath.Join(corpusDir, "gen")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, msg)
	}
	for _, f := range generatedModules {
		built, _ := os.ReadFile(filepath.Join(tmp, f))
		committed, err := os.ReadFile(filepath.Join(corpusDir, f))
		if err != nil || len(built) == 0 || !bytes.Equal(built, committed) {
			t.Errorf("%s differs from what gen writes (run runtime/testdata/build.sh)", f)
		}
	}
}

// generatedModules are the corpus modules runtime/testdata/gen writes.
var generatedModules = []string{"locals_huge.wasm", "nesting_deep.wasm", "brtable_huge.wasm",
	"nesting_cap.wasm", "brtable_cap.wasm", "locals_cap.wasm"}

// TestRejectBoundedMemory checks that refusing the size bombs costs memory
// in proportion to the module's bytes, not to the count it declares
// (5·10^7 locals, 10^8 table entries, ...).
func TestRejectBoundedMemory(t *testing.T) {
	for _, f := range []string{"locals_huge", "table_huge", "nesting_deep", "brtable_huge", "memory_huge"} {
		t.Run(f, func(t *testing.T) {
			wasm, err := os.ReadFile(filepath.Join(corpusDir, f+".wasm"))
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = meter.Check(wasm, meter.DefaultLimits())
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("accepted")
			}
			limit := uint64(1<<20 + 16*len(wasm))
			if got := after.TotalAlloc - before.TotalAlloc; got > limit {
				t.Errorf("rejecting a %d-byte module allocated %d bytes, want <= %d", len(wasm), got, limit)
			}
		})
	}
}
