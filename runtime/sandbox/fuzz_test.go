package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
)

// FuzzDecompress: any bytes give the bytes back, a bounded decompression
// or an error; never a panic or more than max bytes.
func FuzzDecompress(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Add(gz(f, []byte("\x00asm\x01\x00\x00\x00")))
	f.Add(gz(f, make([]byte, 5000)))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		const max = 4096
		out, err := Decompress(b, max)
		if err != nil {
			return
		}
		if len(out) > max {
			t.Fatalf("%d bytes > %d", len(out), max)
		}
	})
}

// FuzzRunABI drives the ABI guest with arbitrary params, input and limits:
// every job ends with a valid verdict, the same on a second run.
func FuzzRunABI(f *testing.F) {
	rt := newRuntime(f, Config{})
	code, err := rt.Store(context.Background(), readTestdata(f, "abi.wasm"))
	if err != nil {
		f.Fatal(err)
	}
	for sel := range 24 {
		if sel == 12 || sel == 18 {
			continue // loops until gas runs out: fine, just slow as seeds
		}
		f.Add([]byte{byte(sel), 1, 2}, []byte("input"), uint64(100_000), uint16(64))
	}
	f.Fuzz(func(t *testing.T, params, input []byte, gas uint64, maxOut uint16) {
		job := Job{Params: params, Input: input, GasLimit: gas % 2_000_000, MaxOutput: int(maxOut) + 1}
		res := rt.Run(context.Background(), code, job)
		if res.Status == abi.StatusUnavailable || res.Status == abi.StatusUnknown {
			t.Fatalf("status %v err %v", res.Status, res.Err)
		}
		if res.GasUsed > job.GasLimit {
			t.Fatalf("gas used %d > limit %d", res.GasUsed, job.GasLimit)
		}
		if res.Status == abi.StatusFailed && res.Kind == abi.KindTrapPrefix+TrapUnknown {
			t.Fatalf("unknown trap")
		}
		if again := rt.Run(context.Background(), code, job); verdict(again) != verdict(res) {
			t.Fatalf("second run %s, first %s", verdict(again), verdict(res))
		}
	})
}

// TestRandStreamVector pins the random_get stream (consensus).
func TestRandStreamVector(t *testing.T) {
	seed := sha256.Sum256([]byte("assay/random/v1\x00\x00\x00\x03abc\x00\x00\x00\x00\x00\x00\x00\x07"))
	var want []byte
	for i := range 3 {
		blk := sha256.Sum256(append(seed[:], 0, 0, 0, 0, 0, 0, 0, byte(i)))
		want = append(want, blk[:]...)
	}
	r := newRandStream("abc", 7)
	got := make([]byte, 0, 96)
	for _, n := range []int{1, 31, 0, 33, 31} { // reads across block boundaries
		b := make([]byte, n)
		r.read(b)
		got = append(got, b...)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("stream %x\nwant   %x", got, want)
	}
}
