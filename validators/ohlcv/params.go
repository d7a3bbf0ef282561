package main

import (
	"github.com/assaynet/assay/sdk/assay"
)

// params are the source's static settings; see the package comment.
type params struct {
	Symbol      string `json:"symbol"`
	Interval    int64  `json:"interval"`
	Window      int64  `json:"window"`
	WindowStart *int64 `json:"window_start"`
	WindowEnd   *int64 `json:"window_end"`
	TimeUnit    string `json:"time_unit"`
	Complete    bool   `json:"complete"`
	MaxCandles  int    `json:"max_candles"`
	MaxBytes    int    `json:"max_bytes"`
}

// Defaults of max_candles and max_bytes. A Go guest spends about 2,400 gas
// per input byte here, so 48 KiB (~750 candles) fits the node's maximum
// gas; max_candles also bounds the JSON values parsed (7 per candle).
const (
	defaultMaxCandles = 1000
	defaultMaxBytes   = 48 << 10
)

// window is the half-open time range [start, end) in the params' unit.
type window struct{ start, end int64 }

func parseParams(raw []byte) (params, error) {
	var p params
	if err := assay.DecodeParams(raw, &p); err != nil {
		return p, err
	}
	switch {
	case p.Symbol == "":
		return p, assay.Reject("params: symbol is required")
	case p.TimeUnit != "" && p.TimeUnit != "s" && p.TimeUnit != "ms":
		return p, assay.Reject("params: time_unit %q, want \"s\" or \"ms\"", p.TimeUnit)
	case p.Interval < 0 || p.Window < 0 || p.MaxCandles < 0 || p.MaxBytes < 0:
		return p, assay.Reject("params: interval, window, max_candles and max_bytes must not be negative")
	case (p.WindowStart == nil) != (p.WindowEnd == nil):
		return p, assay.Reject("params: give both window_start and window_end, or neither")
	case p.WindowStart == nil && p.Window == 0:
		return p, assay.Reject("params: give window, or window_start and window_end")
	}
	if p.TimeUnit == "" {
		p.TimeUnit = "s"
	}
	if p.MaxCandles == 0 {
		p.MaxCandles = defaultMaxCandles
	}
	if p.MaxBytes == 0 {
		p.MaxBytes = defaultMaxBytes
	}
	return p, nil
}

// windowFor returns the explicit window or the one derived from the round.
func (p params) windowFor(r assay.Round) (window, error) {
	if p.WindowStart != nil {
		w := window{*p.WindowStart, *p.WindowEnd}
		if w.end <= w.start {
			return w, assay.Reject("params: window_end %d is not after window_start %d", w.end, w.start)
		}
		return w, nil
	}
	now := r.Unix()
	if p.TimeUnit == "ms" {
		now = floorDiv(r.TimeNanos, 1e6)
	}
	end := floorDiv(now, p.Window) * p.Window
	return window{end - p.Window, end}, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
