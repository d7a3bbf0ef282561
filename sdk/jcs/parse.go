package jcs

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors Parse wraps in a *SyntaxError.
var (
	ErrTooDeep       = errors.New("jcs: nesting too deep")
	ErrTooLarge      = errors.New("jcs: input too large")
	ErrDuplicateName = errors.New("jcs: duplicate member name")
	ErrNumberRange   = errors.New("jcs: number out of range")
	ErrInvalidUTF8   = errors.New("jcs: invalid UTF-8")
	ErrLoneSurrogate = errors.New("jcs: lone surrogate")
	ErrTooMany       = errors.New("jcs: too many values")
)

// HardMaxDepth bounds Limits.MaxDepth: deeper recursion could reach the
// sandbox's call-depth cap and FAIL instead of rejecting.
const HardMaxDepth = 200

// Limits bound what Parse accepts.
type Limits struct {
	// MaxDepth is the deepest array/object nesting (at most HardMaxDepth).
	MaxDepth int
	// MaxBytes is the largest input in bytes; 0 means no limit.
	MaxBytes int
	// MaxValues is the largest number of values (scalars and containers,
	// the top one included); 0 means no limit. Parsing costs per value, so
	// this bounds a guest's gas better than MaxBytes alone.
	MaxValues int
}

// DefaultLimits returns depth 64 and no size limit.
func DefaultLimits() Limits { return Limits{MaxDepth: 64} }

// SyntaxError says what is wrong and at which byte offset.
type SyntaxError struct {
	Offset int
	Err    error
}

// Error formats the offset and the problem.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Parse parses exactly one JSON value (surrounded by optional whitespace).
func Parse(data []byte, lim Limits) (Value, error) {
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		return Value{}, &SyntaxError{0, fmt.Errorf("%w: %d bytes exceeds %d", ErrTooLarge, len(data), lim.MaxBytes)}
	}
	depth := lim.MaxDepth
	if depth <= 0 || depth > HardMaxDepth {
		depth = HardMaxDepth
	}
	p := &parser{data: data, maxDepth: depth, maxValues: lim.MaxValues}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return Value{}, p.errf("trailing data after the JSON value")
	}
	return v, nil
}

type parser struct {
	data      []byte
	pos       int
	maxDepth  int
	maxValues int
	nValues   int
	// members and values are stacks of the containers being parsed; each
	// container is copied out at its exact size when it closes, so a
	// container costs one allocation however many elements it has.
	members []Member
	values  []Value
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{p.pos, fmt.Errorf(format, args...)}
}

func (p *parser) fail(err error) error { return &SyntaxError{p.pos, err} }

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (Value, error) {
	if p.pos >= len(p.data) {
		return Value{}, p.errf("unexpected end of input")
	}
	if p.nValues++; p.maxValues > 0 && p.nValues > p.maxValues {
		return Value{}, p.fail(fmt.Errorf("%w: more than %d", ErrTooMany, p.maxValues))
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		return Value{Kind: String, Str: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		f, err := p.number()
		return Value{Kind: Number, Num: f}, err
	case p.literal("true"):
		return Value{Kind: Bool, Bool: true}, nil
	case p.literal("false"):
		return Value{Kind: Bool}, nil
	case p.literal("null"):
		return Value{Kind: Null}, nil
	default:
		return Value{}, p.errf("unexpected character %q", c)
	}
}

func (p *parser) literal(lit string) bool {
	if len(p.data)-p.pos >= len(lit) && string(p.data[p.pos:p.pos+len(lit)]) == lit {
		p.pos += len(lit)
		return true
	}
	return false
}

func (p *parser) object(depth int) (Value, error) {
	if depth > p.maxDepth {
		return Value{}, p.fail(fmt.Errorf("%w: more than %d levels", ErrTooDeep, p.maxDepth))
	}
	p.pos++ // '{'
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return Value{Kind: Object, Obj: []Member{}}, nil
	}
	mark := len(p.members)
	defer func() { p.members = p.members[:mark] }()
	var seen map[string]struct{} // only for objects with many members
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return Value{}, p.errf("expected a member name")
		}
		start := p.pos
		name, err := p.str()
		if err != nil {
			return Value{}, err
		}
		if isDuplicate(p.members[mark:], &seen, name) {
			return Value{}, &SyntaxError{start, fmt.Errorf("%w %q", ErrDuplicateName, name)}
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return Value{}, p.errf("expected ':' after member name")
		}
		p.pos++
		p.skipSpace()
		m, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		p.members = append(p.members, Member{Name: name, Value: m})
		if done, err := p.next('}'); done || err != nil {
			return Value{Kind: Object, Obj: slices.Clone(p.members[mark:])}, err
		}
	}
}

