package pricefeed

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins/sourcefile"
	"github.com/assaynet/assay/plugins/template"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
)

func TestCandlesInvariants(t *testing.T) {
	cs, err := Candles("BTC-USD", 1_699_920_000, 1_700_006_400, 60) // one day
	if err == nil || len(cs) != 0 {
		t.Fatalf("a day of minutes (1440 > %d) should be refused: %v", MaxCandles, err)
	}
	cs, err = Candles("BTC-USD", 1_699_999_500, 1_700_059_500, 60)
	if err != nil || len(cs) != 1000 {
		t.Fatalf("got %d candles, %v", len(cs), err)
	}
	for i, c := range cs {
		if c.Low > min(c.Open, c.Close) || c.High < max(c.Open, c.Close) || c.Volume < 0 || c.Low <= 0 {
			t.Fatalf("candle %d breaks OHLCV invariants: %+v", i, c)
		}
		if i > 0 && c.T != cs[i-1].T+60 {
			t.Fatalf("candle %d at %d after %d", i, c.T, cs[i-1].T)
		}
	}
	again, _ := Candles("BTC-USD", 1_699_999_500, 1_700_059_500, 60)
	if string(Encode(cs)) != string(Encode(again)) {
		t.Fatal("candles are not deterministic")
	}
	other, _ := Candles("ETH-USD", 1_699_999_500, 1_700_059_500, 60)
	if string(Encode(cs)) == string(Encode(other)) {
		t.Fatal("two symbols give the same candles")
	}
}

func TestHandlerErrors(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	for _, q := range []string{"", "?start=10&end=5&interval=60", "?start=0&end=600000&interval=1", "?start=x&end=1&interval=1"} {
		resp, err := http.Get(srv.URL + "/candles/BTC-USD" + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400", q, resp.StatusCode)
		}
	}
}

// TestSourceEndToEnd loads source.toml, expands its URL for a round,
// fetches from the mock exchange on loopback and runs the ohlcv validator program
// in the sandbox: the window's candles are ACCEPTED, twice identically.
func TestSourceEndToEnd(t *testing.T) {
	sf, err := sourcefile.Load("source.toml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(sf.Fetch.Config, &cfg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	const roundTime = 1_700_000_000 * int64(time.Second)
	url, err := template.Expand(cfg.URL, template.Vars{Source: sf.ID, Height: 10, Time: roundTime, Window: sf.Window})
	if err != nil {
		t.Fatal(err)
	}
	url = strings.Replace(url, "http://127.0.0.1:8089", srv.URL, 1)
	input := fetch(t, url)
	params, err := sf.ReadParams()
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(sf.CodeFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	job := sandbox.Job{Source: sf.ID, Input: input, Params: params, Height: 10, Time: roundTime, GasLimit: sf.GasLimit, MaxOutput: sf.MaxOutput}
	first, second := rt.Run(ctx, code, job), rt.Run(ctx, code, job)
	if first.Status != abi.StatusAccepted {
		t.Fatalf("status %v %s %s", first.Status, first.Kind, first.Reason)
	}
	if string(first.Output) != string(second.Output) || first.GasUsed != second.GasUsed {
		t.Fatal("two runs differ")
	}
	if !strings.Contains(string(first.Output), `"window_end":1699999800,"window_start":1699999500`) {
		t.Fatalf("output %s", first.Output)
	}
	checkMetadata(t, sf, first.Output)
	t.Logf("input %d bytes, output %d bytes, gas %d, wall %v", len(input), len(first.Output), first.GasUsed, first.Wall)
}

// checkMetadata: the source's metadata describes its output: the media
// type is JSON and the output has exactly the members the schema lists
// as properties, all of them required.
func checkMetadata(t *testing.T, sf *sourcefile.SourceFile, output []byte) {
	t.Helper()
	if sf.Metadata == nil || sf.Metadata.MediaType != "application/json" || sf.Metadata.Description == "" {
		t.Fatalf("metadata %+v", sf.Metadata)
	}
	var schema struct {
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(sf.Metadata.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(output, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(schema.Properties) || len(schema.Required) != len(schema.Properties) {
		t.Fatalf("output members %d, schema properties %d, required %d", len(out), len(schema.Properties), len(schema.Required))
	}
	for _, name := range schema.Required {
		if _, ok := out[name]; !ok {
			t.Errorf("output lacks %q, which the metadata's schema requires", name)
		}
	}
}

func fetch(t *testing.T, url string) []byte {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", url, resp.StatusCode, err, b)
	}
	return b
}
