package jcs

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Append appends the RFC 8785 canonical form of v to dst: no whitespace,
// object members sorted by the UTF-16 code units of their names, strings
// with minimal escapes, numbers as ECMAScript's Number.prototype.toString.
func Append(dst []byte, v Value) []byte {
	switch v.Kind {
	case Null:
		return append(dst, "null"...)
	case Bool:
		if v.Bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case Number:
		return AppendNumber(dst, v.Num)
	case String:
		return AppendString(dst, v.Str)
	case Array:
		dst = append(dst, '[')
		for i, e := range v.Arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = Append(dst, e)
		}
		return append(dst, ']')
	case Object:
		return appendObject(dst, v.Obj)
	}
	return append(dst, "null"...)
}

// Marshal returns the canonical form of v.
func Marshal(v Value) []byte { return Append(nil, v) }

// Canonicalize parses data and returns its canonical form.
func Canonicalize(data []byte, lim Limits) ([]byte, error) {
	v, err := Parse(data, lim)
	if err != nil {
		return nil, err
	}
	return Append(nil, v), nil
}

func appendObject(dst []byte, members []Member) []byte {
	sorted := SortedMembers(members)
	dst = append(dst, '{')
	for i, m := range sorted {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, m.Name)
		dst = append(dst, ':')
		dst = Append(dst, m.Value)
	}
	return append(dst, '}')
}

// SortedMembers returns the members in RFC 8785 order (by UTF-16 code
// units of the names). It never changes the argument; when the members are
// already in order it returns the argument itself.
func SortedMembers(members []Member) []Member {
	if slices.IsSortedFunc(members, cmpMembers) {
		return members // already canonical: no copy
	}
	out := append([]Member(nil), members...)
	slices.SortFunc(out, cmpMembers)
	return out
}

func cmpMembers(a, b Member) int { return CompareUTF16(a.Name, b.Name) }

// CompareUTF16 compares two strings by their UTF-16 code units, the order
// RFC 8785 sorts member names in, without converting them.
func CompareUTF16(a, b string) int {
	for a != "" && b != "" {
		if a[0] < utf8.RuneSelf && b[0] < utf8.RuneSelf {
			if a[0] != b[0] {
				return int(a[0]) - int(b[0])
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			// The first differing code unit decides; two supplementary
			// runes with the same high surrogate compare as their values.
			if ua, ub := firstUnit(ra), firstUnit(rb); ua != ub {
				return int(ua) - int(ub)
			}
			return int(ra) - int(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// firstUnit is the first UTF-16 code unit of r.
func firstUnit(r rune) rune {
	if r >= 0x10000 {
		return 0xd800 + (r-0x10000)>>10
	}
	return r
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a canonical JSON string. Invalid UTF-8 bytes
// become U+FFFD (Parse never produces them).
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '"')
}

// AppendNumber appends f as ECMAScript's Number.prototype.toString does
// (RFC 8785 section 3.2.2.3). NaN and infinities are not JSON; they are
// written as null.
func AppendNumber(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		return append(dst, '0')
	}
	// Up to 2^53 every integer is a double and its digits are its shortest
	// round trip. Beyond, ECMAScript prints the shortest digits padded with
	// zeros (2^55 is 36028797018963970, not 36028797018963968).
	if f >= -1<<53 && f <= 1<<53 && f == float64(int64(f)) {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	// Shortest round-trip digits d1.d2d3...e±X; n is the decimal point
	// position relative to the digit string (value = 0.digits × 10^n).
	var ebuf, dbuf [32]byte // shortest float64 digits fit: no allocation
	e := strconv.AppendFloat(ebuf[:0], f, 'e', -1, 64)
	mant, exp := splitExp(e)
	digits := dbuf[:0]
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	k, n := len(digits), exp+1
	switch {
	case k <= n && n <= 21:
		dst = append(dst, digits...)
		for i := 0; i < n-k; i++ {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		dst = append(append(append(dst, digits[:n]...), '.'), digits[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, '0', '.')
		for i := 0; i < -n; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		dst = append(dst, digits[0])
		if k > 1 {
			dst = append(append(dst, '.'), digits[1:]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(n-1), 10)
	}
	return dst
}

// splitExp splits strconv's 'e' format into mantissa and exponent.
func splitExp(e []byte) ([]byte, int) {
	for i, c := range e {
		if c == 'e' {
			x, _ := strconv.Atoi(string(e[i+1:]))
			return e[:i], x
		}
	}
	return e, 0
}
