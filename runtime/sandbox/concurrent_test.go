package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
)

// TestConcurrentJobs runs jobs of one code from several goroutines: each
// gets its own instance, output and gas.
func TestConcurrentJobs(t *testing.T) {
	rt := newRuntime(t, Config{})
	ctx := context.Background()
	code, err := rt.Store(ctx, readTestdata(t, "abi.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	job := func(i int) Job {
		return Job{Input: bytes.Repeat([]byte{byte('a' + i)}, i+1), Params: []byte{0}, GasLimit: 1e6}
	}
	want := make([]string, 8)
	for i := range want {
		want[i] = verdict(rt.Run(ctx, code, job(i)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*20)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if got := verdict(rt.Run(ctx, code, job(g))); got != want[g] {
					errs <- fmt.Errorf("goroutine %d: %s, want %s", g, got, want[g])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestClosedRuntime(t *testing.T) {
	ctx := context.Background()
	rt, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	code, err := rt.Store(ctx, readTestdata(t, "abi.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if res := rt.Run(ctx, code, Job{GasLimit: 1000}); res.Status != abi.StatusUnavailable || !errors.Is(res.Err, ErrClosed) {
		t.Errorf("run after close: %s %v", verdict(res), res.Err)
	}
	if _, err := rt.Store(ctx, readTestdata(t, "spin.wasm")); err == nil {
		t.Error("store after close succeeded")
	}
}

func TestEvict(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t, Config{})
	wasm := readTestdata(t, "abi.wasm")
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Evict(ctx, code.CID); err != nil {
		t.Fatal(err)
	}
	if res := rt.Run(ctx, code, Job{GasLimit: 1000}); !errors.Is(res.Err, ErrEvicted) {
		t.Errorf("run evicted: %s %v", verdict(res), res.Err)
	}
	again, err := rt.Store(ctx, wasm)
	if err != nil || again == code {
		t.Fatalf("store after evict: %v (same code %v)", err, again == code)
	}
	res := rt.Run(ctx, again, Job{Input: []byte("ok"), Params: []byte{0}, GasLimit: 1e6})
	checkResult(t, res, abi.StatusAccepted, "", []byte("ok"), 0)
	if err := rt.Evict(ctx, code.CID); err != nil {
		t.Fatal(err)
	}
	if err := rt.Evict(ctx, code.CID); err != nil { // unknown: no-op
		t.Fatal(err)
	}
}
