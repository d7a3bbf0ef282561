// Command ethfetcher is an Assay fetcher plugin that reads an Ethereum
// block over JSON-RPC (eth_getBlockByNumber) and hands the block object,
// as JSON, to the source's validator. It is the worked example of an
// operator plugin; see README.md.
//
// Kind "eth_block", config:
//
//	{
//	  "url":   "http://127.0.0.1:8545",     JSON-RPC endpoint (http or https)
//	  "block": "{{height}}",                 decimal, 0x-hex, or latest / safe / finalized / earliest / pending
//	  "full_transactions": false,            optional: full tx objects instead of hashes
//	  "headers": {"Authorization": "…"}      optional
//	}
package main

import (
	"net/http"
	"time"

	"github.com/assaynet/assay/plugins"
)

func main() {
	plugins.Serve(&Fetcher{Client: &http.Client{Timeout: time.Minute}})
}
