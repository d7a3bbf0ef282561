package main

import (
	"bytes"
	"encoding/hex"

	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/jcs"
	"golang.org/x/crypto/sha3"
)

// Roots of empty structures: keccak256(RLP("")) for an empty trie and
// keccak256(RLP([])) for an empty uncle list.
var (
	emptyTrieRoot = mustHex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421")
	emptyListHash = mustHex("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
)

type params struct {
	Number   *uint64 `json:"number"`
	MaxBytes int     `json:"max_bytes"`
}

// defaultMaxBytes bounds the input so parsing fits the node's maximum gas.
const defaultMaxBytes = 48 << 10

// inputLimits bound nesting and the number of JSON values (a block with
// 48 KiB of transaction hashes has ~700), which bounds the parse's gas.
var inputLimits = jcs.Limits{MaxDepth: 16, MaxValues: 4096}

// validate is the validator program; see the package comment.
func validate(input, rawParams []byte, _ assay.Round) ([]byte, error) {
	var p params
	if len(bytes.TrimSpace(rawParams)) > 0 {
		if err := assay.DecodeParams(rawParams, &p); err != nil {
			return nil, err
		}
	}
	if p.MaxBytes <= 0 {
		p.MaxBytes = defaultMaxBytes
	}
	if len(input) > p.MaxBytes {
		return nil, assay.Reject("input of %d bytes exceeds max_bytes %d", len(input), p.MaxBytes)
	}
	v, err := jcs.Parse(input, inputLimits)
	if err != nil {
		return nil, assay.Reject("input is not valid JSON: %v", err)
	}
	h, claimed, err := headerFrom(v)
	if err != nil {
		return nil, err
	}
	if err := checkNumber(h, p.Number); err != nil {
		return nil, err
	}
	hash := keccak(encodeHeader(h))
	if claimed != nil && !bytes.Equal(claimed, hash) {
		return nil, assay.Reject("hash 0x%x does not match keccak256(RLP(header)) 0x%x", claimed, hash)
	}
	return jcs.Append(nil, output(h, hash)), nil
}

// headerFrom reads a header from a block object, a JSON-RPC response or a
// hex RLP string; claimed is the block's "hash" (nil for RLP).
func headerFrom(v jcs.Value) (header, []byte, error) {
	if v.Kind == jcs.String {
		raw, err := (fieldSpec{name: "rlp", kind: kindBytes, size: maxRLP}).parseHex(v.Str)
		if err != nil {
			return nil, nil, err
		}
		h, err := decodeHeader(raw)
		if err != nil {
			return nil, nil, err
		}
		return h, nil, checkFields(h)
	}
	if v.Kind != jcs.Object {
		return nil, nil, assay.Reject("input is a JSON %s, want a block object", v.Kind)
	}
	if res, ok := v.Get("result"); ok {
		if res.Kind != jcs.Object {
			return nil, nil, assay.Reject("result is a JSON %s, want a block object (is the block missing?)", res.Kind)
		}
		v = res
	}
	return headerFromJSON(v)
}

func headerFromJSON(v jcs.Value) (header, []byte, error) {
	var h header
	for i, f := range fields {
		s, ok := v.Get(f.name)
		if !ok || s.Kind == jcs.Null {
			if i < firstOptional {
				return nil, nil, assay.Reject("missing header field %q", f.name)
			}
			break
		}
		if s.Kind != jcs.String {
			return nil, nil, assay.Reject("%s: is a JSON %s, want a 0x-hex string", f.name, s.Kind)
		}
		b, err := f.parseHex(s.Str)
		if err != nil {
			return nil, nil, err
		}
		h = append(h, b)
	}
	if err := checkLaterForks(v, len(h)); err != nil {
		return nil, nil, err
	}
	hs, ok := v.Get("hash")
	if !ok || hs.Kind != jcs.String {
		return nil, nil, assay.Reject("missing block hash")
	}
	claimed, err := (fieldSpec{name: "hash", kind: kindData, size: 32}).parseHex(hs.Str)
	if err != nil {
		return nil, nil, err
	}
	return h, claimed, checkBody(v, h)
}

// checkLaterForks rejects a fork field present after a missing one: the
// RLP list cannot skip a position.
func checkLaterForks(v jcs.Value, n int) error {
	for _, f := range fields[n:] {
		if s, ok := v.Get(f.name); ok && s.Kind != jcs.Null {
			return assay.Reject("%s is present but %s is missing", f.name, fields[n].name)
		}
	}
	return nil
}

// checkFields checks a decoded RLP header's field count and sizes.
func checkFields(h header) error {
	if len(h) < firstOptional {
		return assay.Reject("rlp: %d header fields, want at least %d", len(h), firstOptional)
	}
	for i, b := range h {
		if err := fields[i].checkValue(b); err != nil {
			return err
		}
	}
	return nil
}

// checkBody checks the roots of empty transaction, uncle and withdrawal
// lists against the header.
func checkBody(v jcs.Value, h header) error {
	checks := []struct {
		list  string
		field int
		root  []byte
	}{{"transactions", 4, emptyTrieRoot}, {"uncles", 1, emptyListHash}, {"withdrawals", 16, emptyTrieRoot}}
	for _, c := range checks {
		l, ok := v.Get(c.list)
		if !ok || l.Kind != jcs.Array || len(l.Arr) > 0 || c.field >= len(h) {
			continue
		}
		if !bytes.Equal(h[c.field], c.root) {
			return assay.Reject("%s is empty but %s is 0x%x, not the empty root", c.list, fields[c.field].name, h[c.field])
		}
	}
	return nil
}

func checkNumber(h header, want *uint64) error {
	if want == nil {
		return nil
	}
	var n uint64
	for _, c := range h[8] {
		n = n<<8 | uint64(c)
	}
	if n != *want {
		return assay.Reject("block number %d, want %d", n, *want)
	}
	return nil
}

func output(h header, hash []byte) jcs.Value {
	members := make([]jcs.Member, 0, len(h)+1)
	for i, b := range h {
		members = append(members, jcs.Member{Name: fields[i].name, Value: jcs.NewString(fields[i].format(b))})
	}
	members = append(members, jcs.Member{Name: "hash", Value: jcs.NewString("0x" + hex.EncodeToString(hash))})
	return jcs.NewObject(members...)
}

func keccak(b []byte) []byte {
	k := sha3.NewLegacyKeccak256()
	k.Write(b)
	return k.Sum(nil)
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
