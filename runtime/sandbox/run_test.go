package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/abi"
)

// verdict is the consensus part of a Result.
func verdict(r Result) string {
	return fmt.Sprintf("%v|%q|%x|%d", r.Status, r.Kind, r.Output, r.GasUsed)
}

// TestDeterminism runs every case of the ABI guest, metered, under both
// engines and twice each: the verdicts must be identical.
func TestDeterminism(t *testing.T) {
	ctx := context.Background()
	var codes [2]*Code
	var rts [2]*Runtime
	for i, eng := range engines {
		rts[i] = newRuntime(t, Config{Engine: eng})
		c, err := rts[i].Store(ctx, readTestdata(t, "abi.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		codes[i] = c
	}
	for sel := 0; sel <= 23; sel++ {
		job := Job{Source: "s", Input: []byte("determinism"), Params: []byte{byte(sel), 2, 3, 4},
			Height: 5, Time: 6, GasLimit: 2_000_000, MaxOutput: 300}
		first := verdict(rts[0].Run(ctx, codes[0], job))
		for i := range engines {
			for run := 0; run < 2; run++ {
				res := rts[i].Run(ctx, codes[i], job)
				if res.Status == abi.StatusUnavailable {
					t.Fatalf("case %d: unavailable: %v", sel, res.Err)
				}
				if got := verdict(res); got != first {
					t.Errorf("case %d %v run %d: %s, want %s", sel, engines[i], run, got, first)
				}
			}
		}
	}
}

// TestGasExactLimit: with limit = gas used the job passes; with limit − 1
// it fails out_of_gas with gas used = limit, on both engines.
func TestGasExactLimit(t *testing.T) {
	ctx := context.Background()
	for _, eng := range engines {
		rt := newRuntime(t, Config{Engine: eng})
		code, err := rt.Store(ctx, readTestdata(t, "bench.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		job := Job{Params: []byte{3}, GasLimit: DefaultMaxGas} // fib(27)
		full := rt.Run(ctx, code, job)
		if full.Status != abi.StatusAccepted {
			t.Fatalf("%v: %s", eng, verdict(full))
		}
		job.GasLimit = full.GasUsed
		if res := rt.Run(ctx, code, job); verdict(res) != verdict(full) {
			t.Errorf("%v limit=used: %s, want %s", eng, verdict(res), verdict(full))
		}
		job.GasLimit = full.GasUsed - 1
		res := rt.Run(ctx, code, job)
		if res.Status != abi.StatusFailed || res.Kind != abi.KindOutOfGas || res.GasUsed != job.GasLimit {
			t.Errorf("%v limit=used-1: %s", eng, verdict(res))
		}
	}
}

func TestUnavailable(t *testing.T) {
	rt := newRuntime(t, Config{MaxMemoryPages: 64, Interrupt: true, MaxGas: 1 << 40})
	ctx := context.Background()
	code, err := rt.Store(ctx, readTestdata(t, "spin.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	other := newRuntime(t, Config{})
	tests := []struct {
		name string
		ctx  context.Context
		code *Code
		job  Job
		want error
	}{
		{"timeout", ctx, code, Job{GasLimit: 1 << 40, Timeout: 50 * time.Millisecond}, context.DeadlineExceeded},
		{"canceled", canceled, code, Job{GasLimit: 1 << 40}, context.Canceled},
		{"gas-above-node", ctx, code, Job{GasLimit: 1<<40 + 1}, ErrGasLimit},
		{"pages-above-node", ctx, code, Job{GasLimit: 1, MemoryPages: 65}, ErrMemoryPages},
		{"foreign-code", ctx, code, Job{GasLimit: 1}, ErrForeignCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rt
			if tt.name == "foreign-code" {
				r = other
			}
			res := r.Run(tt.ctx, tt.code, tt.job)
			if res.Status != abi.StatusUnavailable || !errors.Is(res.Err, tt.want) {
				t.Errorf("%s err %v, want UNAVAILABLE %v", verdict(res), res.Err, tt.want)
			}
			if res.Output != nil || res.Kind != "" {
				t.Errorf("UNAVAILABLE carries a verdict: %s", verdict(res))
			}
		})
	}
}

func TestMemoryMinAboveJob(t *testing.T) {
	rt := newRuntime(t, Config{})
	code, err := rt.Store(context.Background(), readTestdata(t, "spin.wasm")) // min 2 pages
	if err != nil {
		t.Fatal(err)
	}
	res := rt.Run(context.Background(), code, Job{GasLimit: 1000, MemoryPages: 1})
	checkResult(t, res, abi.StatusFailed, abi.KindMemoryLimit, nil, 0)
}

// TestGCLiveness: a job that spends the node's maximum gas in pure Wasm
// must not hold the Go GC for long.
func TestGCLiveness(t *testing.T) {
	for _, interrupt := range []bool{false, true} {
		maxGas := uint64(0) // the default
		if interrupt {
			maxGas = DefaultMaxGas / 20 // loops are much slower: keep the test short
		}
		t.Run(fmt.Sprintf("interrupt=%v", interrupt), func(t *testing.T) {
			gcWhileSpinning(t, newRuntime(t, Config{Interrupt: interrupt, MaxGas: maxGas}))
		})
	}
}

func gcWhileSpinning(t *testing.T, rt *Runtime) {
	ctx := context.Background()
	code, err := rt.Store(ctx, readTestdata(t, "spin.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Result, 1)
	go func() { done <- rt.Run(ctx, code, Job{GasLimit: rt.Config().MaxGas}) }()
	time.Sleep(20 * time.Millisecond) // let the guest start
	start := time.Now()
	runtime.GC()
	gc := time.Since(start)
	res := <-done
	if res.Status != abi.StatusFailed || res.Kind != abi.KindOutOfGas {
		t.Fatalf("max-gas spin: %s (%v)", verdict(res), res.Err)
	}
	t.Logf("max gas %d: job %v, GC %v", rt.Config().MaxGas, res.Wall, gc)
	if gc > 2*time.Second {
		t.Errorf("runtime.GC took %v while a max-gas job ran", gc)
	}
}

func TestDiskCache(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cache")
	wasm := readTestdata(t, "abi.wasm")
	runOnce := func() (Result, *diskCache) {
		rt, err := New(ctx, Config{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Close(ctx)
		code, err := rt.Store(ctx, wasm)
		if err != nil {
			t.Fatalf("Store: %v", err)
		}
		return rt.Run(ctx, code, Job{Input: []byte("x"), Params: []byte{0}, GasLimit: 1e6}), rt.disk
	}
	want, disk := runOnce()
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache dir mode: %v %v", fi, err)
	}
	idx, _ := os.ReadDir(disk.index)
	if len(idx) != 1 {
		t.Fatalf("index has %d entries, want 1", len(idx))
	}
	entries := disk.entries()
	if len(entries) == 0 {
		t.Fatal("no cache entry written")
	}
	corrupt := func(withIndex bool) {
		for name := range entries {
			p := filepath.Join(disk.dir, name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, bytes.Repeat([]byte{0xff}, len(b)/2), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if !withIndex {
			_ = os.Remove(filepath.Join(disk.index, idx[0].Name()))
		}
	}
	for _, tc := range []struct {
		name   string
		mangle func()
	}{
		{"hit", func() {}},
		{"corrupt-indexed", func() { corrupt(true) }},
		{"corrupt-unindexed", func() { corrupt(false) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.mangle()
			got, _ := runOnce()
			if verdict(got) != verdict(want) {
				t.Errorf("%s, want %s", verdict(got), verdict(want))
			}
		})
	}
}