// smallObject is the member count up to which duplicates are found by a
// linear scan instead of a map.
const smallObject = 16

// isDuplicate reports whether name is already among members, switching to
// a map once the object is large.
func isDuplicate(members []Member, seen *map[string]struct{}, name string) bool {
	if len(members) < smallObject {
		for _, m := range members {
			if m.Name == name {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]struct{}, 2*len(members))
		for _, m := range members {
			(*seen)[m.Name] = struct{}{}
		}
	}
	if _, dup := (*seen)[name]; dup {
		return true
	}
	(*seen)[name] = struct{}{}
	return false
}

func (p *parser) array(depth int) (Value, error) {
	if depth > p.maxDepth {
		return Value{}, p.fail(fmt.Errorf("%w: more than %d levels", ErrTooDeep, p.maxDepth))
	}
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return Value{Kind: Array, Arr: []Value{}}, nil
	}
	mark := len(p.values)
	defer func() { p.values = p.values[:mark] }()
	for {
		p.skipSpace()
		e, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		p.values = append(p.values, e)
		if done, err := p.next(']'); done || err != nil {
			return Value{Kind: Array, Arr: slices.Clone(p.values[mark:])}, err
		}
	}
}

// next consumes ',' (more to come) or the closing byte (done).
func (p *parser) next(closing byte) (bool, error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return false, p.errf("unexpected end of input")
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case closing:
		p.pos++
		return true, nil
	}
	return false, p.errf("expected ',' or %q", closing)
}

func (p *parser) number() (float64, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case p.digits() == 0:
		return 0, p.errf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return 0, p.errf("invalid number: no digits after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return 0, p.errf("invalid number: no digits in exponent")
		}
	}
	f, err := strconv.ParseFloat(string(p.data[start:p.pos]), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, &SyntaxError{start, fmt.Errorf("%w: %s", ErrNumberRange, truncate(p.data[start:p.pos]))}
	}
	return f, nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// str parses a string starting at the opening quote.
func (p *parser) str() (string, error) {
	p.pos++ // '"'
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := string(p.data[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' {
			return p.strEscaped(start)
		}
		if c < 0x20 {
			return "", p.errf("control character %#x in string", c)
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.fail(ErrInvalidUTF8)
			}
			p.pos += n
			continue
		}
		p.pos++
	}
	return "", p.errf("unterminated string")
}

// strEscaped continues a string that has an escape at p.pos.
func (p *parser) strEscaped(start int) (string, error) {
	buf := append([]byte(nil), p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c == '\\':
			var err error
			if buf, err = p.escape(buf); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", p.errf("control character %#x in string", c)
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.fail(ErrInvalidUTF8)
			}
			buf = append(buf, p.data[p.pos:p.pos+n]...)
			p.pos += n
		default:
			buf = append(buf, c)
			p.pos++
		}
	}
	return "", p.errf("unterminated string")
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape decodes one escape sequence at p.pos into buf.
func (p *parser) escape(buf []byte) ([]byte, error) {
	if p.pos+1 >= len(p.data) {
		return nil, p.errf("unterminated escape")
	}
	e := p.data[p.pos+1]
	if r, ok := simpleEscapes[e]; ok {
		p.pos += 2
		return append(buf, r), nil
	}
	if e != 'u' {
		return nil, p.errf("invalid escape \\%c", e)
	}
	r, err := p.hex4()
	if err != nil {
		return nil, err
	}
	if utf16.IsSurrogate(r) {
		if r >= 0xdc00 || !p.hasLowSurrogate() {
			return nil, p.fail(ErrLoneSurrogate)
		}
		lo, _ := p.hex4()
		r = utf16.DecodeRune(r, lo)
		if r == utf8.RuneError {
			return nil, p.fail(ErrLoneSurrogate)
		}
	}
	return utf8.AppendRune(buf, r), nil
}

// hex4 reads `\uXXXX` at p.pos.
func (p *parser) hex4() (rune, error) {
	if p.pos+6 > len(p.data) {
		return 0, p.errf("truncated \\u escape")
	}
	v, err := strconv.ParseUint(string(p.data[p.pos+2:p.pos+6]), 16, 32)
	if err != nil {
		return 0, p.errf("invalid \\u escape")
	}
	p.pos += 6
	return rune(v), nil
}

func (p *parser) hasLowSurrogate() bool {
	return p.pos+6 <= len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' &&
		(p.data[p.pos+2] == 'd' || p.data[p.pos+2] == 'D') &&
		bytesIn(p.data[p.pos+3], "cdefCDEF")
}

func bytesIn(c byte, set string) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}
