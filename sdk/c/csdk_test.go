package csdk_test

import (
	"bytes"
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
	"github.com/assaynet/assay/sdk/jcs"
)

// harness compiles testdata/sdktest.c with clang to wasm32 and stores it in
// a fresh sandbox; it skips without clang and wasm-ld.
type harness struct {
	t    *testing.T
	rt   *sandbox.Runtime
	code *sandbox.Code
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	for _, tool := range []string{"clang", "wasm-ld"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install clang lld, or make tools): skipping the C SDK tests", tool)
		}
	}
	out := filepath.Join(t.TempDir(), "sdktest.wasm")
	cmd := exec.Command("clang", "--target=wasm32", "-O2", "-nostdlib", "-mbulk-memory", "-msign-ext",
		"-Wall", "-Wextra", "-Werror", "-I", ".", "-Wl,--no-entry", "-Wl,--export=validate", "-Wl,--strip-all",
		"-o", out, "testdata/sdktest.c")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clang: %v\n%s", err, b)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	code, err := rt.Store(ctx, wasm)
	if err != nil {
		t.Fatalf("store-time check rejects the C SDK: %v", err)
	}
	return &harness{t: t, rt: rt, code: code}
}

// run runs one job on input and returns the accepted output.
func (h *harness) run(input []byte) string {
	h.t.Helper()
	res := h.rt.Run(context.Background(), h.code, sandbox.Job{Source: "csdk", Input: input, Height: 1, GasLimit: 200_000_000})
	if res.Status != abi.StatusAccepted {
		h.t.Fatalf("sdktest: %v %s %s", res.Status, res.Kind, res.Reason)
	}
	return string(res.Output)
}

// edgeFloats are values where shortest formatting and its ECMAScript
// layout are easy to get wrong.
func edgeFloats() []float64 {
	fs := []float64{
		0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 123.456, 5e-324, -5e-324,
		math.SmallestNonzeroFloat64 * 2, math.MaxFloat64, -math.MaxFloat64, 2.2250738585072014e-308,
		2.225073858507201e-308, 1e21, 1e21 - 65536, 9.999999999999999e20, 1e-6, 1e-7, 1.5e-7, 0.000001234,
		1e20, 123456789012345680000, 1e22, 1e23, 9007199254740992, 9007199254740993, 9007199254740991,
		1e18, -1e18, 999999999999999999, 1e17, 1e16, 4.35, 0.1 + 0.2, 5e-310, 1.7976931348623157e308 / 3,
		295147905179352830000, 4294967296, 4294967295.5, 1e300, 1e-300, 3.141592653589793, 2.718281828459045,
		1e15, 1e-5, 33333333.333333332, 0.000123, 1e-323, 8.41e21, 5.0e-324 * 3, 100, 1e2, 1e3 + 0.5,
		1 << 62, 1 << 63, 18446744073709551616, 1.2345678901234567e-100, 65.6, 0.5, 0.25, 1.5,
		math.Nextafter(1, 2), math.Nextafter(1, 0), math.Nextafter(1e21, 0), math.Nextafter(1e21, 2e21),
		math.Nextafter(1e-6, 0), math.Nextafter(1e-7, 1),
	}
	for e := -1074; e <= 1023; e += 7 {
		fs = append(fs, math.Ldexp(1, e), math.Nextafter(math.Ldexp(1, e), 0))
	}
	for e := -323; e <= 308; e += 3 {
		f, _ := strconv.ParseFloat(fmt.Sprintf("1e%d", e), 64)
		fs = append(fs, f, math.Nextafter(f, math.Inf(1)))
	}
	return fs
}

// randomFloats is a seeded sample: uniform bit patterns (every exponent
// alike), short decimals and integers.
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

// TestFormatF64MatchesJCS: assay_fmt_f64 writes exactly what sdk/jcs's
// AppendNumber (RFC 8785, via strconv's shortest round trip) writes, for
// edge cases and a seeded random sample of 12,000 doubles.
func TestFormatF64MatchesJCS(t *testing.T) {
	h := newHarness(t)
	fs := append(edgeFloats(), randomFloats(12000)...)
	fs = append(fs, math.NaN(), math.Inf(1), math.Inf(-1))
	const batch = 1500
	for start := 0; start < len(fs); start += batch {
		part := fs[start:min(start+batch, len(fs))]
		in := []byte{'F'}
		for _, f := range part {
			in = binary.LittleEndian.AppendUint64(in, math.Float64bits(f))
		}
		got := strings.Split(strings.TrimSuffix(h.run(in), "\n"), "\n")
		if len(got) != len(part) {
			t.Fatalf("batch %d: %d lines for %d values", start, len(got), len(part))
		}
		bad := 0
		for i, f := range part {
			if want := string(jcs.AppendNumber(nil, f)); got[i] != want {
				if bad++; bad <= 10 {
					t.Errorf("%v (bits %016x): C %q, jcs %q", f, math.Float64bits(f), got[i], want)
				}
			}
		}
	}
}

