package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/abi"
)

// TestPreinitEnvironment: _initialize runs once at store time in the
// documented environment (random_get = the stream of source "" and
// height 0, realtime InitRealtime, monotonic MonotonicStart), its memory
// (grown past the declared minimum) and a non-exported mutable global
// reach every job, whose realtime clock starts at the round time and whose
// monotonic clock continues from where _initialize left it; both engines
// give the same bytes and gas.
func TestPreinitEnvironment(t *testing.T) {
	ctx := context.Background()
	var want []byte
	want = append(want, initRandom(8)...)
	want = binary.LittleEndian.AppendUint64(want, InitRealtime)
	want = binary.LittleEndian.AppendUint64(want, MonotonicStart)
	want = binary.LittleEndian.AppendUint32(want, 7)
	want = binary.LittleEndian.AppendUint32(want, 0)
	want = binary.LittleEndian.AppendUint32(want, 0x2a2a2a2a)
	want = binary.LittleEndian.AppendUint32(want, 0)
	const roundTime = 1_700_000_000_000_000_000
	want = binary.LittleEndian.AppendUint64(want, roundTime)
	want = binary.LittleEndian.AppendUint64(want, MonotonicStart)
	var gas []uint64
	for _, eng := range engines {
		rt := newRuntime(t, Config{Engine: eng})
		code, err := rt.Store(ctx, readTestdata(t, "initenv.wasm"))
		if err != nil {
			t.Fatalf("%v: %v", eng, err)
		}
		if !code.Preinitialized || code.InitGas == 0 {
			t.Fatalf("%v: Preinitialized %v InitGas %d", eng, code.Preinitialized, code.InitGas)
		}
		for _, src := range []string{"a", "b"} {
			res := rt.Run(ctx, code, Job{Source: src, Height: 9, Time: roundTime, GasLimit: 100_000})
			if res.Status != abi.StatusAccepted || string(res.Output) != string(want) {
				t.Fatalf("%v: %s\n got %x\nwant %x", eng, verdict(res), res.Output, want)
			}
			gas = append(gas, res.GasUsed)
		}
		// The image holds 2 pages: a job allowed 1 fails memory_limit.
		res := rt.Run(ctx, code, Job{GasLimit: 100_000, MemoryPages: 1})
		checkResult(t, res, abi.StatusFailed, abi.KindMemoryLimit, []byte(abi.KindMemoryLimit), 0)
	}
	for _, g := range gas[1:] {
		if g != gas[0] {
			t.Errorf("gas %v: not one number", gas)
		}
	}
}

// initRandom is the first n bytes of the initialization random stream,
// computed from docs/abi.md's definition.
func initRandom(n int) []byte {
	h := sha256.New()
	h.Write([]byte("assay/random/v1"))
	h.Write([]byte{0, 0, 0, 0})             // len("")
	h.Write([]byte{0, 0, 0, 0, 0, 0, 0, 0}) // height 0
	seed := h.Sum(nil)
	block := sha256.Sum256(append(seed, 0, 0, 0, 0, 0, 0, 0, 0))
	return block[:n]
}

// TestPreinitRejects: an initializer that traps, loops past the bound,
// asks for the job's input or is not deterministic gets no image: Store
// keeps the module with PreinitError (ErrInit and a reason naming the
// cause) and its jobs give exactly the verdict and gas of a runtime
// without pre-initialization, on both engines. (The chain refuses such
// code at StoreCode; this is what a node does with code stored before.)
func TestPreinitRejects(t *testing.T) {
	tests := []struct {
		name, module string
		sources      [2]string // the two runs' random seeds
		want         string
	}{
		{"trap", "init_trap.wasm", [2]string{}, "_initialize ended FAILED trap:unreachable"},
		{"loop", "init_loop.wasm", [2]string{}, "ran past the initialization gas bound of 100000000"},
		{"input", "init_input.wasm", [2]string{}, "_initialize called assay.input_len, which only a job may call"},
		// The environment is fixed, so no initializer can see two
		// different values; the seeds are varied here to prove the
		// comparison catches one that does.
		{"nondeterministic", "initenv.wasm", [2]string{"", "other"}, "not deterministic: two runs in the same initialization environment left memories differing near byte 0"},
	}
	for _, tt := range tests {
		for _, eng := range engines {
			t.Run(tt.name+"/"+eng.String(), func(t *testing.T) {
				ctx := context.Background()
				rt, old := newRuntime(t, Config{Engine: eng}), newRuntime(t, Config{Engine: eng})
				rt.initSource, old.noPreinit = tt.sources, true
				c, err := rt.Store(ctx, readTestdata(t, tt.module))
				if err != nil {
					t.Fatalf("Store: %v (a module whose pre-initialization fails is stored without an image)", err)
				}
				if c.Preinitialized || !errors.Is(c.PreinitError, ErrInit) || !strings.Contains(c.PreinitError.Error(), tt.want) {
					t.Fatalf("Preinitialized %v, PreinitError %v, want ErrInit containing %q", c.Preinitialized, c.PreinitError, tt.want)
				}
				// Its jobs run _initialize themselves: the same verdict and
				// gas as a runtime without pre-initialization.
				co, err := old.Store(ctx, readTestdata(t, tt.module))
				if err != nil {
					t.Fatal(err)
				}
				job := Job{Input: []byte("1"), GasLimit: 10_000_000}
				got, want := rt.Run(ctx, c, job), old.Run(ctx, co, job)
				if got.Status != want.Status || got.Kind != want.Kind || got.GasUsed != want.GasUsed || !bytes.Equal(got.Output, want.Output) {
					t.Fatalf("job: %s %s gas %d, without pre-initialization %s %s gas %d", got.Status, got.Kind, got.GasUsed, want.Status, want.Kind, want.GasUsed)
				}
			})
		}
	}
}

