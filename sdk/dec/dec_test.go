package dec

import (
	"errors"
	"math/big"
	"testing"
)

func TestParseString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"-0.000", "0"}, {"+1", "1"}, {"37123.50", "37123.5"}, {"007", "7"},
		{"1e3", "1000"}, {"1.5E-3", "0.0015"}, {".5", "0.5"}, {"5.", "5"}, {"-120", "-120"},
		{"12.3400e2", "1234"}, {"0.1e1", "1"}, {"1e-100", "0." + zeros(99) + "1"},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in)
		if err != nil || d.String() != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %s", tt.in, d, err, tt.want)
		}
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrSyntax}, {".", ErrSyntax}, {"-", ErrSyntax}, {"1.2.3", ErrSyntax}, {"0x10", ErrSyntax},
		{"1e", ErrSyntax}, {"1e+", ErrSyntax}, {"NaN", ErrSyntax}, {"1_000", ErrSyntax}, {" 1", ErrSyntax},
		{"1e999999999999999999999", ErrRange}, {"1e1001", ErrRange}, {"1e101", ErrRange}, {"1e-101", ErrRange},
		{"1234567890123456789012345678901234567890123456789012345678901", ErrRange},
	}
	for _, tt := range tests {
		if _, err := Parse(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("Parse(%q) error %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestCmp(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1", "1.0", 0}, {"1", "2", -1}, {"-1", "-2", 1}, {"0", "-0.1", 1}, {"10", "9.99", 1},
		{"0.001", "0.0009", 1}, {"123.45", "123.5", -1}, {"-0", "0", 0}, {"1e2", "100", 0}, {"99", "100", -1},
	}
	for _, tt := range tests {
		if got := MustParse(tt.a).Cmp(MustParse(tt.b)); got != tt.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := MustParse(tt.b).Cmp(MustParse(tt.a)); got != -tt.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestFromFloat(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{{0.1, "0.1"}, {37123.5, "37123.5"}, {1e21, "1000000000000000000000"}, {-2.5e-7, "-0.00000025"},
		// Integers beyond 2^53: the shortest round-trip digits, as RFC 8785
		// and sdk/jcs write them (node: String(2**55)).
		{1 << 53, "9007199254740992"}, {1 << 55, "36028797018963970"}, {-(1 << 59), "-576460752303423500"}}
	for _, tt := range tests {
		d, err := FromFloat(tt.f)
		if err != nil || d.String() != tt.want {
			t.Errorf("FromFloat(%v) = %v, %v; want %s", tt.f, d, err, tt.want)
		}
	}
}

func TestIsInteger(t *testing.T) {
	for s, want := range map[string]bool{"1": true, "1.0": true, "1e2": true, "1.5": false, "0": true} {
		if got := MustParse(s).IsInteger(); got != want {
			t.Errorf("IsInteger(%s) = %v", s, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.5", "-0.001e3", "1e999", ".", "12.3400e2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(d.String())
		if err != nil || again.Cmp(d) != 0 || again.String() != d.String() {
			t.Fatalf("%q -> %q -> %v %v", s, d.String(), again, err)
		}
		// Differential: the printed value equals math/big's reading of s.
		want, ok := new(big.Rat).SetString(s)
		got, ok2 := new(big.Rat).SetString(d.String())
		if ok && ok2 && want.Cmp(got) != 0 {
			t.Fatalf("%q printed as %s, big.Rat reads %s", s, d.String(), want.FloatString(10))
		}
	})
}