// midpoint returns the exact decimal text halfway between f and the next
// double up: the hardest inputs for correct rounding.
func midpoint(f float64) string {
	a := new(big.Float).SetPrec(2000).SetFloat64(f)
	b := new(big.Float).SetPrec(2000).SetFloat64(math.Nextafter(f, math.Inf(1)))
	m := new(big.Float).SetPrec(2000).Add(a, b)
	m.Quo(m, big.NewFloat(2))
	return m.Text('e', 800)
}

// TestParseF64MatchesStrconv: assay_json_f64 gives the bits of Go's
// strconv.ParseFloat for edge cases, exact midpoints between doubles,
// long digit strings and a seeded random sample.
func TestParseF64MatchesStrconv(t *testing.T) {
	h := newHarness(t)
	texts := []string{
		"0", "-0", "0.0", "1", "-1", "0.1", "1e308", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "1e309", "-1e309", "4.9e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1e-324", "1e-400", "2.2250738585072011e-308", "2.2250738585072012e-308",
		"9007199254740993", "9007199254740992.5", "123456789012345678901234567890", "0.000000000000000000001",
		"1E5", "1e+5", "1.5E-5", "100000000000000000000000", "7.7e22", "-0.0000", "0e99", "0.5e-323",
		"3.0000000000000004", "1" + strings.Repeat("0", 900), "0." + strings.Repeat("0", 330) + "1",
		"1." + strings.Repeat("0", 1000) + "1", "8.98846567431158e307", "1e22", "1e23",
	}
	for _, f := range append(edgeFloats(), randomFloats(3000)...) {
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
		in := append([]byte{'P'}, strings.Join(part, "\n")...)
		got := strings.Split(strings.TrimSuffix(h.run(in), "\n"), "\n")
		if len(got) != len(part) {
			t.Fatalf("batch %d: %d lines for %d texts", start, len(got), len(part))
		}
		bad := 0
		for i, s := range part {
			want := "range"
			if f, err := strconv.ParseFloat(s, 64); !math.IsInf(f, 0) {
				_ = err
				want = fmt.Sprintf("%016x", math.Float64bits(f))
			}
			if got[i] != want {
				if bad++; bad <= 10 {
					t.Errorf("%.60s: C %s, strconv %s", s, got[i], want)
				}
			}
		}
	}
}

// goTokens is the token dump sdktest writes, from sdk/jcs's parse.
func goTokens(b *bytes.Buffer, v jcs.Value) {
	switch v.Kind {
	case jcs.Null:
		b.WriteString("null\n")
	case jcs.Bool:
		fmt.Fprintf(b, "%v\n", v.Bool)
	case jcs.Number:
		b.Write(jcs.AppendNumber(nil, v.Num))
		b.WriteByte('\n')
	case jcs.String:
		b.Write(jcs.AppendString(nil, v.Str))
		b.WriteByte('\n')
	case jcs.Array:
		b.WriteString("[\n")
		for _, e := range v.Arr {
			goTokens(b, e)
		}
		b.WriteString("]\n")
	case jcs.Object:
		b.WriteString("{\n")
		for _, m := range v.Obj {
			b.WriteString("name ")
			b.Write(jcs.AppendString(nil, m.Name))
			b.WriteByte('\n')
			goTokens(b, m.Value)
		}
		b.WriteString("}\n")
	}
}

