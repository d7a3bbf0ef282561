package sandbox

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/assaynet/assay/internal/cputime"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
)

// Benchmarks (numbers in the report / README):
//
//	go test -run '^$' -bench . -benchtime 20x ./runtime/sandbox/
//
// Every ratio is measured inside one benchmark, against a yardstick run in
// the same loop, in CPU time of the running thread (Linux), so a loaded
// machine skews neither side.

// workload is one benchmark guest and job.
type workload struct {
	name   string
	module string
	job    Job
}

var workloads = []workload{
	{"loop", "bench.wasm", Job{Params: []byte{1}}},
	{"collatz", "bench.wasm", Job{Params: []byte{2}}},
	{"fib", "bench.wasm", Job{Params: []byte{3}}},
	{"goguest", "goguest/goguest.wasm", Job{Input: jsonDoc(100)}},
}

// benchCode stores a module metered (through meter) or unmetered (the
// original bytes, host gas only) in rt.
func benchCode(b *testing.B, rt *Runtime, module string, metered bool) *Code {
	b.Helper()
	if !metered {
		return storeRaw(b, rt, module)
	}
	c, err := rt.Store(context.Background(), readTestdata(b, module))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// timeRun runs job once and returns the CPU time of the running thread
// (wall time off Linux), failing on a bad verdict. Callers lock their OS
// thread: the guest runs on the calling goroutine.
func timeRun(b *testing.B, rt *Runtime, code *Code, job Job) time.Duration {
	start := cputime.Thread()
	res := rt.Run(context.Background(), code, job)
	d := cputime.Thread() - start
	if res.Status != abi.StatusAccepted {
		b.Fatalf("%s (%v) log %q", verdict(res), res.Err, res.Log)
	}
	return d
}

// timePair resets b's timer and runs job b.N times on each of two codes
// (codeA on rtA, then codeB on rtB, in turn) on a locked OS thread; it
// returns the CPU time each took in all.
func timePair(b *testing.B, job Job, rtA *Runtime, codeA *Code, rtB *Runtime, codeB *Code) (ta, tb time.Duration) {
	ta, tb, _ = timePairs(b, job, rtA, codeA, rtB, codeB)
	return ta, tb
}

// timePairs is timePair that also returns the median of the b.N
// per-pair ratios A/B: unlike the ratio of the totals, a few pairs
// disturbed by other work on the machine barely move it.
func timePairs(b *testing.B, job Job, rtA *Runtime, codeA *Code, rtB *Runtime, codeB *Code) (ta, tb time.Duration, median float64) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ratios := make([]float64, 0, b.N)
	b.ResetTimer()
	for range b.N {
		a := timeRun(b, rtA, codeA, job)
		o := timeRun(b, rtB, codeB, job)
		ta, tb = ta+a, tb+o
		ratios = append(ratios, float64(a)/float64(max(o, 1)))
	}
	slices.Sort(ratios)
	return ta, tb, ratios[len(ratios)/2]
}

// BenchmarkMetering: metered (rewritten) vs the original module unmetered,
// compiler engine, same Runtime config. Goal: ≤1.10× goguest, ≤1.5× collatz.
func BenchmarkMetering(b *testing.B) {
	for _, w := range workloads {
		b.Run(w.name, func(b *testing.B) {
			rtM, rtU := newRuntime(b, Config{}), newRuntime(b, Config{})
			metered, plain := benchCode(b, rtM, w.module, true), benchCode(b, rtU, w.module, false)
			job := w.job
			job.GasLimit = DefaultMaxGas
			tm, tu, med := timePairs(b, job, rtM, metered, rtU, plain)
			b.ReportMetric(float64(tm.Microseconds())/float64(b.N), "metered-cpu-µs/job")
			b.ReportMetric(float64(tu.Microseconds())/float64(b.N), "unmetered-cpu-µs/job")
			b.ReportMetric(float64(tm)/float64(tu), "metered/unmetered")
			b.ReportMetric(med, "median-pair-ratio")
		})
	}
}

// BenchmarkEngines: interpreter vs compiler on the metered module.
func BenchmarkEngines(b *testing.B) {
	for _, w := range workloads[1:] { // the 10M-iteration loop is too slow interpreted
		b.Run(w.name, func(b *testing.B) {
			rtC, rtI := newRuntime(b, Config{}), newRuntime(b, Config{Engine: EngineInterpreter})
			cc, ci := benchCode(b, rtC, w.module, true), benchCode(b, rtI, w.module, true)
			job := w.job
			job.GasLimit = DefaultMaxGas
			tc, ti := timePair(b, job, rtC, cc, rtI, ci)
			b.ReportMetric(float64(ti)/float64(tc), "interpreter/compiler")
		})
	}
}

