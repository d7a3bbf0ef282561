//go:build !wasip1

package ohlcvas

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/sandbox"
)

// numHarness builds sdk/as/testdata/numtest.ts (sdk/as/assembly/num.ts
// behind the ABI) with sdk/as's pinned asc and runs jobs on it. It skips
// without the compiler.
func numHarness(t *testing.T) func(input []byte) []string {
	t.Helper()
	const sdk = "../../sdk/as"
	if _, err := os.Stat(sdk + "/node_modules/.bin/asc"); err != nil {
		t.Skip("assemblyscript not installed in sdk/as (make tools, or npm ci in sdk/as): skipping the number tests")
	}
	out := filepath.Join(t.TempDir(), "numtest.wasm")
	cmd := exec.Command("node_modules/.bin/asc", "testdata/numtest.ts", "--runtime", "stub", "--use", "abort=testdata/numtest/abortTrap",
		"--exportStart", "_initialize", "-O3", "--noAssert", "-o", out)
	cmd.Dir = sdk
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("asc: %v\n%s", err, b)
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	return func(input []byte) []string {
		t.Helper()
		res := rt.Run(ctx, code, sandbox.Job{Source: "num", Input: input, Height: 1, GasLimit: 200_000_000})
		if res.Status != abi.StatusAccepted {
			t.Fatalf("numtest: %v %s %s %v", res.Status, res.Kind, res.Reason, res.Err)
		}
		return strings.Split(strings.TrimSuffix(string(res.Output), "\n"), "\n")
	}
}

// edgeFloats are doubles where reading and shortest printing are easy to
// get wrong: powers of two and ten and their neighbours, subnormals, the
// largest double, 17-digit values.
func edgeFloats() []float64 {
	fs := []float64{
		0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 5e-324, -5e-324, 1e-323,
		math.MaxFloat64, -math.MaxFloat64, 2.2250738585072014e-308, 2.225073858507201e-308, 1e21, 1e22, 1e23,
		9007199254740993, 9007199254740991, 1e44, 1.2345678901234567e-5, 0.30000000000000004, 5e-310,
		math.Nextafter(1, 2), math.Nextafter(1, 0), 4.35, 33333333.333333332, 295147905179352830000,
	}
	for e := -1074; e <= 1023; e += 7 {
		fs = append(fs, math.Ldexp(1, e), math.Nextafter(math.Ldexp(1, e), 0))
	}
	for e := -323; e <= 308; e += 5 {
		f, _ := strconv.ParseFloat(fmt.Sprintf("1e%d", e), 64)
		fs = append(fs, f, math.Nextafter(f, math.Inf(1)))
	}
	return fs
}

// randomFloats is a seeded sample: uniform bit patterns, short decimals
// and scaled integers.
func randomFloats(n int) []float64 {
	r := rand.New(rand.NewSource(8785))
	var fs []float64
	for len(fs) < n {
		var f float64
		switch len(fs) % 4 {
		case 0, 1:
			f = math.Float64frombits(r.Uint64())
		case 2:
			f, _ = strconv.ParseFloat(fmt.Sprintf("%d.%de%d", r.Intn(100000), r.Intn(1000), r.Intn(40)-20), 64)
		default:
			f = float64(r.Int63n(1<<62)) * math.Pow(2, float64(r.Intn(20)-10))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		fs = append(fs, f)
	}
	return fs
}

// TestFormatEMatchesStrconv: num.ts's formatE writes what Go's
// strconv.FormatFloat(f, 'e', -1, 64) writes (the shortest digits that
// read back, the nearest of them), which sdk/dec.FromFloat and so the Go
// validator use, for edge cases and a seeded sample of 3,000 doubles.
func TestFormatEMatchesStrconv(t *testing.T) {
	run := numHarness(t)
	fs := append(edgeFloats(), randomFloats(3000)...)
	const batch = 500
	for start := 0; start < len(fs); start += batch {
		part := fs[start:min(start+batch, len(fs))]
		in := []byte{'F'}
		for _, f := range part {
			in = binary.LittleEndian.AppendUint64(in, math.Float64bits(f))
		}
		got := run(in)
		if len(got) != len(part) {
			t.Fatalf("batch %d: %d lines for %d values", start, len(got), len(part))
		}
		bad := 0
		for i, f := range part {
			if want := strconv.FormatFloat(f, 'e', -1, 64); got[i] != want {
				if bad++; bad <= 10 {
					t.Errorf("%v (bits %016x): AS %q, strconv %q", f, math.Float64bits(f), got[i], want)
				}
			}
		}
	}
}

// midpoint is the exact decimal halfway between f and the next double up.
func midpoint(f float64) string {
	a := new(big.Float).SetPrec(2000).SetFloat64(f)
	b := new(big.Float).SetPrec(2000).SetFloat64(math.Nextafter(f, math.Inf(1)))
	m := new(big.Float).SetPrec(2000).Add(a, b)
	m.Quo(m, big.NewFloat(2))
	return m.Text('e', 800)
}

// TestParseF64MatchesStrconv: num.ts's parseF64 reads JSON number text to
// the bits of Go's strconv.ParseFloat (±Inf: out of range), for edge
// cases, exact midpoints between doubles, long digit strings and a seeded
// sample.
func TestParseF64MatchesStrconv(t *testing.T) {
	run := numHarness(t)
	texts := []string{
		"0", "-0", "0.0", "1", "-1", "0.1", "1e308", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "1e309", "-1e309", "4.9e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1e-324", "1e-400", "2.2250738585072011e-308", "2.2250738585072012e-308",
		"9007199254740993", "9007199254740992.5", "123456789012345678901234567890", "0.000000000000000000001",
		"1E5", "1e+5", "1.5E-5", "100000000000000000000000", "7.7e22", "-0.0000", "0e99", "0.5e-323",
		"0.30000000000000004", "100000000000000000000000000000000000000000001", "1e99999999999999999999",
		"1" + strings.Repeat("0", 900), "0." + strings.Repeat("0", 330) + "1", "1." + strings.Repeat("0", 1000) + "1",
	}
	for _, f := range append(edgeFloats(), randomFloats(2000)...) {
		texts = append(texts, strconv.FormatFloat(f, 'g', -1, 64))
	}
	r := rand.New(rand.NewSource(9))
	for i := 0; i < 60; i++ {
		f := math.Abs(math.Float64frombits(r.Uint64()))
		if math.IsNaN(f) || math.IsInf(f, 0) || f == math.MaxFloat64 {
			continue
		}
		texts = append(texts, midpoint(f))
	}
	for i := 0; i < 600; i++ {
		digits := make([]byte, 1+r.Intn(30))
		for j := range digits {
			digits[j] = byte('0' + r.Intn(10))
		}
		texts = append(texts, fmt.Sprintf("%s.%se%d", digits[:1], digits[1:], r.Intn(660)-330))
	}
	const batch = 100
	for start := 0; start < len(texts); start += batch {
		part := texts[start:min(start+batch, len(texts))]
		got := run(append([]byte{'P'}, strings.Join(part, "\n")...))
		if len(got) != len(part) {
			t.Fatalf("batch %d: %d lines for %d texts", start, len(got), len(part))
		}
		bad := 0
		for i, s := range part {
			want := "range"
			if f, _ := strconv.ParseFloat(s, 64); !math.IsInf(f, 0) {
				want = fmt.Sprintf("%016x", math.Float64bits(f))
			}
			if got[i] != want {
				if bad++; bad <= 10 {
					t.Errorf("%.60s: AS %s, strconv %s", s, got[i], want)
				}
			}
		}
	}
}
