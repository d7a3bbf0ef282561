package explorer_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/internal/explorer"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/internal/testports"
	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// echoWasm is a tiny validator whose output is its input.
const echoWasm = "../../consensus/worker/testdata/echo.wasm"

// Hostile text a source's owner may put in its metadata: every page must
// show it as text, never as markup.
const (
	hostileDesc   = `</p><script>alert("desc")</script><img src=x onerror=alert(1)>`
	hostileUnit   = `"><svg onload=alert(2)>`
	hostileSchema = `{"description":"</pre><script>alert(3)</script>","type":"object"}`
)

// chainFixture is a one-validator chain with two sources that have
// resolved a dataset each; its node serves the explorer.
type chainFixture struct {
	n        *node.Node
	ids      []string // plain source, hostile source
	upstream *httptest.Server
}

// startChain starts a one-validator node with its explorer on loopback,
// registers a plain source and one with hostile metadata, and waits for
// a dataset of each (bounded by ctx).
func startChain(t *testing.T, ctx context.Context) *chainFixture {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"price":"101.25","h":"`+r.URL.Query().Get("h")+`"}`)
	}))
	t.Cleanup(up.Close)
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetOptions{ChainID: "explorer-test", Nodes: 1, BasePort: testports.FreeBase(t, 1),
		Stake: 100, TimeoutCommit: 150 * time.Millisecond, AllowPrivateRanges: []string{"127.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Start(ctx, homes[0].Dir, node.Options{NoPrometheus: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Stop)
	if n.Explorer == "" {
		t.Fatal("the explorer did not start from the testnet's assay.toml")
	}
	wasm, err := os.ReadFile(echoWasm)
	if err != nil {
		t.Fatal(err)
	}
	_, owner, _ := ed25519.GenerateKey(rand.Reader)
	c := n.RPC.Chain()
	waitFor(t, ctx, func() bool { h, _ := c.Height(ctx); return h >= 1 })
	codeCID, _, err := submit.StoreCode(ctx, c, owner, wasm)
	if err != nil {
		t.Fatal(err)
	}
	f := &chainFixture{n: n, ids: []string{"btc-usd", "evil.source"}, upstream: up}
	metas := []*pb.Metadata{
		{Description: "BTC price in USD, from the test upstream.", MediaType: "application/json",
			Fields: []*pb.Field{{Name: "price", Type: "decimal", Unit: "USD", Decimals: 2, Description: "last price " + hostileUnit}}},
		{Description: hostileDesc, MediaType: "application/json", JsonSchema: hostileSchema},
	}
	for i, id := range f.ids {
		spec := &pb.SourceSpec{
			Fetch:   &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: up.URL + "/p?h={{height}}"}}},
			CodeCid: codeCID, Every: 2, Replicas: 1, GasLimit: 10_000_000, MaxOutputBytes: 4096,
			MemoryPages: sandbox.DefaultMaxMemoryPages, Metadata: metas[i],
		}
		if _, _, err := submit.One(ctx, c, owner, tx.RegisterSourceBody(id, spec)); err != nil {
			t.Fatalf("register %s: %v", id, err)
		}
	}
	for _, id := range f.ids {
		waitFor(t, ctx, func() bool {
			_, _, err := c.LatestDataset(ctx, id, "")
			return err == nil
		})
	}
	return f
}

// waitFor polls ok every 100 ms until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, ok func() bool) {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out: %v", ctx.Err())
		case <-tick.C:
		}
	}
}

func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

// TestExplorerPages starts a real one-validator node and reads every page
// of its explorer over HTTP: each answers with what its page must show,
// every value from the chain is escaped, a dataset's link fetches its
// output from the node's gateway, and blocks arrive live.
func TestExplorerPages(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	f := startChain(t, ctx)
	base := f.n.Explorer
	ds, _, err := f.n.RPC.Chain().LatestDataset(ctx, f.ids[0], "")
	if err != nil {
		t.Fatal(err)
	}
	// the follower reads blocks in the background: wait until it has read
	// the reveal of the dataset's round
	waitFor(t, ctx, func() bool { _, _, b := get(t, base+"/validators"); return strings.Contains(b, "1 revealed") })
	t.Run("pages", func(t *testing.T) {
		cases := []struct {
			path string
			code int
			want []string
		}{
			{"/", 200, []string{"Chain status", "explorer-test", "Validators online", "1 of 1", `id="blocks"`, "Recent blocks"}},
			{"/sources", 200, []string{`href="/source/btc-usd"`, "BTC price in USD", "http", "1 blocks"[:1]}},
			{"/sources?q=BTC", 200, []string{"1 match for", `href="/source/btc-usd"`}},
			{"/sources?q=btc-usd", 200, []string{"1 match for", `href="/source/btc-usd"`}},
			{"/sources?q=nothing-matches", 200, []string{"0 matches", "No sources found"}},
			{"/source/btc-usd", 200, []string{"Source btc-usd", "Code CID", "a round every 2 blocks", "last price",
				"assay dataset verify btc-usd ", "--node tcp://127.0.0.1:", "--trust-height ", "--trust-hash ", f.n.Gateway + "/ipfs/" + ds.OutputCID, "ACCEPTED"}},
			{"/validators", 200, []string{"Validators", strings.ToLower(hexOp(f.n.Operator))[:6], "<svg", `role="img"`, "revealed, 0 penalised"}},
			{"/evidence", 200, []string{"No evidence"}},
			{"/source/no-such-source", 404, []string{"No source no-such-source on this chain."}},
			{"/sources?cursor=%21%21", 400, []string{"Bad list position"}},
			{"/nope", 404, []string{"No page at /nope."}},
			{"/static/style.css", 200, []string{"prefers-color-scheme"}},
			{"/static/live.js", 200, []string{"EventSource"}},
		}
		for _, tc := range cases {
			code, hdr, body := get(t, base+tc.path)
			if code != tc.code {
				t.Errorf("GET %s: %d, want %d\n%s", tc.path, code, tc.code, body)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: no %q in\n%s", tc.path, w, body)
				}
			}
			if !strings.HasPrefix(tc.path, "/static/") {
				if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
					t.Errorf("GET %s: CSP %q", tc.path, csp)
				}
				for _, w := range []string{`<main id="main">`, `<nav aria-label="Main">`, `lang="en"`, `name="viewport"`} {
					if !strings.Contains(body, w) {
						t.Errorf("GET %s: no landmark %q", tc.path, w)
					}
				}
			}
		}
	})
	t.Run("escaping", func(t *testing.T) { checkEscaping(t, base, f) })
	t.Run("gateway link", func(t *testing.T) {
		code, _, body := get(t, f.n.Gateway+"/ipfs/"+ds.OutputCID)
		if code != 200 {
			t.Fatalf("gateway: %d %s", code, body)
		}
		c, err := pin.SumBytes([]byte(body))
		if err != nil || c.String() != ds.OutputCID {
			t.Fatalf("gateway served %q (cid %v, %v), want the output %s", body, c, err, ds.OutputCID)
		}
	})
	t.Run("live", func(t *testing.T) { checkLive(t, ctx, base) })
}

func hexOp(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// checkEscaping reads every page that shows the hostile source, and pages
// that echo a hostile request, and finds the text escaped.
func checkEscaping(t *testing.T, base string, f *chainFixture) {
	bad := []string{"<script>alert", "<img src=x", "<svg onload", "</pre><script>"}
	hostileQ := `<script>alert("q")</script>`
	for _, p := range []string{
		"/sources", "/source/evil.source", "/sources?q=" + url.QueryEscape("alert"),
		"/sources?q=" + url.QueryEscape(hostileQ), "/source/" + url.PathEscape(`<script>alert("id")</script>`),
		"/" + url.PathEscape(`<script>alert("p")</script>`),
	} {
		_, _, body := get(t, base+p)
		for _, b := range bad {
			if strings.Contains(body, b) {
				t.Errorf("GET %s: unescaped %q in\n%s", p, b, body)
			}
		}
	}
	_, _, body := get(t, base+"/source/evil.source")
	for _, w := range []string{"&lt;/p&gt;&lt;script&gt;alert(&#34;desc&#34;)&lt;/script&gt;", `\u003c/pre\u003e\u003cscript\u003ealert(3)`} {
		if !strings.Contains(body, w) {
			t.Errorf("source page lacks the escaped text %q:\n%s", w, body)
		}
	}
	_, _, body = get(t, base+"/sources?q="+url.QueryEscape("alert"))
	if !strings.Contains(body, `href="/source/evil.source"`) {
		t.Errorf("a search of the description does not find the source:\n%s", body)
	}
}

// checkLive reads the live stream until two blocks arrive, in order.
func checkLive(t *testing.T, ctx context.Context, base string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(res.Body)
	var got []explorer.Block
	for len(got) < 2 && sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var b explorer.Block
		if err := json.Unmarshal([]byte(line), &b); err != nil {
			t.Fatalf("event %q: %v", line, err)
		}
		got = append(got, b)
	}
	if len(got) < 2 {
		t.Fatalf("stream ended after %d blocks: %v", len(got), errors.Join(sc.Err(), ctx.Err()))
	}
	if got[1].Height <= got[0].Height || got[0].Hash == "" || got[0].Time == "" {
		t.Fatalf("blocks %+v", got)
	}
}
