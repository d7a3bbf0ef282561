package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	car "github.com/ipld/go-car/v2"
	"github.com/ipld/go-car/v2/storage"

	"github.com/assaynet/assay/runtime/pin"
)

// carBlocks returns the blocks of a CAR in order.
func carBlocks(t *testing.T, b []byte) []blocks.Block {
	t.Helper()
	br, err := car.NewBlockReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []blocks.Block
	for range 1 << 16 {
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, blk)
	}
	t.Fatal("CAR with too many blocks")
	return nil
}

// writeCAR writes a CARv1 with root and the given sections (CID, bytes),
// which need not match.
func writeCAR(t *testing.T, root cid.Cid, secs []blocks.Block, data func(i int, b []byte) []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := storage.NewWritable(struct{ io.Writer }{&buf}, []cid.Cid{root}, car.WriteAsCarV1(true))
	if err != nil {
		t.Fatal(err)
	}
	for i, blk := range secs {
		if err := w.Put(context.Background(), blk.Cid().KeyString(), data(i, blk.RawData())); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Finalize(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDatasetGetLyingGateway: `dataset get` from a gateway that serves
// wrong bytes or a broken CAR exits 1 and leaves no -o file; from an
// honest one it writes the content.
func TestDatasetGetLyingGateway(t *testing.T) {
	ctx := context.Background()
	content := testContent(700 << 10) // three chunks: a root and three leaves
	m, err := pin.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	v1, err := m.AddBytes(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	v0, err := pin.SumBytesV0(content)
	if err != nil {
		t.Fatal(err)
	}
	small := []byte("a small file: one raw block")
	raw, err := pin.SumBytes(small)
	if err != nil || raw.Prefix().Codec != cid.Raw {
		t.Fatalf("small file CID %s, %v: want a raw CID", raw, err)
	}
	var good bytes.Buffer
	if err := m.ExportCAR(ctx, v1, &good); err != nil {
		t.Fatal(err)
	}
	blks := carBlocks(t, good.Bytes())
	if len(blks) != 4 {
		t.Fatalf("CAR has %d blocks, want 4", len(blks))
	}
	keep := func(_ int, b []byte) []byte { return b }
	wrong := append(bytes.Clone(content[:100]), 'x')

	// body is what the gateway answers for a path + query.
	body := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := body[r.URL.Path+"?"+r.URL.RawQuery]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	defer srv.Close()

	tests := []struct {
		name    string
		id      cid.Cid
		car     bool
		serve   []byte
		want    []byte // nil: must fail
		wantErr string
	}{
		{name: "honest v1", id: v1, serve: content, want: content},
		{name: "honest v0", id: v0, serve: content, want: content},
		{name: "honest raw", id: raw, serve: small, want: small},
		{name: "honest car", id: v1, car: true, serve: good.Bytes(), want: good.Bytes()},
		{name: "wrong bytes v1", id: v1, serve: wrong, wantErr: "content does not match the CID"},
		{name: "wrong bytes v0", id: v0, serve: wrong, wantErr: "content does not match the CID"},
		{name: "wrong bytes raw", id: raw, serve: wrong, wantErr: "content does not match the CID"},
		{name: "truncated car", id: v1, car: true,
			serve:   append(bytes.Clone(good.Bytes()[:good.Len()/2]), "[Gateway Error: context canceled]"...),
			wantErr: "bad CAR"},
		{name: "car missing a block", id: v1, car: true,
			serve: writeCAR(t, v1, append(slices.Clone(blks[:2]), blks[3]), keep), wantErr: "incomplete CAR"},
		{name: "car with a wrong block", id: v1, car: true,
			serve: writeCAR(t, v1, blks, func(i int, b []byte) []byte {
				if i == 2 {
					b = bytes.Clone(b)
					b[0] ^= 1
				}
				return b
			}), wantErr: "corrupt block"},
		{name: "car of another root", id: v1, car: true,
			serve: writeCAR(t, blks[1].Cid(), blks[1:2], keep), wantErr: "do not include"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := ""
			if tc.car {
				q = "format=car"
			}
			body["/ipfs/"+tc.id.String()+"?"+q] = tc.serve
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			args := []string{"dataset", "get", tc.id.String(), "-o", out, "--gateway", srv.URL}
			if tc.car {
				args = append(args, "--car")
			}
			var stdout, stderr bytes.Buffer
			code := run(args, &stdout, &stderr)
			if tc.want != nil {
				got, err := os.ReadFile(out)
				if code != 0 || err != nil || !bytes.Equal(got, tc.want) {
					t.Fatalf("exit %d, %d bytes written (%v), want %d: %s", code, len(got), err, len(tc.want), stderr.String())
				}
				return
			}
			if code != 1 || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), tc.wantErr)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("failed get left %v in the output dir", ents)
			}
			if stdout.Len() != 0 {
				t.Errorf("failed get wrote %d bytes to stdout", stdout.Len())
			}
		})
	}
}
