package authoring

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestScaffoldSDK: each language's scaffold carries the SDK files it
// builds with (no tests), the copy from a checkout equals the embedded
// one, and the version names the contents.
func TestScaffoldSDK(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "x")
	want := map[string][]string{
		"go":   {"assay-sdk/go.mod", "assay-sdk/sdk/assay/host_wasip1.go", "assay-sdk/sdk/jcs/parse.go", "assay-sdk/sdk/dec/dec.go", "assay-sdk/runtime/abi/abi.go"},
		"rust": {"assay-sdk/sdk/rust/Cargo.toml", "assay-sdk/sdk/rust/src/lib.rs", "Cargo.toml", "src/lib.rs"},
		"as":   {"assay-sdk/sdk/as/package-lock.json", "assay-sdk/sdk/as/assembly/index.ts", "assembly/index.ts"},
	}
	for lang, paths := range want {
		embedded, v1, err := Scaffold("x", lang, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		copied, v2, err := Scaffold("x", lang, dir, root)
		if err != nil {
			t.Fatal(err)
		}
		if v1 != v2 || !strings.HasPrefix(v1, "sdk-") || len(v1) != 16 {
			t.Errorf("%s: versions %q (embedded) and %q (checkout)", lang, v1, v2)
		}
		for _, p := range append(paths, "assay-sdk/VERSION", "Makefile", "testdata/accepted.input") {
			if embedded[p] == "" {
				t.Errorf("%s: no %s", lang, p)
			}
		}
		for p, body := range embedded {
			if strings.HasPrefix(p, "assay-sdk/") && strings.HasSuffix(p, "_test.go") || strings.Contains(p, "node_modules") {
				t.Errorf("%s: scaffold has %s", lang, p)
			}
			if p != "assay-sdk/VERSION" && copied[p] != body {
				t.Errorf("%s: %s differs between the embedded SDK and the checkout's", lang, p)
			}
		}
		if lang == "go" && !strings.Contains(embedded["go.mod"], "v0.0.0-"+v1+"\n\nreplace github.com/assaynet/assay => ./assay-sdk\n") {
			t.Errorf("go.mod:\n%s", embedded["go.mod"])
		}
	}
}
