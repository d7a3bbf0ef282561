package devnet

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Exchange is the devnet's mock upstream: a loopback HTTP server with one
// price per symbol and height, the same bytes for every node that asks.
//
//	GET /price/{SYMBOL}?height=H → {"price":…,"symbol":"BTC-USD","ts":…,"venue":"mock"}
type Exchange struct {
	URL string // http://127.0.0.1:port
	srv *http.Server
}

// ExchangeRange is the address range of the mock exchange, which the
// devnet's nodes allow in [fetch] allow_private_ranges.
const ExchangeRange = "127.0.0.1/32"

// StartExchange listens on a free loopback port.
func StartExchange() (*Exchange, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mock exchange: %w", err)
	}
	m := &Exchange{URL: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /price/{symbol}", m.price)
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

func (m *Exchange) price(w http.ResponseWriter, r *http.Request) {
	sym := strings.ToUpper(r.PathValue("symbol"))
	h, err := strconv.ParseInt(r.URL.Query().Get("height"), 10, 64)
	if err != nil || h < 0 || len(sym) > 16 {
		http.Error(w, "want /price/{symbol}?height=N", http.StatusBadRequest)
		return
	}
	// A deterministic walk: a base per symbol, a few cents per height.
	base := int64(0)
	for _, c := range sym {
		base = base*31 + int64(c)
	}
	cents := 1_000_000 + base%3_000_000 + (h*7919)%50_000
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ts": %d, "symbol": %q, "price": %d.%02d, "venue": "mock"}`+"\n",
		1_700_000_000+h, sym, cents/100, cents%100)
}

// Close stops the server.
func (m *Exchange) Close() { _ = m.srv.Close() }