// TestReaderMatchesJCS: the C reader accepts what sdk/jcs.Parse accepts
// (duplicate names aside: the reader leaves them to the validator), with
// the same values, and rejects what it rejects, at the same offset for the
// errors both place alike.
func TestReaderMatchesJCS(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		in      string
		wantErr string // "offset message" of the C reader, "" when accepted
	}{
		{`{"a":[1,2.5,-0,1e],"b":true}`, "17 invalid number: no digits in exponent"},
		{` [ 1 , "x" , null , false , true , {} , [] ] `, ""},
		{`{"name":"\u00e9\ud83d\ude00\n\t\"\\\/","n":-12.5e-3}`, ""},
		{`"\u0001\u001f\u007f"`, ""},
		{`[1,2,]`, "5 unexpected character"},
		{`[1 2]`, "3 expected ',' or ']'"},
		{`{"a" 1}`, "5 expected ':' after member name"},
		{`{"a":1,}`, "7 expected a member name"},
		{`{1:2}`, "1 expected a member name"},
		{`[01]`, "2 expected ',' or ']'"},
		{`[1.]`, "3 invalid number: no digits after '.'"},
		{`-`, "1 invalid number"},
		{`"abc`, "4 unterminated string"},
		{"\"a\x01\"", "2 control character in string"},
		{`"\x"`, "1 invalid escape"},
		{`"\ud800"`, "1 lone surrogate"},
		{`"\udc00\ud800"`, "1 lone surrogate"},
		{`"\u12"`, "1 invalid \\u escape"},
		{"\"\xff\"", "1 invalid UTF-8"},
		{"\"\xc0\xaf\"", "1 invalid UTF-8"},
		{"\"\xed\xa0\x80\"", "1 invalid UTF-8"},
		{`[] []`, "3 trailing data after the JSON value"},
		{``, "0 unexpected end of input"},
		{`[`, "1 unexpected end of input"},
		{`[1,`, "3 unexpected end of input"},
		{`tru`, "0 unexpected character"},
		{`nul`, "0 unexpected character"},
		{strings.Repeat("[", 64) + strings.Repeat("]", 64), ""},
		{strings.Repeat("[", 65) + strings.Repeat("]", 65), "64 nesting too deep"},
		{`1e999`, ""},
		{`[123456789012345678901234567890, 0.1e-400, 5e-324]`, ""},
	}
	for _, tt := range tests {
		got := h.run(append([]byte{'J'}, tt.in...))
		v, err := jcs.Parse([]byte(tt.in), jcs.DefaultLimits())
		if tt.in == `1e999` { // out of range: jcs rejects it at the number
			if err == nil || got != "E number out of range\n" {
				t.Errorf("%s: C %q, jcs %v", tt.in, got, err)
			}
			continue
		}
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%.40s: jcs rejects: %v", tt.in, err)
				continue
			}
			var want bytes.Buffer
			goTokens(&want, v)
			if got != want.String() {
				t.Errorf("%.40s: C tokens\n%s\njcs tokens\n%s", tt.in, got, want.String())
			}
			continue
		}
		if err == nil {
			t.Errorf("%.40s: jcs accepts", tt.in)
		}
		if i := strings.LastIndex(strings.TrimSuffix(got, "\n"), "\n"); i >= 0 {
			got = got[i+1:] // the tokens before the error are not compared
		}
		if want := "E " + tt.wantErr + "\n"; got != want {
			t.Errorf("%.40s: C %q, want %q (jcs: %v)", tt.in, got, want, err)
		}
	}
}

// TestESIntegersMatchJCS: the C writer and sdk/jcs.AppendNumber both
// write node's String(x) for the doubles of sdk/jcs's ECMAScript golden
// table (integers of 50 to 76 bits, powers of two and ten and their
// neighbours): integers beyond 2^53 get their shortest round-trip digits,
// 2^55 is 36028797018963970.
func TestESIntegersMatchJCS(t *testing.T) {
	h := newHarness(t)
	data, err := os.ReadFile("../jcs/testdata/es_numbers.txt")
	if err != nil {
		t.Fatal(err)
	}
	var fs []float64
	var want []string
	in := []byte{'F'}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		hex, text, _ := strings.Cut(line, " ")
		bits, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			t.Fatalf("es_numbers.txt: %q: %v", line, err)
		}
		fs, want = append(fs, math.Float64frombits(bits)), append(want, text)
		in = binary.LittleEndian.AppendUint64(in, bits)
	}
	got := strings.Split(strings.TrimSuffix(h.run(in), "\n"), "\n")
	if len(got) != len(fs) {
		t.Fatalf("%d lines for %d values", len(got), len(fs))
	}
	bad := 0
	for i, f := range fs {
		j := string(jcs.AppendNumber(nil, f))
		if got[i] != want[i] || j != want[i] {
			if bad++; bad <= 10 {
				t.Errorf("%v (bits %016x): C %q, jcs %q, ECMAScript %q", f, math.Float64bits(f), got[i], j, want[i])
			}
		}
	}
}
