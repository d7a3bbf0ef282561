package sandbox

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/assaynet/assay/internal/cputime"
)

// BenchmarkOhlcvLanguages: one validator program, validators/ohlcv, in
// each SDK, on its `accepted` fixture (399 bytes) and on `rejected-empty`
// (2 bytes), the rows of each in one loop: Go with _initialize in every
// job (pre-initialization off, as before rewriter v3), Go pre-initialized,
// and the ports to C, Rust and AssemblyScript. Every row must give the Go
// module's verdict and output. Reports gas (exact) and thread CPU µs per
// job (noisy) per row: the table in README.md and docs/authors.md §7.
//
//	go test -run '^$' -bench 'OhlcvLanguages|Preinit' -benchtime 2000x ./runtime/sandbox
func BenchmarkOhlcvLanguages(b *testing.B) {
	for _, fx := range []string{"accepted", "rejected-empty"} {
		b.Run(fx, func(b *testing.B) { benchOhlcvLanguages(b, fx) })
	}
}

func benchOhlcvLanguages(b *testing.B, fx string) {
	const dir = "../../validators"
	fixture := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, "ohlcv/testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	job := Job{Source: "fixture/" + fx, Input: fixture(fx + ".input"), Params: fixture("params.json"),
		Height: 1, Time: 1_700_000_000_000_000_000, GasLimit: DefaultMaxGas} // 2023-11-14T22:13:20Z
	rows := []struct {
		name, module string
		preinit      bool
	}{
		{"go-initialize", "ohlcv/ohlcv.wasm", false},
		{"go-preinit", "ohlcv/ohlcv.wasm", true},
		{"c", "ohlcv-c/ohlcv-c.wasm", true},
		{"rust", "ohlcv-rust/ohlcv-rust.wasm", true},
		{"as", "ohlcv-as/ohlcv-as.wasm", true},
	}
	ctx := context.Background()
	rts := make([]*Runtime, len(rows))
	codes := make([]*Code, len(rows))
	gas := make([]uint64, len(rows))
	var want Result
	for i, r := range rows {
		wasm, err := os.ReadFile(filepath.Join(dir, r.module))
		if err != nil {
			b.Fatal(err)
		}
		rts[i] = newRuntime(b, Config{})
		rts[i].noPreinit = !r.preinit
		if codes[i], err = rts[i].Store(ctx, wasm); err != nil {
			b.Fatalf("%s: %v", r.name, err)
		}
		res := rts[i].Run(ctx, codes[i], job)
		if i == 0 {
			want = res
		} else if res.Status != want.Status || !bytes.Equal(res.Output, want.Output) {
			b.Fatalf("%s: %v %q, the Go module %v %q", r.name, res.Status, res.Output, want.Status, want.Output)
		}
		gas[i] = res.GasUsed
	}
	cpu := make([]time.Duration, len(rows))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for range b.N {
		for i := range rows {
			start := cputime.Thread()
			if res := rts[i].Run(ctx, codes[i], job); res.Status != want.Status {
				b.Fatalf("%s: %v", rows[i].name, res.Status)
			}
			cpu[i] += cputime.Thread() - start
		}
	}
	for i, r := range rows {
		b.ReportMetric(float64(cpu[i].Microseconds())/float64(b.N), r.name+"-cpu-µs/job")
		b.ReportMetric(float64(gas[i]), r.name+"-gas/job") // after ResetTimer, which drops metrics
	}
}
