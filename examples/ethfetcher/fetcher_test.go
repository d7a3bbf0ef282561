package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
)

// node is a tiny JSON-RPC server holding blocks 0..99; block 0x29a
// answers with a node error, and requests without the token are refused.
func node(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		var req struct {
			Method string `json:"method"`
			Params []any  `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Method != "eth_getBlockByNumber" || len(req.Params) != 2 {
			fmt.Fprint(w, `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"method not found"}}`)
			return
		}
		tag, _ := req.Params[0].(string)
		full, _ := req.Params[1].(bool)
		if tag == "0x29a" {
			fmt.Fprint(w, `{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"header not found"}}`)
			return
		}
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":%s}`, block(tag, full))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// block returns the JSON of a block, "null" when unknown, or a long
// block for "0x3e7" (999) to trip byte caps.
func block(tag string, full bool) string {
	switch tag {
	case "latest":
		tag = "0x63"
	case "0x3e7":
		return `{"number":"0x3e7","extra":"` + strings.Repeat("f", 4096) + `"}`
	}
	var n int
	if _, err := fmt.Sscanf(tag, "0x%x", &n); err != nil || n > 99 {
		return "null"
	}
	txs := `["0xaa"]`
	if full {
		txs = `[{"hash":"0xaa"}]`
	}
	return fmt.Sprintf(`{"number":%q,"transactions":%s}`, tag, txs)
}

func TestFetch(t *testing.T) {
	srv := node(t)
	f := &Fetcher{Client: srv.Client()}
	hdr := `"headers":{"Authorization":"Bearer t"}`
	tests := []struct {
		name, config, want, err string
	}{
		{"decimal", `{"url":"URL","block":"42",` + hdr + `}`, `{"number":"0x2a","transactions":["0xaa"]}`, ""},
		{"hex full", `{"url":"URL","block":"0x2a","full_transactions":true,` + hdr + `}`, `{"number":"0x2a","transactions":[{"hash":"0xaa"}]}`, ""},
		{"latest", `{"url":"URL","block":"latest",` + hdr + `}`, `{"number":"0x63","transactions":["0xaa"]}`, ""},
		{"not found", `{"url":"URL","block":"100",` + hdr + `}`, "", "block 0x64 not found"},
		{"node error", `{"url":"URL","block":"666",` + hdr + `}`, "", "node error -32000: header not found"},
		{"too large", `{"url":"URL","block":"999",` + hdr + `}`, "", "byte cap"},
		{"no token", `{"url":"URL","block":"1"}`, "", "HTTP 401"},
		{"bad block", `{"url":"URL","block":"forty-two",` + hdr + `}`, "", "not a number or a block tag"},
		{"bad url", `{"url":"ftp://x","block":"1"}`, "", "must be an http(s) URL"},
		{"unknown field", `{"url":"URL","blok":"1"}`, "", "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := strings.Replace(tt.config, "URL", srv.URL, 1)
			rc, err := f.Fetch(context.Background(), plugins.Request{Kind: Kind, Config: []byte(cfg), MaxBytes: 1024})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			if string(got) != tt.want {
				t.Errorf("block = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTooLargeIsByteCap(t *testing.T) {
	srv := node(t)
	f := &Fetcher{Client: srv.Client()}
	cfg := `{"url":"` + srv.URL + `","block":"999","headers":{"Authorization":"Bearer t"}}`
	_, err := f.Fetch(context.Background(), plugins.Request{Config: []byte(cfg), MaxBytes: 100})
	if !errors.Is(err, plugins.ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

// TestPluginThroughManager builds this plugin and fetches a block through
// the node's plugin manager, the path a validator node uses.
func TestPluginThroughManager(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ethfetcher")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	m, err := plugins.NewManager(plugins.Options{
		Plugins: []plugins.PluginConfig{{Name: "eth", Path: bin, SHA256: hex.EncodeToString(sum[:]), Kinds: []string{Kind}}},
		Limits:  plugins.Limits{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	srv := node(t)
	spec := plugins.FetchSpec{Kind: Kind, Config: []byte(`{"url":"` + srv.URL + `","block":"{{height}}","headers":{"Authorization":"Bearer t"}}`)}
	got, err := m.Fetch(context.Background(), spec, plugins.Round{Source: "eth", Height: 42})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"number":"0x2a","transactions":["0xaa"]}`; string(got) != want {
		t.Errorf("block = %s, want %s", got, want)
	}
	_, err = m.Fetch(context.Background(), spec, plugins.Round{Source: "eth", Height: 100})
	if !errors.Is(err, plugins.ReasonFailed) || !strings.Contains(err.Error(), `plugin "eth"`) ||
		!strings.Contains(err.Error(), "not found") {
		t.Errorf("missing block: %v", err)
	}
}
