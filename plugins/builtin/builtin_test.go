package builtin_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/builtin"
)

func TestNewManager(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := builtin.NewManager(&plugins.Config{Fetch: plugins.FetchConfig{FileRoot: dir}}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.BuiltinKinds(), ","); got != "file,http" {
		t.Errorf("kinds = %s", got)
	}
	data, err := m.Fetch(context.Background(), plugins.FetchSpec{Kind: "file", Config: []byte(`{"path":"in.txt"}`)}, plugins.Round{})
	if err != nil || string(data) != "hello" {
		t.Errorf("file fetch = %q, %v", data, err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	m, err = builtin.NewManager(nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	_, err = m.Fetch(context.Background(), plugins.FetchSpec{Kind: "file", Config: []byte(`{"path":"in.txt"}`)}, plugins.Round{})
	if !errors.Is(err, plugins.ReasonUnknownKind) {
		t.Errorf("file kind without a root: %v", err)
	}
	if _, err := builtin.NewManager(nil, filepath.Join(dir, "none"), nil); err == nil {
		t.Error("a missing file root was accepted")
	}
}
