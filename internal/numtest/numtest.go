// Package numtest checks a guest's number conversions against Go's
// strconv: the shared driver of the C SDK's tests (sdk/c) and the
// AssemblyScript SDK's (validators/ohlcv-as). The guest speaks one
// protocol: input 'F' + little-endian doubles gives one formatted number
// a line; input 'P' + number texts, one a line, gives for each the 16 hex
// digits of the double it reads, or "range" for ±Inf.
package numtest

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// Run runs one job of the guest on input and returns its output lines.
type Run func(input []byte) []string

// EdgeFloats are doubles where reading and shortest printing (and its
// ECMAScript layout) are easy to get wrong: powers of two and ten and
// their neighbours, subnormals, the largest double, 17-digit values.
func EdgeFloats() []float64 {
	fs := []float64{
		0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 123.456, 5e-324, -5e-324,
		math.SmallestNonzeroFloat64 * 2, math.MaxFloat64, -math.MaxFloat64, 2.2250738585072014e-308,
		2.225073858507201e-308, 1e21, 1e21 - 65536, 9.999999999999999e20, 1e-6, 1e-7, 1.5e-7, 0.000001234,
		1e20, 123456789012345680000, 1e22, 1e23, 9007199254740992, 9007199254740993, 9007199254740991,
		1e18, -1e18, 999999999999999999, 1e17, 1e16, 4.35, 0.1 + 0.2, 5e-310, 1.7976931348623157e308 / 3,
		295147905179352830000, 4294967296, 4294967295.5, 1e300, 1e-300, 3.141592653589793, 2.718281828459045,
		1e15, 1e-5, 33333333.333333332, 0.000123, 1e-323, 8.41e21, 5.0e-324 * 3, 100, 1e2, 1e3 + 0.5,
		1 << 62, 1 << 63, 18446744073709551616, 1.2345678901234567e-100, 65.6, 0.5, 0.25, 1.5,
		1e44, 1.2345678901234567e-5, 0.30000000000000004,
		math.Nextafter(1, 2), math.Nextafter(1, 0), math.Nextafter(1e21, 0), math.Nextafter(1e21, 2e21),
		math.Nextafter(1e-6, 0), math.Nextafter(1e-7, 1),
	}
	for e := -1074; e <= 1023; e += 7 {
		fs = append(fs, math.Ldexp(1, e), math.Nextafter(math.Ldexp(1, e), 0))
	}
	// Every third and every fifth power of ten (the C and AS tests'
	// former samples).
	for e := -323; e <= 308; e++ {
		if (e+323)%3 == 0 || (e+323)%5 == 0 {
			f, _ := strconv.ParseFloat(fmt.Sprintf("1e%d", e), 64)
			fs = append(fs, f, math.Nextafter(f, math.Inf(1)))
		}
	}
	return fs
}

// RandomFloats is a seeded sample of n finite doubles: uniform bit
// patterns (every exponent alike), short decimals and scaled integers.
func RandomFloats(n int) []float64 {
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

// Midpoint is the exact decimal text halfway between f and the next
// double up: the hardest inputs for correct rounding.
func Midpoint(f float64) string {
	a := new(big.Float).SetPrec(2000).SetFloat64(f)
	b := new(big.Float).SetPrec(2000).SetFloat64(math.Nextafter(f, math.Inf(1)))
	m := new(big.Float).SetPrec(2000).Add(a, b)
	m.Quo(m, big.NewFloat(2))
	return m.Text('e', 800)
}

// ParseTexts are number texts to read: edge cases, the shortest texts of
// EdgeFloats and of nRandom RandomFloats, exact midpoints between doubles
// and long digit strings (seeded).
func ParseTexts(nRandom int) []string {
	texts := []string{
		"0", "-0", "0.0", "1", "-1", "0.1", "1e308", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "1e309", "-1e309", "4.9e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "1e-324", "1e-400", "2.2250738585072011e-308", "2.2250738585072012e-308",
		"9007199254740993", "9007199254740992.5", "123456789012345678901234567890", "0.000000000000000000001",
		"1E5", "1e+5", "1.5E-5", "100000000000000000000000", "7.7e22", "-0.0000", "0e99", "0.5e-323",
		"3.0000000000000004", "0.30000000000000004", "100000000000000000000000000000000000000000001",
		"1e99999999999999999999", "1" + strings.Repeat("0", 900), "0." + strings.Repeat("0", 330) + "1",
		"1." + strings.Repeat("0", 1000) + "1", "8.98846567431158e307", "1e22", "1e23",
	}
	for _, f := range append(EdgeFloats(), RandomFloats(nRandom)...) {
		texts = append(texts, strconv.FormatFloat(f, 'g', -1, 64))
	}
	r := rand.New(rand.NewSource(9))
	for i := 0; i < 60; i++ {
		f := math.Abs(math.Float64frombits(r.Uint64()))
		if math.IsNaN(f) || math.IsInf(f, 0) || f == math.MaxFloat64 {
			continue
		}
		texts = append(texts, Midpoint(f))
	}
	for i := 0; i < 600; i++ {
		digits := make([]byte, 1+r.Intn(30))
		for j := range digits {
			digits[j] = byte('0' + r.Intn(10))
		}
		texts = append(texts, fmt.Sprintf("%s.%se%d", digits[:1], digits[1:], r.Intn(660)-330))
	}
	return texts
}

// CheckFormat has the guest (named lang in failures) format fs in batches
// and fails t for each line that is not want(f).
func CheckFormat(t *testing.T, run Run, lang string, fs []float64, batch int, want func(float64) string) {
	t.Helper()
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
			if w := want(f); got[i] != w {
				if bad++; bad <= 10 {
					t.Errorf("%v (bits %016x): %s %q, want %q", f, math.Float64bits(f), lang, got[i], w)
				}
			}
		}
	}
}

// CheckParse has the guest (named lang in failures) read texts in
// batches and fails t for each that does not give the bits of Go's
// strconv.ParseFloat ("range" for ±Inf).
func CheckParse(t *testing.T, run Run, lang string, texts []string, batch int) {
	t.Helper()
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
					t.Errorf("%.60s: %s %s, strconv %s", s, lang, got[i], want)
				}
			}
		}
	}
}
