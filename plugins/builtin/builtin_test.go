package builtin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/plugins/builtin"
	"github.com/assaynet/assay/plugins/httpfetch"
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

// TestNewManagerAllowList: the http fetcher of a node without
// allow_private_ranges refuses a loopback server; one that lists
// 127.0.0.0/8 reaches it; a bad range is an error naming the key.
func TestNewManagerAllowList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "internal") }))
	defer srv.Close()
	spec := plugins.FetchSpec{Kind: "http", Config: []byte(`{"url":"` + srv.URL + `/status"}`)}
	tests := []struct {
		name  string
		allow []string
		want  error
	}{
		{"default", nil, httpfetch.ErrRefused},
		{"other range", []string{"10.0.0.0/8"}, httpfetch.ErrRefused},
		{"loopback allowed", []string{"127.0.0.0/8"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := builtin.NewManager(&plugins.Config{Fetch: plugins.FetchConfig{AllowPrivateRanges: tt.allow}}, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			data, err := m.Fetch(context.Background(), spec, plugins.Round{})
			if !errors.Is(err, tt.want) || (tt.want == nil && string(data) != "internal") {
				t.Fatalf("fetch = %q, %v; want %v", data, err, tt.want)
			}
		})
	}
	_, err := builtin.NewManager(&plugins.Config{Fetch: plugins.FetchConfig{AllowPrivateRanges: []string{"localhost"}}}, "", nil)
	if !errors.Is(err, plugins.ErrConfig) || !strings.Contains(err.Error(), "allow_private_ranges") {
		t.Errorf("bad range: err = %v", err)
	}
}
