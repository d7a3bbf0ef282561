package jcs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical text.
func TestAppendNumberRFC8785(t *testing.T) {
	tests := []struct {
		bits uint64
		want string
	}{
		{0x0000000000000000, "0"},
		{0x8000000000000000, "0"},
		{0x0000000000000001, "5e-324"},
		{0x8000000000000001, "-5e-324"},
		{0x7fefffffffffffff, "1.7976931348623157e+308"},
		{0xffefffffffffffff, "-1.7976931348623157e+308"},
		{0x4340000000000000, "9007199254740992"},
		{0xc340000000000000, "-9007199254740992"},
		{0x4430000000000000, "295147905179352830000"},
		{0x44b52d02c7e14af5, "9.999999999999997e+22"},
		{0x44b52d02c7e14af6, "1e+23"},
		{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
		{0x444b1ae4d6e2ef4e, "999999999999999700000"},
		{0x444b1ae4d6e2ef4f, "999999999999999900000"},
		{0x444b1ae4d6e2ef50, "1e+21"},
		{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
		{0x3eb0c6f7a0b5ed8d, "0.000001"},
		{0x41b3de4355555553, "333333333.3333332"},
		{0x41b3de4355555554, "333333333.33333325"},
		{0x41b3de4355555555, "333333333.3333333"},
		{0x41b3de4355555556, "333333333.3333334"},
		{0x41b3de4355555557, "333333333.33333343"},
		{0xbecbf647612f3696, "-0.0000033333333333333333"},
		{0x43143ff3c1cb0959, "1424953923781206.2"},
	}
	for _, tt := range tests {
		if got := string(AppendNumber(nil, math.Float64frombits(tt.bits))); got != tt.want {
			t.Errorf("%#016x: got %s, want %s", tt.bits, got, tt.want)
		}
	}
}

// Integers beyond 2^53 print as their shortest round-trip digits padded
// with zeros, as ECMAScript does, not with every digit of the double; the
// expectations are node's String(Number(in)).
func TestCanonicalizeBigIntegers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"9007199254740991", "9007199254740991"}, // 2^53-1
		{"9007199254740992", "9007199254740992"}, // 2^53
		{"9007199254740993", "9007199254740992"}, // rounds to 2^53
		{"9007199254740994", "9007199254740994"}, // 2^53+2
		{"9007199254740995", "9007199254740996"},
		{"-9007199254740993", "-9007199254740992"},
		{"4503599627370497", "4503599627370497"},
		{"4503599627370496.5", "4503599627370496"},
		{"1e16", "10000000000000000"},
		{"18014398509481988", "18014398509481988"}, // 2^54+4: all digits are shortest
		{"30473895520886872", "30473895520886870"},
		{"36028797018963968", "36028797018963970"}, // 2^55
		{"72057594037927936", "72057594037927940"}, // 2^56
		{"99999999999999999", "100000000000000000"},
		{"123456789012345678", "123456789012345680"},
		{"576460752303423488", "576460752303423500"}, // 2^59
		{"-576460752303423488", "-576460752303423500"},
		{"999999999999999872", "999999999999999900"}, // largest double below 1e18
		{"-999999999999999872", "-999999999999999900"},
		{"1152921504606846976", "1152921504606847000"}, // 2^60
		{"-1152921504606846976", "-1152921504606847000"},
		{"9007199254740993e3", "9007199254740993000"},
		{"999999999999999999", "1000000000000000000"},
		{"1000000000000000000", "1000000000000000000"},
		{"-1e18", "-1000000000000000000"},
		{"9223372036854775807", "9223372036854776000"}, // 2^63-1 rounds to 2^63
		{"-9223372036854775808", "-9223372036854776000"},
		{"18446744073709551615", "18446744073709552000"},
		{"12345678901234567890", "12345678901234567000"},
		{"-12345678901234567890", "-12345678901234567000"},
		{"1e20", "100000000000000000000"},
		{"295147905179352825856", "295147905179352830000"}, // 2^68
		{"999999999999999999999", "1e+21"},
		{"1e21", "1e+21"},
		{"-1e21", "-1e+21"},
	}
	for _, tt := range tests {
		got, err := Canonicalize([]byte(tt.in), DefaultLimits())
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestAppendNumberES compares AppendNumber with node's String(x) for the
// doubles of testdata/es_numbers.txt (integers of 50 to 76 bits, powers
// of two and ten and their neighbours, both signs).
func TestAppendNumberES(t *testing.T) {
	data, err := os.ReadFile("testdata/es_numbers.txt")
	if err != nil {
		t.Fatal(err)
	}
	n, bad := 0, 0
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		hex, want, ok := strings.Cut(line, " ")
		bits, err := strconv.ParseUint(hex, 16, 64)
		if !ok || err != nil {
			t.Fatalf("es_numbers.txt:%d: %q is not \"bits text\"", i+1, line)
		}
		n++
		if got := string(AppendNumber(nil, math.Float64frombits(bits))); got != want {
			if bad++; bad <= 10 {
				t.Errorf("%s (%v): got %s, want %s", hex, math.Float64frombits(bits), got, want)
			}
		}
	}
	if bad > 10 {
		t.Errorf("%d of %d values differ", bad, n)
	}
	if n < 700 {
		t.Errorf("es_numbers.txt has %d values, want the 734 committed", n)
	}
}

