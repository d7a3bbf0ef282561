package devnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/node"
	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/runtime/pin"
)

// soakBlockFile is the space one small block file takes on disk (flatfs
// keeps each block in a file; ext4 allocates 4 KiB).
const soakBlockFile = 4096

// soakPinDB is the allowance for the pin database (leveldb) and flatfs's
// directories on top of the block files.
const soakPinDB = 64 << 20

// soakBound is the stated bound of one node's pin store with retention
// r at sources sources opening a round every `every` blocks at about one
// block a second, with inputs and outputs of one block each: the rounds
// the policy keeps (at least the last RetentionMinBlocks blocks'), plus
// the rounds that open between two passes, plus one, times one block
// file for each, plus the pin database (docs/node.md, "Retention").
func soakBound(r node.RetentionConfig, sources int, every uint64, blockTime time.Duration) int64 {
	keep := uint64(max(r.OutputRounds, r.InputRounds))
	keep = max(keep, (node.RetentionMinBlocks+every-1)/every)
	between := uint64(time.Duration(r.Interval)/(time.Duration(every)*blockTime)) + 1
	// inputs that differ from their output take a second block
	files := uint64(r.OutputRounds) + uint64(r.InputRounds)
	if files < keep {
		files = keep
	}
	return int64(sources)*int64(files+between+1)*soakBlockFile + soakPinDB
}

// TestSoakRetention runs the 1,000-source devnet (every 10 blocks, about
// one block a second, echo.wasm) for ASSAY_SOAK_DURATION (default 10m)
// with retention on (ASSAY_SOAK_RETENTION=0: off, for comparison), logs
// every node's pin store size each minute, and with retention on checks
// that it stays under soakBound. ASSAY_LONG=1 runs it (make test-long);
// ASSAY_SOAK_OUT=FILE writes the samples and the summary as JSON.
func TestSoakRetention(t *testing.T) {
	if os.Getenv("ASSAY_LONG") == "" {
		t.Skip("soak test: set ASSAY_LONG=1")
	}
	dur := 10 * time.Minute
	if v := os.Getenv("ASSAY_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("ASSAY_SOAK_DURATION=%q: %v", v, err)
		}
		dur = d
	}
	sources := 1000
	if v := os.Getenv("ASSAY_SOAK_SOURCES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("ASSAY_SOAK_SOURCES=%q: want a positive number", v)
		}
		sources = n
	}
	retain := os.Getenv("ASSAY_SOAK_RETENTION") != "0"
	const every, blockTime = 10, 700 * time.Millisecond // ~1 block/s under load (README)
	ret := node.RetentionConfig{Enabled: retain, Interval: plugins.Duration(30 * time.Second), OutputRounds: 20, InputRounds: 5}
	bound := soakBound(ret, sources, every, time.Second)
	dir := t.TempDir()
	o := RunOptions{
		Config: Config{Validators: 4, BasePort: freeBase(t, 4), Fault: "wrong-output", CacheDir: t.TempDir(),
			BlockTime: blockTime, Jobs: 16, Retention: &ret},
		Sources:  Sources{Symbols: GeneratedSymbols(sources), Every: every, Replicas: 3, Spread: true},
		Duration: dur, Headless: true, Dir: dir, Code: echoWasm,
	}
	type sample struct {
		Seconds float64 `json:"seconds"`
		Bytes   []int64 `json:"bytes"` // per node
	}
	var samples []sample
	start := time.Now()
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Minute)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			s := sample{Seconds: time.Since(start).Seconds()}
			for i := range 4 {
				b, err := pin.DirUsage(filepath.Join(dir, fmt.Sprintf("node%d", i), "data", "pins"))
				if err != nil {
					b = -1
				}
				s.Bytes = append(s.Bytes, b)
			}
			samples = append(samples, s)
		}
	}()
	var out bytes.Buffer
	sum, err := Run(context.Background(), o, &out)
	close(stop)
	<-sampled
	if err != nil {
		t.Fatalf("devnet: %v\n%s", err, out.String())
	}
	t.Logf("retention %v, bound %d MB per node", retain, bound>>20)
	for _, s := range samples {
		mb := make([]string, len(s.Bytes))
		for i, b := range s.Bytes {
			mb[i] = fmt.Sprintf("%.1f", float64(b)/(1<<20))
		}
		t.Logf("t=%4.0fs pin store MB per node: %v", s.Seconds, mb)
	}
	logRetentionPasses(t, filepath.Join(dir, LogFile))
	t.Logf("row: %s", sum.Row(fmt.Sprintf("%d sources every %d blocks, C = 16, retention %v", sources, every, retain)))
	if p := os.Getenv("ASSAY_SOAK_OUT"); p != "" {
		b, _ := json.MarshalIndent(map[string]any{"retention": retain, "bound_bytes": bound, "samples": samples, "summary": sum}, "", "  ")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Error(err)
		}
	}
	if sum.RoundsResolved == 0 || sum.HonestSlashed != 0 {
		t.Errorf("summary: %d resolved, %d honest slashed", sum.RoundsResolved, sum.HonestSlashed)
	}
	if !retain {
		return
	}
	for _, s := range samples {
		for i, b := range s.Bytes {
			if b > bound {
				t.Errorf("t=%.0fs node %d pin store %d bytes > bound %d", s.Seconds, i, b, bound)
			}
		}
	}
}

// logRetentionPasses logs how many retention passes the nodes made, the
// longest, and node 0's last (from the devnet log's "retention pass"
// lines).
func logRetentionPasses(t *testing.T, logPath string) {
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Logf("devnet log: %v", err)
		return
	}
	took := regexp.MustCompile(` took=([0-9.]+[a-zµ]+)`)
	var n int
	var longest time.Duration
	var last string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, `msg="retention pass"`) {
			continue
		}
		n++
		if m := took.FindStringSubmatch(line); m != nil {
			if d, err := time.ParseDuration(m[1]); err == nil && d > longest {
				longest = d
			}
		}
		if strings.Contains(line, "node=0") {
			last = line
		}
	}
	t.Logf("retention passes: %d over 4 nodes, longest %v; node 0's last: %s", n, longest, last)
}
