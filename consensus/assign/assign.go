package assign

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sort"
)

// SeedTag is the domain tag of the v1 seed, hashed before the block hash.
// The chain now takes its seeds from the VRF seed chain (consensus/seed);
// the v1 seed stays for the golden vectors and the grinding simulation.
const SeedTag = "assay/seed/v1"

// AddressLen is the length of an operator address in bytes.
const AddressLen = 20

// Errors returned by NewPool.
var (
	// ErrAddress is returned for an operator address that is not 20 bytes.
	ErrAddress = errors.New("assign: operator address must be 20 bytes")
	// ErrDuplicate is returned when two members share an operator address.
	ErrDuplicate = errors.New("assign: duplicate operator address")
	// ErrOverflow is returned when the total stake does not fit in 64 bits.
	ErrOverflow = errors.New("assign: total stake overflows uint64")
)

// Member is one eligible validator: its operator address and stake.
type Member struct {
	Operator []byte // 20 bytes
	Stake    uint64
}

// Pool is the ordered set of eligible validators for one block: stake > 0,
// ascending by operator address (bytewise). It is immutable once built and
// every Pick starts from the full pool.
type Pool struct {
	members []Member
	prefix  []uint64 // prefix[i] = stake of members[0..i] inclusive
}

// Seed returns SHA-256(SeedTag ‖ blockHash), the v1 per-block seed, which
// a proposer could grind by varying its block; the chain uses
// consensus/seed instead.
func Seed(blockHash []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(SeedTag))
	h.Write(blockHash)
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// NewPool builds a pool from the candidate validators. Members with zero
// stake are dropped (the caller drops jailed ones); the rest are sorted by
// operator address. The input slice is not modified.
func NewPool(candidates []Member) (*Pool, error) {
	ms := make([]Member, 0, len(candidates))
	for _, m := range candidates {
		if len(m.Operator) != AddressLen {
			return nil, fmt.Errorf("%w: got %d", ErrAddress, len(m.Operator))
		}
		if m.Stake > 0 {
			ms = append(ms, m)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return bytes.Compare(ms[i].Operator, ms[j].Operator) < 0 })
	prefix := make([]uint64, len(ms))
	var sum uint64
	for i, m := range ms {
		if i > 0 && bytes.Equal(ms[i-1].Operator, m.Operator) {
			return nil, fmt.Errorf("%w: %x", ErrDuplicate, m.Operator)
		}
		var carry uint64
		sum, carry = bits.Add64(sum, m.Stake, 0)
		if carry != 0 {
			return nil, ErrOverflow
		}
		prefix[i] = sum
	}
	return &Pool{members: ms, prefix: prefix}, nil
}

// Members returns the pool in order. The caller must not modify it.
func (p *Pool) Members() []Member { return p.members }

// Len returns the number of members.
func (p *Pool) Len() int { return len(p.members) }

// Total returns the stake of the whole pool.
func (p *Pool) Total() uint64 {
	if len(p.prefix) == 0 {
		return 0
	}
	return p.prefix[len(p.prefix)-1]
}

// Draw returns x = uint64be(SHA-256(seed ‖ id ‖ uint32be(j))[0:8]), the
// j-th raw draw for source id, before reduction modulo the pool's stake.
func Draw(seed [32]byte, id string, j uint32) uint64 {
	var arr [128]byte // source ids are short; longer ones spill to the heap
	buf := append(arr[:0], seed[:]...)
	buf = append(buf, id...)
	buf = binary.BigEndian.AppendUint32(buf, j)
	d := sha256.Sum256(buf)
	return binary.BigEndian.Uint64(d[:8])
}

// Pick selects r = min(k, Len()) distinct members for source id, appending
// their indices (into Members) to dst in pick order. For j = 0..r−1 it
// draws x = Draw(seed, id, j) mod total, where total is the stake still in
// the pool, and takes the first remaining member whose running stake sum
// exceeds x; that member leaves the pool for the next draw.
//
// # Notes
//
// It runs in O(r·(log n + r)) using prefix sums: the running sum of the
// reduced pool at index i is prefix[i] minus the stake of removed members
// at or before i, which is non-decreasing in i, so a binary search finds
// the first index where it exceeds x, and that index is never a removed
// member.
func (p *Pool) Pick(seed [32]byte, id string, k int, dst []int) []int {
	r := min(k, len(p.members))
	if r <= 0 {
		return dst
	}
	var small [8]int
	removed := small[:0] // ascending indices of members already taken
	total := p.Total()
	for j := 0; j < r; j++ {
		x := Draw(seed, id, uint32(j)) % total
		i := p.search(x, removed)
		dst = append(dst, i)
		removed = insertSorted(removed, i)
		total -= p.members[i].Stake
	}
	return dst
}

// search returns the smallest index i whose running sum over the reduced
// pool, prefix[i] − stake(removed members ≤ i), exceeds x.
func (p *Pool) search(x uint64, removed []int) int {
	return sort.Search(len(p.members), func(i int) bool {
		sum := p.prefix[i]
		for _, ri := range removed {
			if ri > i {
				break
			}
			sum -= p.members[ri].Stake
		}
		return sum > x
	})
}

// insertSorted inserts v into the ascending slice s.
func insertSorted(s []int, v int) []int {
	pos := sort.SearchInts(s, v)
	s = append(s, 0)
	copy(s[pos+1:], s[pos:])
	s[pos] = v
	return s
}