func TestCanonicalize(t *testing.T) {
	tests := []struct{ in, want string }{
		// RFC 8785 section 3.2.3.
		{`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`, `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		// RFC 8785 section 3.2.3 sorting example.
		{`{"\u20ac":1,"\r":2,"\ufb33":3,"1":4,"\ud83d\ude00":5,"\u0080":6,"\u00f6":7}`,
			"{\"\\r\":2,\"1\":4,\"\u0080\":6,\"ö\":7,\"€\":1,\"😀\":5,\"\ufb33\":3}"},
		{` [ ] `, `[]`},
		{`{}`, `{}`},
		{`-0.0`, `0`},
		{`[1e-400]`, `[0]`},
		{`"\u001f\b"`, `"\u001f\b"`},
		{`{"a":{"c":1,"b":[true,{"z":null,"y":"\t"}]}}`, `{"a":{"b":[true,{"y":"\t","z":null}],"c":1}}`},
	}
	for _, tt := range tests {
		got, err := Canonicalize([]byte(tt.in), DefaultLimits())
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("[", 65) + strings.Repeat("]", 65)
	tests := []struct {
		in      string
		wantErr error
		wantMsg string
	}{
		{``, nil, "unexpected end"},
		{`{"a":1,"a":2}`, ErrDuplicateName, ""},
		{`1e999`, ErrNumberRange, ""},
		{"\"\xff\"", ErrInvalidUTF8, ""},
		{`"\ud800"`, ErrLoneSurrogate, ""},
		{`"\udc00\ud800"`, ErrLoneSurrogate, ""},
		{deep, ErrTooDeep, ""},
		{`01`, nil, "trailing data"},
		{`1.`, nil, "no digits after"},
		{`[1,]`, nil, "unexpected character"},
		{`{"a" 1}`, nil, "expected ':'"},
		{`{"a":1 "b":2}`, nil, "expected ','"},
		{`"a` + "\n" + `"`, nil, "control character"},
		{`"\x"`, nil, "invalid escape"},
		{`"\u12"`, nil, "truncated"},
		{`"\u12zz"`, nil, "invalid \\u"},
		{`tru`, nil, "unexpected character"},
		{`NaN`, nil, "unexpected character"},
		{`{"a":1}x`, nil, "trailing data"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in), DefaultLimits())
		if err == nil {
			t.Errorf("%q: no error", tt.in)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: %T is not a *SyntaxError", tt.in, err)
		}
		if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
			t.Errorf("%q: %v, want %v", tt.in, err, tt.wantErr)
		}
		if !strings.Contains(err.Error(), tt.wantMsg) {
			t.Errorf("%q: %v, want it to mention %q", tt.in, err, tt.wantMsg)
		}
	}
}

func TestLimits(t *testing.T) {
	if _, err := Parse([]byte(`[1,2,3]`), Limits{MaxBytes: 3}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytes: %v", err)
	}
	if _, err := Parse([]byte(`[1,[2,3]]`), Limits{MaxValues: 4}); !errors.Is(err, ErrTooMany) {
		t.Errorf("MaxValues: %v", err)
	}
	if _, err := Parse([]byte(`[1,[2,3]]`), Limits{MaxValues: 5}); err != nil {
		t.Errorf("MaxValues exact: %v", err)
	}
	in := strings.Repeat("[", HardMaxDepth+1) + strings.Repeat("]", HardMaxDepth+1)
	if _, err := Parse([]byte(in), Limits{MaxDepth: 1 << 30}); !errors.Is(err, ErrTooDeep) {
		t.Errorf("HardMaxDepth: %v", err)
	}
	in = strings.Repeat("[", HardMaxDepth) + strings.Repeat("]", HardMaxDepth)
	if _, err := Parse([]byte(in), Limits{}); err != nil {
		t.Errorf("depth %d: %v", HardMaxDepth, err)
	}
}

func TestValueHelpers(t *testing.T) {
	v, err := Parse([]byte(`{"n":3,"f":2.5,"big":1e300}`), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"n": true, "f": false, "big": false} {
		got, ok := v.Get(name)
		if !ok || got.IsInteger() != want {
			t.Errorf("%s: IsInteger %v, want %v", name, got.IsInteger(), want)
		}
	}
	if _, ok := v.Get("missing"); ok {
		t.Error("Get(missing) found something")
	}
	a, _ := Parse([]byte(`{"a":1,"b":[1.0]}`), DefaultLimits())
	b, _ := Parse([]byte(`{"b":[1],"a":1e0}`), DefaultLimits())
	if !Equal(a, b) {
		t.Error("Equal: reordered objects differ")
	}
}

// FuzzCanonicalize: Parse never panics, accepts only what encoding/json
// accepts, and canonical output is a fixed point.
func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e10,"x\u00e9"],"b":null}`, `[[[]]]`, `"\ud83d\ude00"`, `-0`, `1e-7`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Canonicalize(data, DefaultLimits())
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		again, err := Canonicalize(out, DefaultLimits())
		if err != nil || string(again) != string(out) {
			t.Fatalf("not a fixed point: %q -> %q -> %q (%v)", data, out, again, err)
		}
	})
}

