package csdk_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/assaynet/assay/internal/numtest"
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

// lines runs one job on input and returns the output's lines.
func (h *harness) lines(input []byte) []string {
	h.t.Helper()
	return strings.Split(strings.TrimSuffix(h.run(input), "\n"), "\n")
}

// TestFormatF64MatchesJCS: assay_fmt_f64 writes exactly what sdk/jcs's
// AppendNumber (RFC 8785, via strconv's shortest round trip) writes, for
// edge cases and a seeded random sample of 12,000 doubles.
func TestFormatF64MatchesJCS(t *testing.T) {
	h := newHarness(t)
	fs := append(numtest.EdgeFloats(), numtest.RandomFloats(12000)...)
	fs = append(fs, math.NaN(), math.Inf(1), math.Inf(-1))
	numtest.CheckFormat(t, h.lines, "C", fs, 1500, func(f float64) string { return string(jcs.AppendNumber(nil, f)) })
}

// TestParseF64MatchesStrconv: assay_json_f64 gives the bits of Go's
// strconv.ParseFloat for edge cases, exact midpoints between doubles,
// long digit strings and a seeded random sample.
func TestParseF64MatchesStrconv(t *testing.T) {
	h := newHarness(t)
	numtest.CheckParse(t, h.lines, "C", numtest.ParseTexts(3000), 100)
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
