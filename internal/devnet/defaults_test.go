package devnet

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestGeneratedSymbols(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []string
	}{
		{0, []string{}}, {1, []string{"SYM0000"}}, {3, []string{"SYM0000", "SYM0001", "SYM0002"}},
	} {
		if got := GeneratedSymbols(tc.n); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("GeneratedSymbols(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
	if got := GeneratedSymbols(12345); got[12344] != "SYM12344" {
		t.Errorf("the 12345th symbol is %s", got[12344])
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-cache")
	t.Setenv("HOME", "/tmp/home")
	got := DefaultCacheDir()
	if got != filepath.Join("/tmp/xdg-cache", "assay", "wasm-cache") && got != filepath.Join("/tmp/home", "Library", "Caches", "assay", "wasm-cache") {
		t.Errorf("DefaultCacheDir() = %q", got)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if got := DefaultCacheDir(); got != "" && filepath.Base(got) != "wasm-cache" {
		t.Errorf("without a home: %q", got)
	}
}
