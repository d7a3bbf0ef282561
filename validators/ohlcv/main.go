// Command ohlcv is the reference validator program for exchange candles (open,
// high, low, close, volume) of one round's time window. It checks that the
// candles lie inside the window, strictly increase in time (aligned to the
// interval if one is given), that low ≤ open, close ≤ high and volume ≥ 0,
// and outputs them in a canonical form.
//
// # Params
//
//	{
//	  "symbol": "BTC-USD",      // copied to the output (required)
//	  "interval": 60,           // candle spacing; timestamps must be window_start + k·interval (optional)
//	  "window": 3600,           // window length; derived window (see below)
//	  "window_start": 0,        // explicit window [window_start, window_end) instead of "window"
//	  "window_end": 0,
//	  "time_unit": "s",         // "s" (default) or "ms": the unit of every time above and in the input
//	  "complete": false,        // true: every interval of the window must have a candle
//	  "max_candles": 1000,      // default 1000 (also bounds the JSON values parsed)
//	  "max_bytes": 49152        // input size limit, default 48 KiB (fits the node's maximum gas)
//	}
//
// The derived window is the last whole window that ended at or before the
// round time: window_end = floor(round_time / window) · window,
// window_start = window_end − window. This is what the node substitutes
// for {{window_start}} and {{window_end}} in the fetch URL.
//
// # Input
//
// A JSON array of candles, each either an object {"t", "o", "h", "l", "c",
// "v"} or an array [t, o, h, l, c, v]. t is an integer; prices and volume
// are JSON numbers or decimal strings ("37123.50"), compared exactly.
//
// # Output (RFC 8785 JSON)
//
//	{"candles":[[t,"o","h","l","c","v"],...],"interval":60,"symbol":"BTC-USD","time_unit":"s","window_end":...,"window_start":...}
//
// with decimals printed without exponent or trailing zeros.
//
// Build: scripts/validators.sh (flags in sdk/assay/assaytest.BuildFlags).
package main

import "github.com/assaynet/assay/sdk/assay"

func init() { assay.Handle(validate) }

func main() {}
