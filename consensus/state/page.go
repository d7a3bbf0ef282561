package state

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"

	"github.com/assaynet/assay/runtime/abi"
)

// Paging of the list queries (docs/protocol.md section 6.1): every list
// answer is a Page, newest first (sources: by id), at most Limit items,
// with an opaque cursor to the next page and an explicit Truncated.

// Limits of a list query.
const (
	// DefaultLimit is the page size when the query names none.
	DefaultLimit = 100
	// MaxLimit is the largest page size a query may ask for.
	MaxLimit = 1000
	// maxScan bounds the keys one list query visits: with filters (a
	// round range over resolution order, a status) a page may end early,
	// truncated, with fewer than limit items.
	maxScan = 10_000
)

// Page is the answer of a list query.
type Page[T any] struct {
	// Items are the page's records, in the list's order.
	Items []T `json:"items"`
	// Next is the cursor of the following page ("" when Truncated is
	// false): pass it back as ListOptions.Cursor with the same filters.
	Next string `json:"next"`
	// Truncated is true when the range holds records after this page
	// (with filters: keys not yet visited, which may all fail them).
	Truncated bool `json:"truncated"`
}

// ListOptions are the parameters of a list query; the zero value asks
// for the first page of DefaultLimit items of the whole list.
type ListOptions struct {
	Limit  int    // page size, 1..MaxLimit; 0: DefaultLimit
	Cursor string // a previous page's Next; "": the first page
	// From and To bound the round (datasets, rounds); To = 0 leaves the
	// range open above.
	From, To uint64
	// FromHeight and ToHeight bound the resolving height (datasets) or the
	// recording height (evidence); ToHeight = 0 leaves it open above.
	FromHeight, ToHeight uint64
	// Status keeps only datasets of this status (e.g. "ACCEPTED").
	Status string
}

// Query parameter names of the list queries.
const (
	ParamLimit      = "limit"
	ParamCursor     = "cursor"
	ParamFrom       = "from"
	ParamTo         = "to"
	ParamFromHeight = "from_height"
	ParamToHeight   = "to_height"
	ParamStatus     = "status"
)

// Encode returns o as a query string: "" for the zero value, else "?"
// and the set parameters in sorted order.
func (o ListOptions) Encode() string {
	v := url.Values{}
	set := func(name string, n uint64) {
		if n > 0 {
			v.Set(name, strconv.FormatUint(n, 10))
		}
	}
	set(ParamLimit, uint64(max(o.Limit, 0)))
	set(ParamFrom, o.From)
	set(ParamTo, o.To)
	set(ParamFromHeight, o.FromHeight)
	set(ParamToHeight, o.ToHeight)
	if o.Cursor != "" {
		v.Set(ParamCursor, o.Cursor)
	}
	if o.Status != "" {
		v.Set(ParamStatus, o.Status)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// Cursor kinds: the first byte of a decoded cursor names its list.
const (
	cursorDatasets = 'd' // + uint64be(height) + uint64be(round): a key of prefixResolved
	cursorRounds   = 'r' // + uint64be(round)
	cursorEvidence = 'e' // + uint64be(id)
	cursorSources  = 's' // + source id
)

// listQuery is a parsed list query.
type listQuery struct {
	limit      int
	cursor     []byte // key suffix after the list's prefix; nil: first page
	from, to   uint64 // inclusive; to = MaxUint64 when open
	fromH, toH uint64
	status     uint32 // 0: any
}

// parseList parses the list parameters of q for a list of cursor kind
// kind; parameters outside allowed are refused.
func parseList(q url.Values, kind byte, allowed ...string) (listQuery, error) {
	lq := listQuery{limit: DefaultLimit, to: ^uint64(0), toH: ^uint64(0)}
	for _, name := range slices.Sorted(maps.Keys(q)) { // sorted: the same error on every node
		if !slices.Contains(allowed, name) {
			return lq, fmt.Errorf("%w: parameter %q is not one of %v", ErrBadQuery, name, allowed)
		}
	}
	num := func(name string, dst *uint64, min uint64) error {
		s := q.Get(name)
		if s == "" {
			return nil
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n < min {
			return fmt.Errorf("%w: %s=%q: want an integer ≥ %d", ErrBadQuery, name, s, min)
		}
		*dst = n
		return nil
	}
	var limit uint64
	for _, f := range []struct {
		name string
		dst  *uint64
		min  uint64
	}{{ParamLimit, &limit, 1}, {ParamFrom, &lq.from, 0}, {ParamTo, &lq.to, 0}, {ParamFromHeight, &lq.fromH, 0}, {ParamToHeight, &lq.toH, 0}} {
		if err := num(f.name, f.dst, f.min); err != nil {
			return lq, err
		}
	}
	if limit > MaxLimit {
		return lq, fmt.Errorf("%w: limit=%d exceeds %d", ErrBadQuery, limit, MaxLimit)
	}
	if limit > 0 {
		lq.limit = int(limit)
	}
	if lq.to == 0 {
		lq.to = ^uint64(0)
	}
	if lq.toH == 0 {
		lq.toH = ^uint64(0)
	}
	if s := q.Get(ParamStatus); s != "" {
		st, ok := abi.ParseStatus(s)
		if !ok {
			return lq, fmt.Errorf("%w: status=%q: not a status name (ACCEPTED, REJECTED, …)", ErrBadQuery, s)
		}
		lq.status = uint32(st)
	}
	if s := q.Get(ParamCursor); s != "" {
		c, err := decodeCursor(kind, s)
		if err != nil {
			return lq, err
		}
		lq.cursor = c
	}
	return lq, nil
}

// encodeCursor makes the opaque cursor of key suffix pos in a list of
// kind kind.
func encodeCursor(kind byte, pos []byte) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{kind}, pos...))
}

