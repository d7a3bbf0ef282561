package devnet

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// get returns the status and body of GET url.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestExchange: one price per symbol and height, the same bytes on every
// ask and case-insensitive in the symbol; bad asks are 400.
func TestExchange(t *testing.T) {
	x, err := StartExchange()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	tests := []struct {
		path string
		code int
		want string
	}{
		{"/price/BTC-USD?height=7", 200, `{"ts": 1700000007, "symbol": "BTC-USD", "price": `},
		{"/price/btc-usd?height=7", 200, `"symbol": "BTC-USD"`},
		{"/price/ETH-USD?height=0", 200, `"venue": "mock"`},
		{"/price/BTC-USD", 400, "want /price/{symbol}?height=N"},
		{"/price/BTC-USD?height=-1", 400, "want"},
		{"/price/" + strings.Repeat("X", 17) + "?height=1", 400, "want"},
	}
	for _, tc := range tests {
		code, body := get(t, x.URL+tc.path)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %q, want %d with %q", tc.path, code, body, tc.code, tc.want)
		}
		if code == 200 {
			if _, again := get(t, x.URL+tc.path); again != body {
				t.Errorf("%s: %q then %q", tc.path, body, again)
			}
		}
	}
	if _, a := get(t, x.URL+"/price/BTC-USD?height=8"); strings.Contains(a, "1700000007") {
		t.Errorf("height 8 answered as height 7: %s", a)
	}
}

// TestStartStop starts a two-validator devnet with a faulty second node,
// waits for blocks on both, and stops it.
func TestStartStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two CometBFT nodes")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := Start(ctx, dir, Config{Validators: 2, BlockTime: 100 * time.Millisecond, Fault: "no-reveal", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	if len(d.Nodes) != 2 {
		t.Fatalf("%d nodes", len(d.Nodes))
	}
	for i, n := range d.Nodes {
		if err := WaitHeight(ctx, n, 2); err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		if n.ChainID != ChainID || n.Gateway == "" {
			t.Errorf("node %d: chain %q gateway %q", i, n.ChainID, n.Gateway)
		}
	}
	if f := d.Nodes[1].Config().Worker.Fault; f != "no-reveal" || d.Nodes[0].Config().Worker.Fault != "" {
		t.Errorf("faults: node0 %q node1 %q, want \"\" and no-reveal", d.Nodes[0].Config().Worker.Fault, f)
	}
	if got := d.Nodes[0].Config().Fetch.AllowPrivateRanges; len(got) != 1 || got[0] != ExchangeRange {
		t.Errorf("allow_private_ranges %v, want [%s]", got, ExchangeRange)
	}
	if _, err := os.Stat(filepath.Join(dir, LogFile)); err != nil {
		t.Error(err)
	}
}