// BenchmarkInterrupt: the cost of Config.Interrupt (wazero's
// WithCloseOnContextDone) on metered code.
func BenchmarkInterrupt(b *testing.B) {
	for _, w := range workloads[1:3] {
		b.Run(w.name, func(b *testing.B) {
			rtOff, rtOn := newRuntime(b, Config{}), newRuntime(b, Config{Interrupt: true})
			off, on := benchCode(b, rtOff, w.module, true), benchCode(b, rtOn, w.module, true)
			job := w.job
			job.GasLimit = DefaultMaxGas
			tOff, tOn := timePair(b, job, rtOff, off, rtOn, on)
			b.ReportMetric(float64(tOn)/float64(tOff), "interrupt/none")
		})
	}
}

// BenchmarkJobOverhead: instantiate, set globals, run a trivial validate,
// collect, close. Goals: ≤50 µs (WAT), ≤1 ms (Go, _initialize included).
// The yardstick is the same job on a code without the rewriter.
func BenchmarkJobOverhead(b *testing.B) {
	cases := []struct {
		name, module string
		job          Job
	}{
		{"wat", "bench.wasm", Job{Params: []byte{0}}},
		{"go", "goguest/goguest.wasm", Job{Input: []byte("1")}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			rt := newRuntime(b, Config{})
			code := benchCode(b, rt, c.module, true)
			job := c.job
			job.GasLimit = DefaultMaxGas
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			b.ResetTimer()
			var cpu time.Duration
			for range b.N {
				cpu += timeRun(b, rt, code, job)
			}
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/job")
		})
	}
}

// BenchmarkPreinit: the trivial Go job started from the pre-initialized
// image vs re-running _initialize in the job, in one loop. Goals: ≤ 0.3
// ms CPU and ≤ 100,000 gas per job (from ~0.8 ms and ~1.8M).
func BenchmarkPreinit(b *testing.B) {
	rtP, rtO := newRuntime(b, Config{}), newRuntime(b, Config{})
	rtO.noPreinit = true
	cp, co := benchCode(b, rtP, "goguest/goguest.wasm", true), benchCode(b, rtO, "goguest/goguest.wasm", true)
	job := Job{Input: []byte("1"), GasLimit: DefaultMaxGas}
	gp, go_ := rtP.Run(context.Background(), cp, job).GasUsed, rtO.Run(context.Background(), co, job).GasUsed
	tp, to := timePair(b, job, rtP, cp, rtO, co)
	b.ReportMetric(float64(tp.Microseconds())/float64(b.N), "preinit-cpu-µs/job")
	b.ReportMetric(float64(to.Microseconds())/float64(b.N), "initialize-cpu-µs/job")
	b.ReportMetric(float64(tp)/float64(to), "preinit/initialize")
	b.ReportMetric(float64(gp), "preinit-gas/job")
	b.ReportMetric(float64(go_), "initialize-gas/job")
}

// BenchmarkStore: storing the Go guest cold (compile) vs from the disk
// cache (a new Runtime over the same CacheDir) vs memory (same Runtime).
func BenchmarkStore(b *testing.B) {
	wasm := readTestdata(b, "goguest/goguest.wasm")
	ctx := context.Background()
	dir := b.TempDir()
	warm := newRuntime(b, Config{CacheDir: dir})
	if _, err := warm.Store(ctx, wasm); err != nil {
		b.Fatal(err)
	}
	var tDisk, tMem, tCID time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := pin.SumBytes(wasm); err != nil {
			b.Fatal(err)
		}
		tCID += time.Since(start)
		rt, err := New(ctx, Config{CacheDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if _, err := rt.Store(ctx, wasm); err != nil {
			b.Fatal(err)
		}
		tDisk += time.Since(start)
		start = time.Now()
		if _, err := rt.Store(ctx, wasm); err != nil {
			b.Fatal(err)
		}
		tMem += time.Since(start)
		_ = rt.Close(ctx)
	}
	b.ReportMetric(float64(tDisk.Milliseconds())/float64(b.N), "disk-hit-ms")
	b.ReportMetric(float64(tMem.Microseconds())/float64(b.N), "mem-hit-µs")
	b.ReportMetric(float64(tCID.Microseconds())/float64(b.N), "cid-µs")
}
