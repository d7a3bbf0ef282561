// Command testplugin is a fetcher plugin for the plugins package's tests.
// It behaves well or badly as its environment and each request's config
// say:
//
//	ASSAY_TEST_KINDS=a,b    kinds served (default "test")
//	ASSAY_TEST_START=exit   exit 1 before the handshake
//	ASSAY_TEST_START=junk   print garbage instead of the handshake
//	ASSAY_TEST_START=v2     speak fetcher protocol version 2
//	ASSAY_TEST_SERVER=raw   bypass plugins.Serve and stream by hand
//
// Request config {"mode": M, "size": N, "text": T, "log": L}: L, if set,
// is written to stderr; M is "echo" (T, or N bytes), "crash" (exit mid-stream), "hang" (never answer, ignoring
// cancellation), "error"; with the raw server also "flood" (ignore the
// cap), "badsum", "notrailer", "bigchunk".
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/assaynet/assay/plugins"
)

type config struct {
	Mode string `json:"mode"`
	Size int    `json:"size"`
	Text string `json:"text"`
	Log  string `json:"log"`
}

func main() {
	switch os.Getenv("ASSAY_TEST_START") {
	case "exit":
		fmt.Fprintln(os.Stderr, "testplugin: exiting at start as asked")
		os.Exit(1)
	case "junk":
		fmt.Println("this is not a go-plugin handshake line")
		time.Sleep(time.Minute)
		return
	case "v2":
		serveRaw(2)
		return
	}
	if os.Getenv("ASSAY_TEST_SERVER") == "raw" {
		serveRaw(plugins.ProtocolVersion)
		return
	}
	plugins.Serve(sdkFetcher{})
}

func kinds() []string {
	if k := os.Getenv("ASSAY_TEST_KINDS"); k != "" {
		return strings.Split(k, ",")
	}
	return []string{"test"}
}

// sdkFetcher is served through plugins.Serve.
type sdkFetcher struct{}

func (sdkFetcher) Kinds(context.Context) ([]string, error) { return kinds(), nil }

func (sdkFetcher) Fetch(ctx context.Context, req plugins.Request) (io.ReadCloser, error) {
	var c config
	if err := json.Unmarshal(req.Config, &c); err != nil {
		return nil, err
	}
	if c.Log != "" {
		fmt.Fprintf(os.Stderr, "testplugin: %s height=%d\n", c.Log, req.Round.Height)
	}
	switch c.Mode {
	case "echo", "":
		return io.NopCloser(bytes.NewReader(payload(c))), nil
	case "crash":
		return io.NopCloser(&crashReader{}), nil
	case "hang":
		time.Sleep(time.Hour)
	case "error":
		return nil, errors.New("upstream said no")
	}
	return nil, fmt.Errorf("mode %q not served by the SDK server", c.Mode)
}

// patterns caches pattern payloads by size, so that benchmarks measure
// the protocol, not the making of the bytes.
var patterns sync.Map

// payload returns c.Text, or c.Size bytes of a pattern (do not modify).
func payload(c config) []byte {
	if c.Text != "" {
		return []byte(c.Text)
	}
	if b, ok := patterns.Load(c.Size); ok {
		return b.([]byte)
	}
	b := make([]byte, c.Size)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	patterns.Store(c.Size, b)
	return b
}

// crashReader returns one full chunk, then kills the process.
type crashReader struct{ n int }

func (r *crashReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		fmt.Fprintln(os.Stderr, "testplugin: crashing mid-fetch as asked")
		os.Exit(3)
	}
	r.n = len(p)
	return len(p), nil
}
