package state_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/plugins/sourcefile"
	fetchspec "github.com/assaynet/assay/plugins/spec"
)

// TestSourceFileAgreesWithChain: for a table of fetch specs written in
// source files, what the CLI accepts (sourcefile.Load, as `assay source
// register` reads it) is exactly what the chain accepts at CheckTx and in
// a block, after the CLI's conversion (spec.FetchSpec.PB). The only
// exceptions are the documented ones (docs/operators.md, "Source fetch
// spec"): specs the CLI refuses because they could not be fetched as
// written; for those the row gives the chain form the chain accepts.
func TestSourceFileAgreesWithChain(t *testing.T) {
	pad := strings.Repeat("a", 4096)
	tests := []struct {
		name       string
		kind, conf string
		window     int
		cli, chain bool
		cliOnly    []*pb.KeyValue // the chain form of a spec only the CLI refuses
	}{
		{name: "http", kind: "http", conf: `{"url":"https://x/{{height}}"}`, cli: true, chain: true},
		{name: "nested", kind: "http", conf: `{"url":"http://x/","headers":{"Accept":"a/b"},"method":"POST"}`, cli: true, chain: true},
		{name: "plugin kind", kind: "eth_block.v2", conf: `{"url":"ws://127.0.0.1:8546","block":"{{height}}"}`, cli: true, chain: true},
		{name: "empty config", kind: "file", conf: `{}`, cli: true, chain: true},
		{name: "at the size cap", kind: "http", conf: `{"url":"http://x/` + pad[:4096-3-9] + `"}`, cli: true, chain: true},
		{name: "over the size cap", kind: "http", conf: `{"url":"http://x/` + pad[:4096-3-8] + `"}`},
		{name: "nested over the cap", kind: "k", conf: `{"o":{"a":"` + pad[:4096-8] + `"}}`},
		{name: "upper-case key", kind: "k", conf: `{"URL":"x"}`},
		{name: "key with a slash", kind: "k", conf: `{"a/b":"x"}`},
		{name: "upper-case kind", kind: "HTTP", conf: `{"url":"http://x/"}`},
		{name: "ftp url", kind: "http", conf: `{"url":"ftp://x/"}`},
		{name: "templated scheme", kind: "http", conf: `{"url":"{{source}}://x/"}`},
		{name: "unknown variable", kind: "http", conf: `{"url":"http://x/{{hieght}}"}`},
		{name: "template in a nested key", kind: "k", conf: `{"h":{"{{x}}":"1"}}`},

		{name: "top-level number", kind: "k", conf: `{"n":3}`, chain: true,
			cliOnly: []*pb.KeyValue{{Key: "n", Value: "3"}}},
		{name: "string that reads as JSON", kind: "k", conf: `{"s":"[1]"}`, chain: true,
			cliOnly: []*pb.KeyValue{{Key: "s", Value: "[1]"}}},
		{name: "escaped unknown variable", kind: "k", conf: `{"o":{"a":"\u007b\u007bx}}"}}`, chain: true,
			cliOnly: []*pb.KeyValue{{Key: "o", Value: `{"a":"\u007b\u007bx}}"}`}}},
		{name: "window variable, window 0", kind: "http", conf: `{"url":"http://x/{{window_end}}"}`, chain: true,
			cliOnly: []*pb.KeyValue{{Key: "url", Value: "http://x/{{window_end}}"}}},
		{name: "window variable, window 60", kind: "http", conf: `{"url":"http://x/{{window_end}}"}`, window: 60, cli: true, chain: true},
	}
	c := newChain(t, 100)
	cc := c.setupSource("feed", 10, 1)
	var accepted [][]byte
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"id":"s%d","code":%q,"every":1,"window":%d,"replicas":1,"gas_limit":1000000,"max_output":1024,`+
				`"memory_pages":16,"fetch":{"kind":%q,"config":%s}}`, i, cc, tt.window, tt.kind, tt.conf)
			path := filepath.Join(t.TempDir(), "source.json")
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := sourcefile.Load(path)
			if cli := err == nil; cli != tt.cli {
				t.Fatalf("CLI accepts = %v (%v), want %v", cli, err, tt.cli)
			}
			if tt.cli && !tt.chain {
				t.Fatal("bad row: the CLI must never accept what the chain refuses")
			}
			// The CLI's conversion (txcmds.go sourceSpec), also of a
			// refused file's fetch spec, to ask the chain about it.
			fetch, err := fetchspec.FetchSpec{Kind: tt.kind, Config: []byte(tt.conf)}.PB()
			if tt.cliOnly != nil {
				fetch = &pb.FetchSpec{Kind: tt.kind, Config: tt.cliOnly}
			} else if err != nil {
				t.Fatalf("PB: %v", err)
			}
			sp := spec(cc, 1, 1)
			sp.Fetch, sp.WindowSeconds = fetch, uint64(tt.window)
			signed := c.sign(newAccount(fmt.Sprintf("agree-%d", i)), tx.RegisterSourceBody(fmt.Sprintf("s%d", i), sp))
			got := c.m.CheckTx(signed)
			if chain := got.Code == state.CodeOK; chain != tt.chain {
				t.Fatalf("chain accepts = %v (code %d: %s), want %v", chain, got.Code, got.Log, tt.chain)
			}
			if tt.chain {
				accepted = append(accepted, signed)
			}
		})
	}
	c.mustOK(c.block(accepted...))
}