func decodeCursor(kind byte, s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	bad := err != nil || len(b) < 2 || b[0] != kind
	if !bad {
		switch kind {
		case cursorDatasets:
			bad = len(b) != 17
		case cursorRounds, cursorEvidence:
			bad = len(b) != 9
		case cursorSources:
			bad = !ValidID(string(b[1:]))
		}
	}
	if bad {
		return nil, fmt.Errorf("%w: cursor %q is not a cursor of this list", ErrBadQuery, s)
	}
	return b[1:], nil
}

// visitFunc decides on one key of a list: the item to add (when ok), or
// stop to end the list here (a range bound reached).
type visitFunc[V any] func(key, value []byte) (item V, ok, stop bool, err error)

// scanPage walks the keys of [start, end) under prefix, descending when
// desc, from lq's cursor on, and collects up to lq.limit items. It visits
// at most maxScan keys.
func scanPage[V any](kv KV, kind byte, prefix, start, end []byte, desc bool, lq listQuery, visit visitFunc[V]) (Page[V], error) {
	p := Page[V]{Items: []V{}}
	if lq.cursor != nil {
		pos := append(bytes.Clone(prefix), lq.cursor...)
		if desc && (end == nil || bytes.Compare(pos, end) < 0) {
			end = pos // exclusive: strictly below the cursor
		}
		if !desc && bytes.Compare(pos, start) >= 0 {
			start = append(pos, 0) // strictly above the cursor
		}
	}
	if end != nil && bytes.Compare(start, end) >= 0 {
		return p, nil
	}
	var last []byte
	var verr error
	n := 0
	walk := func(k, v []byte) bool {
		if len(p.Items) == lq.limit || n == maxScan {
			p.Truncated = true
			return false
		}
		n++
		item, ok, stop, err := visit(k, v)
		if err != nil || stop {
			verr = err
			return false
		}
		last = bytes.Clone(k)
		if ok {
			p.Items = append(p.Items, item)
		}
		return true
	}
	var err error
	if desc {
		err = iterateDesc(kv, start, end, walk)
	} else {
		err = kv.Iterate(start, end, walk)
	}
	if err == nil {
		err = verr
	}
	if p.Truncated {
		p.Next = encodeCursor(kind, last[len(prefix):])
	}
	return p, err
}

// u64Key returns prefix ‖ uint64be(n), the first key of n.
func u64Key(prefix []byte, n uint64) []byte {
	return appendU64(bytes.Clone(prefix), n)
}

// u64End returns the exclusive end of keys prefix ‖ uint64be(≤ n).
func u64End(prefix []byte, n uint64) []byte {
	if n == ^uint64(0) {
		return prefixEnd(prefix)
	}
	return u64Key(prefix, n+1)
}

func appendU64(b []byte, n uint64) []byte {
	return append(b, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
