// Package dec parses, compares and prints decimal numbers exactly, for
// validator programs that handle prices and quantities without float rounding.
//
//	p, err := dec.Parse("37123.50") // p.String() == "37123.5"
//
// A Decimal is sign × digits × 10^exp with no leading or trailing zeros in
// digits, so equal values have equal representations. Parse bounds the
// digits and the exponent, so hostile text ("1e999999999") is an error and
// never a huge string.
package dec

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bounds of a Decimal.
const (
	MaxDigits = 60  // significant digits
	MaxExp    = 100 // |exponent| of the least significant digit
)

// Errors of Parse.
var (
	ErrSyntax = errors.New("dec: invalid decimal")
	ErrRange  = errors.New("dec: decimal out of range")
)

// Decimal is an exact decimal number. The zero value is 0.
type Decimal struct {
	neg    bool
	digits string // no leading/trailing zeros; "" for zero
	exp    int    // value = digits × 10^exp
}

// Parse reads [+-]digits[.digits][e[+-]digits].
func Parse(s string) (Decimal, error) {
	mant, exp, err := splitExponent(s)
	if err != nil {
		return Decimal{}, err
	}
	var d Decimal
	if mant != "" && (mant[0] == '-' || mant[0] == '+') {
		d.neg, mant = mant[0] == '-', mant[1:]
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if (intPart == "" && frac == "") || (hasDot && frac == "" && intPart == "") || !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	digits := joinDigits(intPart, frac)
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	d.digits, d.exp = trimmed, exp
	if d.digits == "" {
		return Decimal{}, nil
	}
	if len(d.digits) > MaxDigits || d.exp > MaxExp || d.exp < -MaxExp {
		return Decimal{}, fmt.Errorf("%w: %q", ErrRange, clip(s))
	}
	return d, nil
}

func splitExponent(s string) (string, int, error) {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return s, 0, nil
	}
	e, err := strconv.Atoi(s[i+1:])
	if err != nil || s[i+1:] == "" || s[i+1] == '_' {
		if errors.Is(err, strconv.ErrRange) {
			return "", 0, fmt.Errorf("%w: %q", ErrRange, clip(s))
		}
		return "", 0, fmt.Errorf("%w: %q", ErrSyntax, clip(s))
	}
	if e > 10*MaxExp || e < -10*MaxExp {
		return "", 0, fmt.Errorf("%w: %q", ErrRange, clip(s))
	}
	return s[:i], e, nil
}

// joinDigits is strings.TrimLeft(intPart+frac, "0"), allocating only when
// both parts have significant digits.
func joinDigits(intPart, frac string) string {
	intPart = strings.TrimLeft(intPart, "0")
	switch {
	case intPart == "":
		return strings.TrimLeft(frac, "0")
	case frac == "":
		return intPart
	}
	return intPart + frac
}

// FromFloat returns the decimal with the shortest digits that round-trip
// to f (what RFC 8785 prints). NaN and infinities are ErrRange.
func FromFloat(f float64) (Decimal, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Decimal{}, ErrRange
	}
	return Parse(strconv.FormatFloat(f, 'e', -1, 64))
}

// MustParse is Parse for constants; it panics on error.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.digits == "":
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// Cmp returns -1, 0 or +1 as d is less than, equal to or greater than e.
func (d Decimal) Cmp(e Decimal) int {
	if ds, es := d.Sign(), e.Sign(); ds != es {
		return cmpInt(ds, es)
	}
	c := cmpAbs(d, e)
	if d.neg {
		return -c
	}
	return c
}

func cmpAbs(d, e Decimal) int {
	// Adjusted exponent: position of the most significant digit.
	da, ea := len(d.digits)+d.exp, len(e.digits)+e.exp
	if da != ea {
		return cmpInt(da, ea)
	}
	// Same magnitude: compare digit strings padded with zeros.
	n := max(len(d.digits), len(e.digits))
	for i := 0; i < n; i++ {
		if c := cmpInt(int(digitAt(d.digits, i)), int(digitAt(e.digits, i))); c != 0 {
			return c
		}
	}
	return 0
}

func digitAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return '0'
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// IsInteger reports whether d has no fractional part.
func (d Decimal) IsInteger() bool { return d.exp >= 0 || d.digits == "" }

// String prints d in plain notation without exponent, trailing zeros or a
// plus sign: "0", "-1.25", "0.001", "120".
func (d Decimal) String() string {
	if d.digits == "" {
		return "0"
	}
	var b strings.Builder
	b.Grow(len(d.digits) + max(d.exp, -d.exp) + 3)
	if d.neg {
		b.WriteByte('-')
	}
	switch point := len(d.digits) + d.exp; {
	case d.exp >= 0:
		b.WriteString(d.digits)
		b.WriteString(strings.Repeat("0", d.exp))
	case point > 0:
		b.WriteString(d.digits[:point])
		b.WriteByte('.')
		b.WriteString(d.digits[point:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(d.digits)
	}
	return b.String()
}
