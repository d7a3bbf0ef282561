package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/runtime/pin"
)

// datasetHome writes a node home whose assay.toml has the given gateway
// listen address and whose pin store holds content; it returns the
// home and content's CID.
func datasetHome(t *testing.T, gateway string, content []byte) (string, cid.Cid) {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := node.Default(gateway)
	if err := cfg.Write(home); err != nil {
		t.Fatal(err)
	}
	s, err := pin.Open(node.Path(home, cfg.Pin.Dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, err := s.AddPinned(context.Background(), bytes.NewReader(content), "output")
	if err != nil {
		t.Fatal(err)
	}
	return home, id
}

// testContent is a few UnixFS chunks of non-repeating bytes.
func testContent(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// carContent imports a CAR into a memory store and returns its root's bytes.
func carContent(t *testing.T, car []byte, want cid.Cid) []byte {
	t.Helper()
	m, err := pin.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	roots, err := m.ImportCAR(context.Background(), bytes.NewReader(car))
	if err != nil {
		t.Fatalf("import CAR: %v", err)
	}
	if len(roots) != 1 || !roots[0].Equals(want) {
		t.Fatalf("CAR roots %v, want [%s]", roots, want)
	}
	b, err := m.Get(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDatasetGetHome reads from a node home's pin store (the node is not
// running): plain bytes to stdout and -o FILE, a CAR, and an unknown CID.
func TestDatasetGetHome(t *testing.T) {
	content := testContent(700 << 10)
	home, id := datasetHome(t, "127.0.0.1:1", content)
	other, err := pin.SumBytes([]byte("not in the store"))
	if err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(t.TempDir(), "out.bin")
	tests := []struct {
		name    string
		args    []string
		code    int
		wantErr string
		check   func(t *testing.T, stdout []byte)
	}{
		{name: "plain", args: []string{id.String()}, check: func(t *testing.T, b []byte) {
			if !bytes.Equal(b, content) {
				t.Errorf("got %d bytes, want the %d added", len(b), len(content))
			}
		}},
		{name: "file", args: []string{id.String(), "-o", outFile}, check: func(t *testing.T, _ []byte) {
			b, err := os.ReadFile(outFile)
			if err != nil || !bytes.Equal(b, content) {
				t.Errorf("-o file: %d bytes, err %v", len(b), err)
			}
		}},
		{name: "car", args: []string{id.String(), "--car"}, check: func(t *testing.T, b []byte) {
			if got := carContent(t, b, id); !bytes.Equal(got, content) {
				t.Errorf("CAR holds %d bytes, want the %d added", len(got), len(content))
			}
		}},
		{name: "unknown", args: []string{other.String()}, code: 1, wantErr: "not found in the local pin store"},
		{name: "unknown car", args: []string{other.String(), "--car"}, code: 1, wantErr: "not found in the local pin store"},
		{name: "both sources", args: []string{id.String(), "--gateway", "http://127.0.0.1:1"}, code: 2, wantErr: "not both"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"dataset", "get", "--home", home}, tc.args...)
			if code := run(args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.wantErr) {
				t.Errorf("stderr %q, want %q", errb.String(), tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, out.Bytes())
			}
		})
	}
}

// TestDatasetGetHomeErrors: a missing home and a home whose node never
// ran give clear errors and create nothing.
func TestDatasetGetHomeErrors(t *testing.T) {
	id, err := pin.SumBytes([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	if err := os.MkdirAll(filepath.Join(fresh, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := node.Default("").Write(fresh); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, home, wantErr string }{
		{"no home", filepath.Join(t.TempDir(), "absent"), "read assay.toml"},
		{"never ran", fresh, "no pin store at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run([]string{"dataset", "get", "--home", tc.home, id.String()}, &out, &errb); code != 1 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if !strings.Contains(errb.String(), tc.wantErr) {
				t.Errorf("stderr %q, want %q", errb.String(), tc.wantErr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(fresh, "data")); !os.IsNotExist(err) {
		t.Errorf("a failed get created %s/data: %v", fresh, err)
	}
}

// TestDatasetGetHomeRunning holds the pin store open the way a running
// node does: get falls back to the gateway of assay.toml, or explains
// what to do when the gateway is disabled.
func TestDatasetGetHomeRunning(t *testing.T) {
	content := testContent(300 << 10)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	home, id := datasetHome(t, ln.Addr().String(), content)
	s, err := pin.Open(node.Path(home, "data/pins"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, err := s.Gateway()
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()

	var out, errb bytes.Buffer
	if code := run([]string{"dataset", "get", "--home", home, id.String()}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !bytes.Equal(out.Bytes(), content) || !strings.Contains(errb.String(), "reading through its gateway http://"+ln.Addr().String()) {
		t.Errorf("fallback: %d bytes, stderr %q", out.Len(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"dataset", "get", "--home", home, "--car", id.String()}, &out, &errb); code != 0 {
		t.Fatalf("car exit %d: %s", code, errb.String())
	}
	if got := carContent(t, out.Bytes(), id); !bytes.Equal(got, content) {
		t.Errorf("fallback CAR holds %d bytes", len(got))
	}

	cfg := node.Default("")
	if err := cfg.Write(home); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run([]string{"dataset", "get", "--home", home, id.String()}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "gateway is disabled; stop the node") {
		t.Errorf("no gateway: exit %d, stderr %q", code, errb.String())
	}
}
