//go:build !wasip1

// Package porttest holds the test code shared by the ports of
// validators/ohlcv to the other SDKs (validators/ohlcv-c, ohlcv-rust,
// ohlcv-as): the Go module is the reference, and a port must give the same
// verdict and bytes on the same job.
package porttest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/assaynet/assay/runtime/sandbox"
)

// GoModule is the reference module, relative to a port's directory.
const GoModule = "../ohlcv/ohlcv.wasm"

// Case is one job: the source's params and the fetched input.
type Case struct{ Params, Input string }

const win = `"window_start":1699999500,"window_end":1699999800`

// Cases returns inputs and params the fixtures do not cover.
func Cases() []Case {
	const o = "0.30000000000000004"
	return []Case{
		{`{"symbol":"ETH-USD",` + win + `}`, `[[1699999500,1.5e3,"2e3","1000.0",1.25e3,"0.000"]]`},
		{`{"symbol":"X","interval":60,` + win + `,"complete":true}`, `[[1699999500,1,1,1,1,1]]`},
		{`{"symbol":"X","interval":60,"window":300,"time_unit":"ms"}`, `[[1699999560000,1,1,1,1,1]]`},
		{`{"symbol":"X\u00e9\"",` + win + `}`, `[{"v":0.1,"t":1699999501,"o":` + o + `,"h":1e2,"l":1e-7,"c":50}]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500.5,1,1,1,1,1]]`},
		{`{"symbol":"X",` + win + `}`, `{"a":1}`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,null,1,1,1,1]]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,"1x",1,1,1,1]]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,1,1,1,1,1],]`},
		{`{"symbol":"X",` + win + `}`, `[{"t":1699999500,"o":1,"h":1,"l":1,"c":1,"c":1}]`},
		{`{"symbol":"X",` + win + `}`, `[[1699999500,1,1,1,1,1e999]]`},
		{`{"symbol":"X",` + win + `}`, `["\ud800"]`},
		{`{"symbol":"X",` + win + `}`, `[{"t":1699999500,"o":1,"h":1,"l":1,"c":1,"x":1}]`},
		{`{"symbol":"X",` + win + `,"max_candles":1}`, `[[1699999500,1,1,1,1,1],[1699999501,1,1,1,1,1]]`},
		{`{"symbol":"X","window_start":5,"window_end":5}`, `[]`},
		{`{"window":60}`, `[]`},
		// Integers beyond 2^53 are written as ECMAScript does: 2^55 is
		// 36028797018963970, -2^59 is -576460752303423500.
		{`{"symbol":"X","window_start":36028797018963968,"window_end":36028797018964968}`, `[[36028797018963968,1,1,1,1,1]]`},
		{`{"symbol":"X","interval":1024,"window_start":-576460752303423488,"window_end":-576460752303420416}`,
			`[[-576460752303423488,2,2,2,2,2],[-576460752303422464,1,1,1,1,1]]`},
	}
}

// SameAsGo runs GoModule and the port on each case and wants the same
// verdict and output bytes (a rejection's output is its reason).
func SameAsGo(t *testing.T, port string, cases []Case) {
	t.Helper()
	goWasm, err := os.ReadFile(GoModule)
	if err != nil {
		t.Fatal(err)
	}
	portWasm, err := os.ReadFile(port)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	goCode, err := rt.Store(ctx, goWasm)
	if err != nil {
		t.Fatal(err)
	}
	portCode, err := rt.Store(ctx, portWasm)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		job := sandbox.Job{Source: "same", Input: []byte(c.Input), Params: []byte(c.Params), Height: 1,
			Time: 1_700_000_000_000_000_000, GasLimit: 200_000_000}
		want := rt.Run(ctx, goCode, job)
		got := rt.Run(ctx, portCode, job)
		if got.Status != want.Status || !bytes.Equal(got.Output, want.Output) {
			t.Errorf("case %d: params %q input %q:\n port %v %q\n   go %v %q", i, clip(c.Params), clip(c.Input), got.Status, got.Output, want.Status, want.Output)
		}
	}
}

// SameReasons runs ReasonCases on the port: the same verdict, reason and
// output bytes as GoModule on every job. Every port passes it strictly
// (no exceptions): it is the one entry each port's TestSameReasonsAsGo
// calls.
func SameReasons(t *testing.T, port string) {
	t.Helper()
	SameAsGo(t, port, ReasonCases())
}

// Rebuild runs `make -s -B OUT=...` in dir twice, each time into a new
// temp dir, and wants both builds equal to the committed module want (a
// path in dir). It skips, naming the missing tool, when one of tools is
// not installed.
func Rebuild(t *testing.T, dir, want string, tools ...string) {
	t.Helper()
	for _, tool := range append(tools, "make") {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (make tools): skipping the rebuild of %s", tool, want)
		}
	}
	committed, err := os.ReadFile(filepath.Join(dir, want))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		out := filepath.Join(t.TempDir(), "out.wasm")
		cmd := exec.Command("make", "-s", "-B", "-C", dir, "OUT="+out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make: %v\n%s", err, b)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, committed) {
			t.Fatalf("build %d gives %d bytes that differ from the committed %d of %s: run make validators", i, len(got), len(committed), want)
		}
	}
}

// BuildCopy copies files (paths from the repository root, which is ../..
// from a port's directory) into a new temp tree, runs `make -s -B -C dir
// OUT=...` there and returns the module: a build that does not live where
// the checkout does.
func BuildCopy(t *testing.T, dir string, files ...string) []byte {
	t.Helper()
	root := t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "out.wasm")
	if b, err := exec.Command("make", "-s", "-B", "-C", filepath.Join(root, dir), "OUT="+out).CombinedOutput(); err != nil {
		t.Fatalf("make in %s: %v\n%s", root, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ReadFile returns the file's bytes or fails t.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ReasonCases are jobs the Go program rejects (and a few it accepts) for
// every reason it has: sdk/jcs's syntax errors with their offsets, limits
// and duplicate names; sdk/dec's range and syntax errors; encoding/json's
// type and unknown-field errors on params; each check of a candle. A port
// that copies the Go program's reasons byte for byte passes them all.
func ReasonCases() []Case {
	p := `{"symbol":"X",` + win + `}`
	long := strings.Repeat("1", 50)
	var big strings.Builder
	big.WriteString(`[{`)
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&big, `"k%d":%d,`, i, i)
	}
	big.WriteString(`"k3":0}]`)
	var many strings.Builder
	many.WriteString(`[{`)
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&many, `"k%d":{"k%d":1},`, i, i)
	}
	many.WriteString(`"end":0}]`)
	inputs := []string{
		``, `  `, `[1,2`, `[1 2]`, `[x]`, "[\xc3\xa9]", "[\x00]", `[']`, `[\]`, `[tru]`,
		"[\"a\x01\"]", "[\"a\x1f\"]", `["\q"]`, "[\"\\\xc3\xa9\"]", `["\u12"]`, `["\u12zz"]`,
		`["\udc00"]`, `["\ud800\u0041"]`, `["\ud800\udcZZ"]`, `["\ud800`, "[\"\xff\"]", "[\"\xe0\x80\x80\"]",
		`{`, `{"a":1,`, `{"a"`, `{"a" 1}`, `{"a":1,"a"`, `{"a":1,"a" 2}`, `{"a":1 "b":2}`, `{1:2}`,
		`[-]`, `[1.]`, `[1e]`, `[01]`, `[1] x`, `[[[[[1]]]]]`, `[[[[1]]]]`,
		`[{"a":{"b":1},"b":2}]`, big.String(), many.String(), `[{"a":1,"\u0061":2}]`,
		`[{"\n\u00e9\u00a0\u0085":1,"\n\u00e9\u00a0\u0085":2}]`,
		`[1e400]`, `[` + long + `e400]`, `[1e-400]`, `[5]`, `[[1,1,1,1,1]]`, `["x"]`, `[null]`, `[true]`,
		`[[1699999500,"1e1001",1,1,1,1]]`, `[[1699999500,"1e99999999999999999999",1,1,1,1]]`,
		`[[1699999500,"1e9999999999999999999x",1,1,1,1]]`, `[[1699999500,"1ex",1,1,1,1]]`,
		`[[1699999500,"1e+",1,1,1,1]]`, `[[1699999500,".",1,1,1,1]]`, `[[1699999500,"",1,1,1,1]]`,
		`[[1699999500,"` + long + `x",1,1,1,1]]`, `[[1699999500,"` + long + long[:11] + `",1,1,1,1]]`,
		`[[1699999500,"\u00e9\u00a0x\n",1,1,1,1]]`, `[[1699999500,"1.2.3",1,1,1,1]]`, `[[1699999500,"--1",1,1,1,1]]`,
		`[[1699999500,"1e101",1,1,1,1]]`, `[[1699999500,"0e5000",1,1,1,1]]`,
		// strconv.Atoi meets the overflow before the bad character: a range error
		`[[1699999500,"1e18700000000000000000A",1,1,1,1]]`, `[[1699999500,"1e1870000000000000000A",1,1,1,1]]`,
		`[[1699999500,1e101,1,1,1,1]]`, `[[1699999500,1.5e-100,1,1,1,1]]`, `[[1699999500,-1e-101,1,1,1,1]]`,
		`[[1699999500,1,1e100,1,1,1]]`, `[[1699999500,1,1,1e-100,1,1]]`,
		`[{"t":1699999500,"o":1,"h":1,"l":1,"c":1,"w":1}]`, `[[true,1,1,1,1,1]]`, `[["1699999500",1,1,1,1,1]]`,
		`[[1699999500,[1],1,1,1,1]]`, `[[1699999500,1,{},1,1,1]]`, `[[1699999500,1,1,false,1,1]]`,
		`[[1699999500,0.5,2,1,1,1]]`, `[[1699999500,1,2,1,3,1]]`, `[[1699999500,"-0.00",1,-1,1,"-1e-5"]]`,
		`[[1699999500,"1.50","1.5000","0001.5","15e-1",0]]`,
		`[[1699999500,"123456789012345678901234567890.000001","1e100","1e-100","-5",0]]`,
		`[[1699999500,1,1,1,1,1],[1699999499,1,1,1,1,1]]`, `[[1699999800,1,1,1,1,1]]`,
		`[[1e9,1,1,1,1,1]]`, `[[1.6999995e9,1,1,1,1,1]]`, `[[1699999500,1,1,1,1,1e-7]]`,
		`[[1699999500,"12",13,9,"12.01",1]]`,
		// 15, 16 and 17 significant digits, powers of ten near the
		// double's limits, a subnormal, a long zero
		`[[1699999500,123456789012345,1234567890123456,0.1,0.30000000000000004,1.2345678901234567e-5]]`,
		`[[1699999500,1e22,1e23,1e-100,1.5e-99,123456789012345e-114]]`,
		`[[1699999500,1,1,1,1,5e-324]]`, `[[1699999500,1,1,1,1,1.7976931348623157e308]]`,
		`[[1699999500,0.000000000000000000000000000000000000000000000e5000,1,1,1,1]]`,
		`[[1699999500,-0,-0.0,0,0,0]]`, `[[1699999500,1,1,1,1,100000000000000000000000000000000000000000001]]`,
	}
	var cs []Case
	for _, in := range inputs {
		cs = append(cs, Case{p, in})
	}
	one := `{"symbol":"X","max_candles":1,` + win + `}`
	cs = append(cs,
		Case{one, `[[1699999500,1,1,1,1,1],x]`},
		Case{one, `[[1699999500,1,1,1,1,1],[1]]`},
		Case{one, `[[1699999500,1,1,1,1,1,1]]`},
		Case{`{"symbol":"X","interval":60,"complete":true,` + win + `}`, `[[1699999500,1,1,1,1,1]]`},
		Case{`{"symbol":"X","interval":60,` + win + `}`, `[[1699999530,1,1,1,1,1]]`},
		Case{`{"symbol":"X","window":60,"time_unit":"ms"}`, `[[1699999999940,1,1,1,1,1]]`},
		Case{`{"symbol":"X","window":7}`, `[[1699999995,1,1,1,1,1]]`},
		Case{`{"symbol":"X","window":1,"max_bytes":3}`, `[ 1]`},
	)
	for _, ps := range []string{
		``, `  `, `{"symbol":`, `{"symbol":"X`, `[]`, `"x"`, `1`, `true`, `null`,
		`{"symbol":1}`, `{"symbol":"X","interval":1.5,"window":1}`, `{"symbol":"X","interval":"60","window":1}`,
		`{"symbol":"X","complete":1,"window":1}`, `{"symbol":"X","window_start":true,"window_end":1}`,
		`{"symbol":"X","max_candles":[1],"window":1}`, `{"symbol":"X","foo":1,"window":1}`,
		`{"foo":1,"symbol":2}`, `{"symbol":2,"foo":1}`, `{"Symbol":"X","WINDOW":300}`,
		`{"symbol":"X","window":300} x`, `{"symbol":"X","window":300,"window_start":1,"window_start":null}`,
		`{"symbol":"X","time_unit":"h","window":1}`, `{"symbol":"X","time_unit":"\n\u00e9","window":1}`,
		`{"symbol":"X","window":-1}`, `{"symbol":"X","window_start":1}`, `{"symbol":"X","interval":1e3,"window":1}`,
		`{"symbol":"X","interval":99999999999999999999,"window":1}`, `{"symbol":"X","window":1,"max_bytes":-0}`,
		`{"symbol":"X","window":1,"complete":{"a":[1]}}`, `{"symbol":"","window":1}`, `{"symbol":"X","window_end":5,"window_start":9}`,
		`{"symbol":"X","window":1,"symbol":"Y"}`, `{"symbol":"X","window":1,"interval":null}`,
		// encoding/json's own syntax errors, EOF, folding and U+FFFD
		`A`, `{"a":tru}`, `{"a":nul`, `{"a":1.}`, `{"a":1e}`, `{"a":-}`, `{"a":1 "b":2}`, `{"a" 1}`, `[1 2]`,
		`{"a":"\q"}`, `{"a":"\u12x4"}`, "{\"a\":\"x\x01\"}", `{,}`, `{"a":[1,]}`, `{"a":{"b":1,}}`, `{"a":01}`,
		`01`, `1x`, `"x"y`, `{"a":1}x`, `{"a":1}}`, strings.Repeat("[", 10001), strings.Repeat("[", 100) + `1` + strings.Repeat("]", 100),
		"{\"symbol\":\"\xff\xc3\",\"window\":1}", `{"symbol":"\ud800\ud800\udc00","window":1}`,
		"{\"\u017fymbol\":\"X\",\"\u212aindow\":1}", `{"SYMBOL":"X","Window":1}`, `{"window":1,"symbol":"X","symbol":null}`,
		`{"\u03a2":""}`, `{"\ud925\ude4e":0}`, `{"\u00a0\u0378\ue000\ufffd":0}`,
	} {
		cs = append(cs, Case{ps, `[[1699999999,1,1,1,1,1]]`})
	}
	return cs
}

