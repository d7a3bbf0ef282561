// Command mockexchange serves the pricefeed example's candles on a
// loopback address:
//
//	go run ./examples/pricefeed/cmd/mockexchange -addr 127.0.0.1:8089
//	curl '127.0.0.1:8089/candles/BTC-USD?start=1699999500&end=1699999800&interval=60'
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"github.com/assaynet/assay/examples/pricefeed"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "listen address")
	flag.Parse()
	srv := &http.Server{Addr: *addr, Handler: pricefeed.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Printf("mock exchange on http://%s/candles/{symbol}?start=S&end=E&interval=I", *addr)
	log.Fatal(srv.ListenAndServe())
}
