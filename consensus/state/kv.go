package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"sort"
	"sync"
)

// KV is a read view of the committed state. Keys and values are opaque
// bytes; Iterate visits keys in ascending bytewise order.
type KV interface {
	// Get returns the value of key, or nil if absent.
	Get(key []byte) ([]byte, error)
	// Iterate calls fn for each key in [start, end) in ascending order
	// until fn returns false. A nil end means no upper bound.
	Iterate(start, end []byte, fn func(key, value []byte) bool) error
}

// Store is the storage the machine runs on: the committed state, which
// also computes the app hash. The node's is the IAVL tree of
// consensus/store (docs/protocol.md section 4).
type Store interface {
	KV
	// Stage replaces any staged changes with changes (ascending by key)
	// and returns the root hash the state has with them applied: the app
	// hash. Get and Iterate read the committed state until Commit.
	Stage(changes []Change) ([]byte, error)
	// Commit persists the staged changes atomically.
	Commit() error
	// Hash returns the hash of the committed state, nil if empty.
	Hash() []byte
}

// ReverseKV is a KV that can also visit keys in descending order.
// Newest-first list queries use it; over a KV without it (MemKV) they
// fall back to an ascending walk of the whole range (correct, but linear
// in it).
type ReverseKV interface {
	KV
	// ReverseIterate calls fn for each key in [start, end) in descending
	// order until fn returns false. A nil end means no upper bound.
	ReverseIterate(start, end []byte, fn func(key, value []byte) bool) error
}

// Change is one staged write: a set, or a delete when Delete is true.
type Change struct {
	Key    []byte
	Value  []byte
	Delete bool
}

// MemKV is an in-memory Store for the machine's own tests, safe for
// concurrent use. Its hash is a stand-in, not the protocol's app hash:
// SHA-256 over every record in key order, each as uint32be(len key) ‖
// key ‖ uint32be(len value) ‖ value. Nodes and simulations use the IAVL
// tree of consensus/store.
type MemKV struct {
	mu     sync.RWMutex
	m      map[string][]byte
	staged []Change
	hash   []byte
}

// NewMemKV returns an empty MemKV.
func NewMemKV() *MemKV { return &MemKV{m: map[string][]byte{}} }

// Get implements KV.
func (kv *MemKV) Get(key []byte) ([]byte, error) {
	kv.mu.RLock()
	defer kv.mu.RUnlock()
	v, ok := kv.m[string(key)]
	if !ok {
		return nil, nil
	}
	return bytes.Clone(v), nil
}

// Iterate implements KV.
func (kv *MemKV) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	kv.mu.RLock()
	keys := kv.keys(start, end)
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = kv.m[k]
	}
	kv.mu.RUnlock()
	for i, k := range keys {
		if !fn([]byte(k), bytes.Clone(vals[i])) {
			break
		}
	}
	return nil
}

func (kv *MemKV) keys(start, end []byte) []string {
	keys := make([]string, 0, 64)
	for k := range kv.m {
		if k >= string(start) && (end == nil || k < string(end)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Stage implements Store.
func (kv *MemKV) Stage(changes []Change) ([]byte, error) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.staged = slices.Clone(changes)
	next := make(map[string][]byte, len(kv.m)+len(changes))
	for k, v := range kv.m {
		next[k] = v
	}
	applyTo(next, changes)
	return flatHash(next), nil
}

// Commit implements Store.
func (kv *MemKV) Commit() error {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	applyTo(kv.m, kv.staged)
	kv.staged = nil
	kv.hash = flatHash(kv.m)
	return nil
}

// Hash implements Store.
func (kv *MemKV) Hash() []byte {
	kv.mu.RLock()
	defer kv.mu.RUnlock()
	return bytes.Clone(kv.hash)
}

// iterateDesc visits [start, end) of kv in descending key order.
func iterateDesc(kv KV, start, end []byte, fn func(key, value []byte) bool) error {
	if r, ok := kv.(ReverseKV); ok {
		return r.ReverseIterate(start, end, fn)
	}
	var keys, vals [][]byte
	if err := kv.Iterate(start, end, func(k, v []byte) bool {
		keys, vals = append(keys, bytes.Clone(k)), append(vals, bytes.Clone(v))
		return true
	}); err != nil {
		return err
	}
	for i := len(keys) - 1; i >= 0; i-- {
		if !fn(keys[i], vals[i]) {
			break
		}
	}
	return nil
}

// Apply writes changes at once, bypassing Stage, for tests that prepare
// a state.
func (kv *MemKV) Apply(changes []Change) error {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	applyTo(kv.m, changes)
	kv.hash = flatHash(kv.m)
	return nil
}

func applyTo(m map[string][]byte, changes []Change) {
	for _, c := range changes {
		if c.Delete {
			delete(m, string(c.Key))
		} else {
			m[string(c.Key)] = bytes.Clone(c.Value)
		}
	}
}

func flatHash(m map[string][]byte) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	var n [4]byte
	for _, k := range keys {
		binary.BigEndian.PutUint32(n[:], uint32(len(k)))
		h.Write(n[:])
		h.Write([]byte(k))
		binary.BigEndian.PutUint32(n[:], uint32(len(m[k])))
		h.Write(n[:])
		h.Write(m[k])
	}
	return h.Sum(nil)
}

// Clone returns a deep copy, for tests that fork a replica.
func (kv *MemKV) Clone() *MemKV {
	kv.mu.RLock()
	defer kv.mu.RUnlock()
	c := NewMemKV()
	for k, v := range kv.m {
		c.m[k] = bytes.Clone(v)
	}
	c.hash = bytes.Clone(kv.hash)
	return c
}

// overlay stages writes over a KV until flushed.
type overlay struct {
	base    KV
	pending map[string]*Change
}

func newOverlay(base KV) *overlay {
	return &overlay{base: base, pending: map[string]*Change{}}
}

func (o *overlay) get(key []byte) ([]byte, error) {
	if c, ok := o.pending[string(key)]; ok {
		if c.Delete {
			return nil, nil
		}
		return c.Value, nil
	}
	return o.base.Get(key)
}

func (o *overlay) set(key, value []byte) {
	o.pending[string(key)] = &Change{Key: key, Value: value}
}

func (o *overlay) del(key []byte) {
	o.pending[string(key)] = &Change{Key: key, Delete: true}
}

// changes returns the staged writes sorted by key.
func (o *overlay) changes() []Change {
	out := make([]Change, 0, len(o.pending))
	for _, c := range o.pending {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Change) int { return bytes.Compare(a.Key, b.Key) })
	return out
}

func (o *overlay) reset() { o.pending = map[string]*Change{} }