func BenchmarkCanonicalize(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	for i := 0; i < 1000; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"t":1700000000,"o":101.25,"h":102.5,"l":100.75,"c":101.5,"v":12345.678,"s":"BTC-USD"}`)
	}
	sb.WriteString("]")
	data := []byte(sb.String())
	b.Run("jcs", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if _, err := Canonicalize(data, DefaultLimits()); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Yardstick: encoding/json decode into any and re-encode.
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestCompareUTF16(t *testing.T) {
	words := []string{"", "a", "ab", "b", "\r", "1", "\u0080", "ö", "€", "😀", "\ufb33", "\ue000", "\U0010ffff", "😀a", "😁", "a😀", "a\uffff"}
	ref := func(a, b string) int {
		ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
		for i := 0; i < len(ua) && i < len(ub); i++ {
			if ua[i] != ub[i] {
				return int(ua[i]) - int(ub[i])
			}
		}
		return len(ua) - len(ub)
	}
	sign := func(x int) int {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	}
	for _, a := range words {
		for _, b := range words {
			if got, want := sign(CompareUTF16(a, b)), sign(ref(a, b)); got != want {
				t.Errorf("CompareUTF16(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestLargeObjectDuplicate(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&sb, `"k%d":%d,`, i, i)
	}
	sb.WriteString(`"k3":0}`)
	if _, err := Parse([]byte(sb.String()), DefaultLimits()); !errors.Is(err, ErrDuplicateName) {
		t.Fatalf("got %v, want ErrDuplicateName", err)
	}
}
