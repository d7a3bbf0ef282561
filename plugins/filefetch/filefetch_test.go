package filefetch_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/filefetch"
)

func TestFile(t *testing.T) {
	f, err := filefetch.New("testdata/root")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := plugins.NewManager(plugins.Options{Builtins: []plugins.Fetcher{f}, Limits: plugins.Limits{MaxBytes: 100}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, make([]byte, 101), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		want   string
		reason plugins.Reason
		says   string
	}{
		{"sub/block-{{height}}.txt", "block 42", "", ""},
		{"sub/inside", "block 42", "", ""},
		{"./sub/../sub/block-42.txt", "", plugins.ReasonFailed, "contains .."},
		{"../outside.txt", "", plugins.ReasonFailed, "contains .."},
		{"/etc/passwd", "", plugins.ReasonFailed, "absolute"},
		{"sub/escape", "", plugins.ReasonFailed, "escapes"},
		{"sub", "", plugins.ReasonFailed, "not a regular file"},
		{"sub/none", "", plugins.ReasonFailed, "no such file"},
		{"", "", plugins.ReasonFailed, "path is missing"},
	}
	for _, tt := range tests {
		cfg := `{"path":"` + tt.path + `"}`
		got, err := m.Fetch(context.Background(), plugins.FetchSpec{Kind: "file", Config: []byte(cfg)}, plugins.Round{Height: 42})
		if tt.reason == "" {
			if err != nil || string(got) != tt.want {
				t.Errorf("%s: %q, %v; want %q", tt.path, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, tt.reason) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: err = %v, want %s saying %q", tt.path, err, tt.reason, tt.says)
		}
	}
	f2, err := filefetch.New(filepath.Dir(big))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	_, err = f2.Fetch(context.Background(), plugins.Request{Config: []byte(`{"path":"big"}`), MaxBytes: 100})
	if !errors.Is(err, plugins.ErrTooLarge) {
		t.Errorf("big file: %v", err)
	}
	if _, err := filefetch.New("testdata/none"); err == nil {
		t.Error("New of a missing root succeeded")
	}
}
