package main

import "github.com/assaynet/assay/sdk/assay"

// appendString appends the RLP encoding of a byte string.
func appendString(dst, b []byte) []byte {
	if len(b) == 1 && b[0] < 0x80 {
		return append(dst, b[0])
	}
	return append(appendLength(dst, 0x80, len(b)), b...)
}

// appendLength appends an RLP length prefix (base 0x80 strings, 0xc0 lists).
func appendLength(dst []byte, base byte, n int) []byte {
	if n < 56 {
		return append(dst, base+byte(n))
	}
	var be [8]byte
	i := len(be)
	for v := n; v > 0; v >>= 8 {
		i--
		be[i] = byte(v)
	}
	dst = append(dst, base+55+byte(len(be)-i))
	return append(dst, be[i:]...)
}

// encodeHeader returns RLP(list of the field strings).
func encodeHeader(h header) []byte {
	var body []byte
	for _, b := range h {
		body = appendString(body, b)
	}
	return append(appendLength(nil, 0xc0, len(body)), body...)
}

// maxRLP bounds a raw header: 21 fields of at most 1 KiB each.
const maxRLP = 32 << 10

// decodeHeader parses canonical RLP of a list of byte strings.
func decodeHeader(b []byte) (header, error) {
	if len(b) > maxRLP {
		return nil, assay.Reject("rlp: %d bytes exceeds %d", len(b), maxRLP)
	}
	body, rest, isList, err := splitItem(b)
	if err != nil {
		return nil, err
	}
	if !isList {
		return nil, assay.Reject("rlp: header is a string, want a list")
	}
	if len(rest) != 0 {
		return nil, assay.Reject("rlp: %d trailing bytes after the header", len(rest))
	}
	var h header
	for len(body) > 0 {
		if len(h) == len(fields) {
			return nil, assay.Reject("rlp: more than %d header fields", len(fields))
		}
		item, next, isList, err := splitItem(body)
		if err != nil {
			return nil, err
		}
		if isList {
			return nil, assay.Reject("rlp: header field %d is a list", len(h))
		}
		h = append(h, item)
		body = next
	}
	return h, nil
}

// splitItem splits the first item off b: its payload, what follows, and
// whether it is a list. It rejects non-canonical encodings.
func splitItem(b []byte) (payload, rest []byte, isList bool, err error) {
	if len(b) == 0 {
		return nil, nil, false, assay.Reject("rlp: unexpected end of input")
	}
	p := b[0]
	switch {
	case p < 0x80:
		return b[:1], b[1:], false, nil
	case p < 0xb8:
		return short(b, int(p-0x80), false)
	case p < 0xc0:
		return long(b, int(p-0xb7), false)
	case p < 0xf8:
		return short(b, int(p-0xc0), true)
	default:
		return long(b, int(p-0xf7), true)
	}
}

func short(b []byte, n int, isList bool) ([]byte, []byte, bool, error) {
	if 1+n > len(b) {
		return nil, nil, false, assay.Reject("rlp: item of %d bytes overruns the input", n)
	}
	payload := b[1 : 1+n]
	if !isList && n == 1 && payload[0] < 0x80 {
		return nil, nil, false, assay.Reject("rlp: non-canonical single byte")
	}
	return payload, b[1+n:], isList, nil
}

func long(b []byte, lenOfLen int, isList bool) ([]byte, []byte, bool, error) {
	if 1+lenOfLen > len(b) {
		return nil, nil, false, assay.Reject("rlp: length overruns the input")
	}
	if b[1] == 0 {
		return nil, nil, false, assay.Reject("rlp: non-canonical length (leading zero)")
	}
	n := 0
	for _, c := range b[1 : 1+lenOfLen] {
		if n > maxRLP {
			return nil, nil, false, assay.Reject("rlp: length too large")
		}
		n = n<<8 | int(c)
	}
	if n < 56 {
		return nil, nil, false, assay.Reject("rlp: non-canonical long length %d", n)
	}
	start := 1 + lenOfLen
	if n > len(b)-start {
		return nil, nil, false, assay.Reject("rlp: item of %d bytes overruns the input", n)
	}
	return b[start : start+n], b[start+n:], isList, nil
}
