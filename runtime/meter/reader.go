package meter

import "unicode/utf8"

// reader decodes the primitive encodings of the WebAssembly binary format.
// Every method reports truncation or overlong encodings as malformed.
type reader struct {
	b     []byte
	pos   int
	where string
}

func (r *reader) eof() bool { return r.pos >= len(r.b) }

func (r *reader) fail(format string, args ...any) *Error {
	return malformed(r.where, format+" at offset %d", append(args, r.pos)...)
}

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.fail("unexpected end")
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(len(r.b)-r.pos) {
		return nil, r.fail("length %d past end", n)
	}
	s := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, nil
}

// uleb reads an unsigned LEB128 of at most bits bits.
func (r *reader) uleb(bits uint) (uint64, error) {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if shift+7 >= bits { // final byte: no continuation, unused bits zero
			if c&0x80 != 0 {
				return 0, r.fail("integer representation too long")
			}
			if c>>(bits-shift) != 0 {
				return 0, r.fail("integer too large")
			}
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
}

// sleb reads a signed LEB128 of at most bits bits.
func (r *reader) sleb(bits uint) (int64, error) {
	var v int64
	for shift := uint(0); ; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if shift+7 >= bits { // final byte: unused bits sign-extend the last one
			if c&0x80 != 0 {
				return 0, r.fail("integer representation too long")
			}
			used := bits - shift // 1..7 payload bits
			high := (c & 0x7f) >> (used - 1)
			if high != 0 && high != 0x7f>>(used-1) {
				return 0, r.fail("integer too large")
			}
		}
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			if s := shift + 7; s < 64 && c&0x40 != 0 {
				v |= -1 << s
			}
			return v, nil
		}
	}
}

func (r *reader) u32() (uint32, error) {
	v, err := r.uleb(32)
	return uint32(v), err
}

func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", r.fail("malformed UTF-8 encoding")
	}
	return string(b), nil
}

// count reads a vector length and checks it against what could possibly
// fit in the rest of the input (each element takes at least minSize bytes),
// so a hostile length never drives a huge allocation.
func (r *reader) count(minSize int) (uint32, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if minSize > 0 && uint64(n)*uint64(minSize) > uint64(len(r.b)-r.pos) {
		return 0, r.fail("vector length %d past end", n)
	}
	return n, nil
}

// constImm skips the immediate of i32/i64/f32/f64.const (op 0x41..0x44).
func (r *reader) constImm(op byte) error {
	var err error
	switch op {
	case 0x41:
		_, err = r.sleb(32)
	case 0x42:
		_, err = r.sleb(64)
	case 0x43:
		_, err = r.bytes(4)
	case 0x44:
		_, err = r.bytes(8)
	}
	return err
}
