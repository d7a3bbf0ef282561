package sandbox

import (
	"bytes"
	"context"
	"encoding/binary"
	"sync"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
)

// TestReusedMemoryStartsZero: jobs that fill their whole memory with 0xff
// and jobs that sum their memory run one after another and at once on
// one Runtime (which reuses guest memories); every summing job sees an
// all-zero memory and gets the same verdict, gas included, as on a
// Runtime that never reuses memory (Interrupt), on both engines.
func TestReusedMemoryStartsZero(t *testing.T) {
	ctx := context.Background()
	wasm := readTestdata(t, "dirty.wasm")
	clean, dirty := Job{Params: []byte{0}, GasLimit: 50_000_000}, Job{Params: []byte{1}, GasLimit: 50_000_000}
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			fresh := newRuntime(t, Config{Engine: e, Interrupt: true})
			fcode, err := fresh.Store(ctx, wasm)
			if err != nil {
				t.Fatal(err)
			}
			want := fresh.Run(ctx, fcode, clean)
			if want.Status != abi.StatusAccepted || len(want.Output) != 12 ||
				binary.LittleEndian.Uint64(want.Output) != 0 || binary.LittleEndian.Uint32(want.Output[8:]) != 8 {
				t.Fatalf("fresh run: %+v", want)
			}
			rt := newRuntime(t, Config{Engine: e})
			code, err := rt.Store(ctx, wasm)
			if err != nil {
				t.Fatal(err)
			}
			check := func(got Result) {
				if got.Status != want.Status || got.GasUsed != want.GasUsed || !bytes.Equal(got.Output, want.Output) {
					t.Errorf("after reuse: %v gas %d output %x; want %v gas %d output %x",
						got.Status, got.GasUsed, got.Output, want.Status, want.GasUsed, want.Output)
				}
			}
			for i := 0; i < 3; i++ {
				if r := rt.Run(ctx, code, dirty); r.Status != abi.StatusAccepted {
					t.Fatalf("dirty run: %+v", r)
				}
				check(rt.Run(ctx, code, clean))
			}
			var wg sync.WaitGroup
			results := make(chan Result, 64)
			for i := 0; i < 64; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					if i%2 == 0 {
						rt.Run(ctx, code, dirty)
						return
					}
					results <- rt.Run(ctx, code, clean)
				}(i)
			}
			wg.Wait()
			close(results)
			for r := range results {
				check(r)
			}
		})
	}
}

// TestLinearMemoryGrow: growing keeps the contents (moving to at least
// twice the capacity when it must), stops at the limit, and a freed
// buffer comes back from the pool all zero with the capacity it reached.
func TestLinearMemoryGrow(t *testing.T) {
	const page = 1 << 16
	p := newMemoryPool()
	m := p.Allocate(page, 8*page)
	b := m.Reallocate(page)
	if len(b) != page || cap(b) != page {
		t.Fatalf("first page: len %d cap %d", len(b), cap(b))
	}
	b[0], b[page-1] = 1, 2
	b = m.Reallocate(3 * page)
	if len(b) != 3*page || cap(b) != 3*page || b[0] != 1 || b[page-1] != 2 {
		t.Fatalf("grown to 3 pages: len %d cap %d, contents kept: %v", len(b), cap(b), b[0] == 1 && b[page-1] == 2)
	}
	b[3*page-1] = 3
	if b = m.Reallocate(4 * page); cap(b) != 6*page || b[3*page-1] != 3 {
		t.Fatalf("grown to 4 pages: cap %d (want twice 3 pages)", cap(b))
	}
	if b = m.Reallocate(7 * page); cap(b) != 8*page || b[3*page-1] != 3 || b[0] != 1 {
		t.Fatalf("grown to 7 pages: cap %d (want the limit, 8 pages)", cap(b))
	}
	if m.Reallocate(9*page) != nil {
		t.Fatal("grew past the limit")
	}
	m.Free()
	m.Free() // a second Free is harmless
	again := p.Allocate(page, 8*page)
	b = again.Reallocate(7 * page)
	if cap(b) != 8*page {
		t.Fatalf("pooled buffer: cap %d, want 8 pages", cap(b))
	}
	for i, c := range b {
		if c != 0 {
			t.Fatalf("pooled buffer byte %d = %d", i, c)
		}
	}
}