// Fuzz feeds the port and the Go module goModule the same (params,
// input) pairs and wants the same verdict and bytes: the seeds are
// Cases and ReasonCases; `go test -fuzz` mutates them.
func Fuzz(f *testing.F, goModule, port string) {
	for _, c := range append(Cases(), ReasonCases()...) {
		f.Add([]byte(c.Params), []byte(c.Input))
	}
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = rt.Close(ctx) })
	goCode, err := rt.Store(ctx, ReadFile(f, goModule))
	if err != nil {
		f.Fatal(err)
	}
	portCode, err := rt.Store(ctx, ReadFile(f, port))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, params, input []byte) {
		job := sandbox.Job{Source: "fuzz", Input: input, Params: params, Height: 1,
			Time: 1_700_000_000_000_000_000, GasLimit: 200_000_000}
		want := rt.Run(ctx, goCode, job)
		got := rt.Run(ctx, portCode, job)
		if got.Status != want.Status || !bytes.Equal(got.Output, want.Output) {
			t.Errorf("params %q input %q:\n port %v %q\n   go %v %q", clip(string(params)), clip(string(input)), got.Status, got.Output, want.Status, want.Output)
		}
	})
}

// clip shortens s for a failure message.
func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// PrintRanges lists the runes from 0x80 up that this Go's unicode.IsPrint
// accepts (what strconv.Quote, and so %q, leaves unescaped), as sorted
// [first, last] pairs: the ports quote reasons with them.
func PrintRanges() [][2]rune {
	var out [][2]rune
	first := rune(-1)
	for r := rune(0x80); r <= unicode.MaxRune+1; r++ {
		p := r <= unicode.MaxRune && unicode.IsPrint(r)
		switch {
		case p && first < 0:
			first = r
		case !p && first >= 0:
			out = append(out, [2]rune{first, r - 1})
			first = -1
		}
	}
	return out
}

// PrintTable writes PrintRanges as a source file: header, then the pairs
// four to a line as "0x..., 0x...," after a tab, then footer. With update
// it rewrites path; either way it wants path to hold those bytes (after a
// Go upgrade with new Unicode tables: run the test with -update, then make
// validators).
func PrintTable(t *testing.T, path, header, footer string, update bool) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(header)
	for i, r := range PrintRanges() {
		if i%4 == 0 {
			b.WriteString("\n\t")
		} else {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "0x%x, 0x%x,", r[0], r[1])
	}
	b.WriteString("\n" + footer)
	if update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := ReadFile(t, path); !bytes.Equal(got, b.Bytes()) {
		t.Fatalf("%s is not this Go's unicode.IsPrint (Unicode %s): run this test with -update, then make validators", path, unicode.Version)
	}
}