// TestPreinitGoGuest: the Go guest's job costs under 100,000 gas from the
// image (about 1.8M re-running _initialize), with the same verdict and
// output as without pre-initialization, and the same gas whatever the
// source and height, on both engines.
func TestPreinitGoGuest(t *testing.T) {
	ctx := context.Background()
	jobs := []Job{{Input: []byte("1")}, {Input: jsonDoc(20)}, {Input: []byte(`{"a":`)}}
	var gasPre []uint64
	for _, eng := range engines {
		pre, old := newRuntime(t, Config{Engine: eng}), newRuntime(t, Config{Engine: eng})
		old.noPreinit = true
		cp, err := pre.Store(ctx, readTestdata(t, "goguest/goguest.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		co, err := old.Store(ctx, readTestdata(t, "goguest/goguest.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		if !cp.Preinitialized || co.Preinitialized {
			t.Fatalf("Preinitialized %v / %v", cp.Preinitialized, co.Preinitialized)
		}
		for i, job := range jobs {
			job.GasLimit, job.Time = DefaultMaxGas, 1_700_000_000_000_000_000
			for _, src := range []string{"go", "other/source"} {
				for _, h := range []int64{1, 98765} {
					job.Source, job.Height = src, h
					a, b := pre.Run(ctx, cp, job), old.Run(ctx, co, job)
					if a.Status != b.Status || string(a.Output) != string(b.Output) || a.Kind != b.Kind {
						t.Fatalf("%v job %d: pre-initialized %s, per-job _initialize %s", eng, i, verdict(a), verdict(b))
					}
					if i == 0 && a.GasUsed > 100_000 {
						t.Errorf("%v: trivial job used %d gas, want <= 100000 (per-job _initialize: %d)", eng, a.GasUsed, b.GasUsed)
					}
					if i == 0 && eng == EngineCompiler && src == "go" && h == 1 {
						t.Logf("trivial job: %d gas pre-initialized, %d re-running _initialize (%d at store time)", a.GasUsed, b.GasUsed, cp.InitGas)
					}
					gasPre = append(gasPre, a.GasUsed)
				}
			}
		}
	}
	// Per engine: 3 jobs × 4 (source, height); both engines alike.
	for i := range gasPre {
		if k := i % 12; gasPre[i] != gasPre[k/4*4] || gasPre[i] != gasPre[k] {
			t.Fatalf("gas %v: varies with source, height or engine", gasPre)
		}
	}
}

// TestPreinitUnavailableNotKept: a pre-initialization the node stops
// (Interrupt and a context that ends) is UNAVAILABLE and keeps nothing,
// so storing the module again runs it and gives the module's own answer.
func TestPreinitUnavailableNotKept(t *testing.T) {
	rt := newRuntime(t, Config{Interrupt: true})
	rt.initGas = 1 << 40 // the loop outlives the context, not the gas
	wasm := readTestdata(t, "init_loop.wasm")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := rt.Store(ctx, wasm); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("stopped Store: err %v, want ErrUnavailable", err)
	}
	rt.initGas = 1_000
	code, err := rt.Store(context.Background(), wasm)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(code.PreinitError, ErrInit) || errors.Is(code.PreinitError, ErrUnavailable) {
		t.Fatalf("PreinitError %v, want the module's own ErrInit", code.PreinitError)
	}
}
