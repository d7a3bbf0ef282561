// Package pricefeed is the example data source behind the ohlcv reference
// validator program: a mock exchange that serves closed one-minute candles for any
// window, deterministically (the same request gives the same bytes on
// every node and every day), plus the source definition that points the
// validator program at it (source.toml, params.json).
//
//	GET /candles/{SYMBOL}?start=S&end=E&interval=I
//	→ [[t,"open","high","low","close","volume"], ...]   for t in [S, E) step I
//
// Run it standalone with `go run ./examples/pricefeed/cmd/mockexchange`.
package pricefeed

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// MaxCandles bounds one response.
const MaxCandles = 1000

// Errors of Candles.
var (
	ErrWindow  = errors.New("pricefeed: want 0 <= start < end and interval > 0")
	ErrTooMany = errors.New("pricefeed: too many candles")
)

// Candle is one closed candle; prices in cents, volume in 1/10000 units.
type Candle struct {
	T                      int64
	Open, High, Low, Close int64
	Volume                 int64
}

// Candles returns the candles of symbol for t in [start, end) step interval.
func Candles(symbol string, start, end, interval int64) ([]Candle, error) {
	if start < 0 || end <= start || interval <= 0 {
		return nil, ErrWindow
	}
	if (end-start+interval-1)/interval > MaxCandles {
		return nil, fmt.Errorf("%w: more than %d", ErrTooMany, MaxCandles)
	}
	var out []Candle
	for t := start; t < end; t += interval {
		out = append(out, candleAt(symbol, t))
	}
	return out, nil
}

// candleAt derives one candle from SHA-256(symbol, t): a base price per
// symbol, a slow integer wave over time, and bounded noise.
func candleAt(symbol string, t int64) Candle {
	var tb [8]byte
	binary.BigEndian.PutUint64(tb[:], uint64(t))
	h := sha256.Sum256(append([]byte(symbol+"\x00"), tb[:]...))
	r := func(i int, mod int64) int64 { return int64(binary.BigEndian.Uint32(h[4*i:]) % uint32(mod)) }
	base := basePrice(symbol)
	wave := (t / 60 % 1440) // minutes into the day
	if wave > 720 {
		wave = 1440 - wave
	}
	mid := base + wave*base/20000
	o, c := mid+r(0, 2001)-1000, mid+r(1, 2001)-1000
	return Candle{
		T: t, Open: o, Close: c,
		High:   max(o, c) + r(2, 500),
		Low:    min(o, c) - r(3, 500),
		Volume: 10000 + r(4, 5_000_000),
	}
}

func basePrice(symbol string) int64 {
	h := sha256.Sum256([]byte(symbol))
	return 1_000_000 + int64(binary.BigEndian.Uint32(h[:])%5_000_000) // 10,000.00 – 60,000.00
}

// Handler serves GET /candles/{symbol}.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /candles/{symbol}", serveCandles)
	return mux
}

func serveCandles(w http.ResponseWriter, r *http.Request) {
	sym := strings.ToUpper(r.PathValue("symbol"))
	q := r.URL.Query()
	start, err1 := strconv.ParseInt(q.Get("start"), 10, 64)
	end, err2 := strconv.ParseInt(q.Get("end"), 10, 64)
	interval, err3 := strconv.ParseInt(q.Get("interval"), 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil || len(sym) > 16 {
		http.Error(w, "want /candles/{symbol}?start=S&end=E&interval=I", http.StatusBadRequest)
		return
	}
	cs, err := Candles(sym, start, end, interval)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(Encode(cs))
}

// Encode writes candles as the exchange's JSON: [t, "o", "h", "l", "c", "v"].
func Encode(cs []Candle) []byte {
	rows := make([][]any, len(cs))
	for i, c := range cs {
		rows[i] = []any{c.T, cents(c.Open), cents(c.High), cents(c.Low), cents(c.Close), units(c.Volume)}
	}
	b, _ := json.Marshal(rows) // only ints and strings: cannot fail
	return b
}

func cents(v int64) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }

func units(v int64) string { return fmt.Sprintf("%d.%04d", v/10000, v%10000) }
