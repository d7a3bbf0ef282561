package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestServePprof: --pprof serves the profiles on a loopback address and
// refuses any other host.
func TestServePprof(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "example.com:6060", "6060"} {
		if stop, err := servePprof(addr); err == nil {
			stop()
			t.Errorf("--pprof %s accepted, want refused", addr)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop, err := servePprof(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for p, want := range map[string]string{"block": "contention", "mutex": "sampling period=5", "goroutine": "goroutine"} {
		resp, err := http.Get("http://" + addr + "/debug/pprof/" + p + "?debug=1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("%s profile: %d %.80q", p, resp.StatusCode, body)
		}
	}
}
