//go:build !wasip1

package main

import (
	"os"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/assay/assaytest"
)

func TestFixturesNative(t *testing.T) { assaytest.RunNative(t, "testdata") }

func TestFixturesSandbox(t *testing.T) { assaytest.RunSandbox(t, "ohlcv.wasm", "testdata") }

func TestReproducibleBuild(t *testing.T) { assaytest.CheckReproducible(t, ".", "ohlcv.wasm") }

func TestParams(t *testing.T) {
	tests := []struct{ params, want string }{
		{`{"interval": 60, "window": 300}`, "params: symbol is required"},
		{`{"symbol": "X", "window": 300, "time_unit": "h"}`, `params: time_unit "h", want "s" or "ms"`},
		{`{"symbol": "X"}`, "params: give window, or window_start and window_end"},
		{`{"symbol": "X", "window_start": 5}`, "params: give both window_start and window_end, or neither"},
		{`{"symbol": "X", "window_start": 5, "window_end": 5}`, "params: window_end 5 is not after window_start 5"},
		{`{"symbol": "X", "window": -1}`, "params: interval, window, max_candles and max_bytes must not be negative"},
	}
	for _, tt := range tests {
		_, err := validate([]byte(`[]`), []byte(tt.params), assay.Round{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %q", tt.params, err, tt.want)
		}
	}
}

func TestWindow(t *testing.T) {
	const sec = int64(1e9)
	tests := []struct {
		params    string
		timeNanos int64
		want      window
	}{
		{`{"symbol":"X","window":60}`, 120 * sec, window{60, 120}},
		{`{"symbol":"X","window":60}`, 179*sec + sec - 1, window{60, 120}},
		{`{"symbol":"X","window":60000,"time_unit":"ms"}`, 120 * sec, window{60000, 120000}},
		{`{"symbol":"X","window":60}`, -1, window{-120, -60}},
		{`{"symbol":"X","window_start":10,"window_end":20,"window":60}`, 500 * sec, window{10, 20}},
	}
	for _, tt := range tests {
		p, err := parseParams([]byte(tt.params))
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.windowFor(assay.Round{TimeNanos: tt.timeNanos})
		if err != nil || got != tt.want {
			t.Errorf("%s at %d: %v %v, want %v", tt.params, tt.timeNanos, got, err, tt.want)
		}
	}
}

func TestComplete(t *testing.T) {
	params := []byte(`{"symbol":"X","interval":60,"window_start":0,"window_end":180,"complete":true}`)
	_, err := validate([]byte(`[[0,1,1,1,1,1],[60,1,1,1,1,1]]`), params, assay.Round{})
	if err == nil || err.Error() != "window has 2 candles, want 3 (complete)" {
		t.Errorf("incomplete window: %v", err)
	}
	if _, err := validate([]byte(`[[0,1,1,1,1,1],[60,1,1,1,1,1],[120,1,1,1,1,1]]`), params, assay.Round{}); err != nil {
		t.Errorf("complete window: %v", err)
	}
}

func TestHugeInputSandbox(t *testing.T) {
	params, err := os.ReadFile("testdata/params.json")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	assaytest.RunHuge(t, "ohlcv.wasm", params, '[', "exceeds")
}

// BenchmarkFixtures reports wall time and gas per fixture in the sandbox.
func BenchmarkFixtures(b *testing.B) { assaytest.BenchSandbox(b, "ohlcv.wasm", "testdata") }
