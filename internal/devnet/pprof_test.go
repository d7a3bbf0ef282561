package devnet

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServePprof: --pprof serves the profiles on a loopback address and
// refuses any other host.
func TestServePprof(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "example.com:6060", "6060"} {
		if stop, err := ServePprof(addr); err == nil {
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
	stop, err := ServePprof(addr)
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

// TestStartProfiling: a CPU profile is written when stopped; a refused
// pprof address is an error that stops the CPU profile already started.
func TestStartProfiling(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	stop, err := StartProfiling(path, "")
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("cpu profile: %v, %v", st, err)
	}
	stop, err = StartProfiling(filepath.Join(t.TempDir(), "cpu2.pprof"), "0.0.0.0:0")
	stop()
	if err == nil || !strings.Contains(err.Error(), "pprof") {
		t.Fatalf("refused address: %v", err)
	}
	if stop, err = StartProfiling(path, ""); err != nil { // a profile can start again: the failed call stopped its own
		t.Fatal(err)
	}
	stop()
}
