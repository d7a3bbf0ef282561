package pin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ipfs/boxo/ipld/merkledag"
	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
	car "github.com/ipld/go-car/v2"
)

// gatewayFixture is a store holding one multi-block file, served over a
// real loopback HTTP server.
type gatewayFixture struct {
	dir     string
	store   *Store
	srv     *httptest.Server
	root    cid.Cid
	content []byte
	dagCIDs []cid.Cid // every block of root's DAG
}

func newGatewayFixture(t *testing.T) *gatewayFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	t.Cleanup(func() { s.Close() })
	content := data(t, "gateway", 3*ChunkSize+17)
	root, err := s.AddPinned(ctx, bytes.NewReader(content), "gw")
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Gateway()
	if err != nil {
		t.Fatalf("Gateway: %v", err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	f := &gatewayFixture{dir: dir, store: s, srv: srv, root: root, content: content}
	err = merkledag.Walk(ctx, merkledag.GetLinksDirect(s.dag), root, func(c cid.Cid) bool {
		f.dagCIDs = append(f.dagCIDs, c)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// get fetches path from the fixture's server with an Accept header.
func (f *gatewayFixture) get(t *testing.T, path, accept string) (int, []byte) {
	t.Helper()
	code, body, err := f.getPartial(t, path, accept)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", path, err)
	}
	return code, body
}

// getPartial is get that returns what it read of a body cut short, and
// the error that cut it.
func (f *gatewayFixture) getPartial(t *testing.T, path, accept string) (int, []byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return resp.StatusCode, body, err
}

func TestGatewayRawBlocks(t *testing.T) {
	f := newGatewayFixture(t)
	for _, c := range f.dagCIDs {
		for _, how := range []struct{ query, accept string }{
			{"?format=raw", ""},
			{"", "application/vnd.ipld.raw"},
		} {
			code, body := f.get(t, "/ipfs/"+c.String()+how.query, how.accept)
			if code != http.StatusOK {
				t.Fatalf("raw block %s%s: status %d: %s", c, how.query, code, body)
			}
			if err := checkBlock(c, body); err != nil {
				t.Fatalf("raw block %s from the gateway: %v", c, err)
			}
		}
	}
}

func TestGatewayCAR(t *testing.T) {
	f := newGatewayFixture(t)
	for _, how := range []struct{ query, accept string }{
		{"?format=car", ""},
		{"", "application/vnd.ipld.car"},
	} {
		code, body := f.get(t, "/ipfs/"+f.root.String()+how.query, how.accept)
		if code != http.StatusOK {
			t.Fatalf("car %q: status %d: %s", how, code, body)
		}
		got := carBlocks(t, body, f.root)
		if got.Len() != len(f.dagCIDs) {
			t.Fatalf("car %q: %d distinct blocks, want %d", how, got.Len(), len(f.dagCIDs))
		}
		for _, c := range f.dagCIDs {
			if !got.Has(c) {
				t.Fatalf("car %q lacks block %s", how, c)
			}
		}
	}
}

// carBlocks parses a CAR whose single root must be root, hash-checks each
// block and returns the set of their CIDs.
func carBlocks(t *testing.T, b []byte, root cid.Cid) *cid.Set {
	t.Helper()
	br, err := car.NewBlockReader(bytes.NewReader(b), car.WithTrustedCAR(true))
	if err != nil {
		t.Fatalf("car header: %v", err)
	}
	if len(br.Roots) != 1 || !br.Roots[0].Equals(root) {
		t.Fatalf("car roots = %v, want [%s]", br.Roots, root)
	}
	set := cid.NewSet()
	for n := 0; n < 1e6; n++ {
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			return set
		}
		if err != nil {
			t.Fatalf("car block %d: %v", n, err)
		}
		if err := checkBlock(blk.Cid(), blk.RawData()); err != nil {
			t.Fatalf("car block %d: %v", n, err)
		}
		set.Add(blk.Cid())
	}
	t.Fatal("car: too many blocks")
	return nil
}

func TestGatewayPlainBytes(t *testing.T) {
	f := newGatewayFixture(t)
	code, body := f.get(t, "/ipfs/"+f.root.String(), "")
	if code != http.StatusOK {
		t.Fatalf("plain: status %d", code)
	}
	if !bytes.Equal(body, f.content) {
		t.Fatalf("plain: %d bytes differ from the %d added", len(body), len(f.content))
	}
}

func TestGatewayNotFound(t *testing.T) {
	f := newGatewayFixture(t)
	unknown, err := SumBytes([]byte("not in this store"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, accept string }{
		{"/ipfs/" + unknown.String(), ""},
		{"/ipfs/" + unknown.String() + "?format=raw", ""},
		{"/ipfs/" + unknown.String() + "?format=car", ""},
		{"/ipfs/" + unknown.String(), "application/vnd.ipld.raw"},
		{"/ipns/example.com", ""},
		{"/", ""},
	}
	for _, tt := range tests {
		if code, _ := f.get(t, tt.path, tt.accept); code != http.StatusNotFound {
			t.Errorf("GET %s (Accept %q): status %d, want 404", tt.path, tt.accept, code)
		}
	}
}

func TestGatewayBadPath(t *testing.T) {
	f := newGatewayFixture(t)
	code, _ := f.get(t, "/ipfs/not-a-cid", "")
	if code < 400 || code >= 500 {
		t.Fatalf("GET /ipfs/not-a-cid: status %d, want 4xx", code)
	}
}

func TestGatewayNeverServesCorruptBytes(t *testing.T) {
	f := newGatewayFixture(t)
	leaf := f.dagCIDs[len(f.dagCIDs)-1] // the last, short chunk
	flipByte(t, blockFile(t, f.dir, leaf), 11)

	if code, _ := f.get(t, "/ipfs/"+leaf.String()+"?format=raw", ""); code == http.StatusOK {
		t.Errorf("raw corrupt block: status 200")
	}
	// Plain bytes: headers may already be out when the bad block is met,
	// but only a true prefix of the content may have been sent.
	code, body, _ := f.getPartial(t, "/ipfs/"+f.root.String(), "")
	if code == http.StatusOK && (!bytes.HasPrefix(f.content, body) || len(body) == len(f.content)) {
		t.Errorf("plain: status 200 with %d bytes that are not a strict prefix of the content", len(body))
	}
	code, body, _ = f.getPartial(t, "/ipfs/"+f.root.String()+"?format=car", "")
	if code == http.StatusOK {
		for _, blk := range carScan(body) {
			if err := checkBlock(blk.Cid(), blk.RawData()); err != nil {
				t.Errorf("car: carries a corrupt block: %v", err)
			}
		}
	}
}

// carScan returns the blocks of a possibly truncated CAR, unchecked.
func carScan(b []byte) []blocks.Block {
	br, err := car.NewBlockReader(bytes.NewReader(b), car.WithTrustedCAR(true))
	if err != nil {
		return nil
	}
	var out []blocks.Block
	for range 1 << 20 {
		blk, err := br.Next()
		if err != nil {
			break
		}
		out = append(out, blk)
	}
	return out
}

// TestGatewaySandboxesContent: content is chosen by data sources, so a
// page of HTML must not run as the node's own origin. Every response
// carries nosniff and a sandboxing Content-Security-Policy.
func TestGatewaySandboxesContent(t *testing.T) {
	f := newGatewayFixture(t)
	page := []byte("<!doctype html><html><body><script>fetch('/ipfs/')</script></body></html>")
	html, err := f.store.AddPinned(context.Background(), bytes.NewReader(page), "html")
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := SumBytes([]byte("not in this store"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		code       int
	}{
		{"html page", "/ipfs/" + html.String(), http.StatusOK},
		{"html as download", "/ipfs/" + html.String() + "?filename=x.html", http.StatusOK},
		{"raw block", "/ipfs/" + html.String() + "?format=raw", http.StatusOK},
		{"car", "/ipfs/" + f.root.String() + "?format=car", http.StatusOK},
		{"file", "/ipfs/" + f.root.String(), http.StatusOK},
		{"unknown cid", "/ipfs/" + unknown.String(), http.StatusNotFound},
		{"bad path", "/ipfs/not-a-cid", http.StatusBadRequest},
		{"other path", "/", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := f.srv.Client().Get(f.srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.code {
				t.Errorf("GET %s: status %d, want %d", tt.path, resp.StatusCode, tt.code)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("GET %s: X-Content-Type-Options %q, want nosniff", tt.path, got)
			}
			if got := resp.Header.Get("Content-Security-Policy"); got != gatewayCSP {
				t.Errorf("GET %s: Content-Security-Policy %q, want %q", tt.path, got, gatewayCSP)
			}
		})
	}
}

// TestGatewayServesRepairedBlock: the gateway fails a corrupt block (and
// counts it); once the worker pins the same content again the block is
// rewritten and served.
func TestGatewayServesRepairedBlock(t *testing.T) {
	f := newGatewayFixture(t)
	leaf := f.dagCIDs[len(f.dagCIDs)-1]
	flipByte(t, blockFile(t, f.dir, leaf), 11)
	if code, _ := f.get(t, "/ipfs/"+leaf.String()+"?format=raw", ""); code == http.StatusOK {
		t.Fatal("corrupt block: status 200")
	}
	if h := f.store.Health(); h.CorruptBlocks == 0 {
		t.Fatalf("after serving a corrupt block: Health %+v, want CorruptBlocks > 0", h)
	}
	if _, err := f.store.AddPinned(context.Background(), bytes.NewReader(f.content), "gw"); err != nil {
		t.Fatalf("re-pin: %v", err)
	}
	code, body := f.get(t, "/ipfs/"+f.root.String(), "")
	if code != http.StatusOK || !bytes.Equal(body, f.content) {
		t.Fatalf("after re-pin: status %d, %d bytes (want 200, the %d added)", code, len(body), len(f.content))
	}
	if h := f.store.Health(); h.RepairedBlocks != 1 {
		t.Fatalf("after re-pin: Health %+v, want RepairedBlocks 1", h)
	}
}
