package assign_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/quick"

	"github.com/assaynet/assay/consensus/assign"
)

var update = flag.Bool("update", false, "rewrite testdata/assignment_vectors.json from the naive implementation")

const vectorsPath = "../testdata/assignment_vectors.json"

// vector is one golden case, in the shape documented in docs/protocol.md.
type vector struct {
	// BlockHash made the seed under the v1 derivation; the cases keep it.
	BlockHash string `json:"block_hash"`
	// Seed is the seed the assignment starts from (hex, 32 bytes): here
	// SHA-256("assay/seed/v1" ‖ block_hash). On chain the seed comes from
	// the VRF seed chain (consensus/seed); the assignment from a seed is
	// the same whatever made it.
	Seed        string              `json:"seed"`
	Validators  []vectorValidator   `json:"validators"`
	Sources     []vectorSource      `json:"sources"`
	Assignments map[string][]string `json:"assignments"`
}

type vectorValidator struct {
	Operator string `json:"operator"`
	Stake    uint64 `json:"stake"`
}

type vectorSource struct {
	ID       string `json:"id"`
	Replicas int    `json:"replicas"`
}

// naiveAssign is a deliberately literal reading of docs/protocol.md section 1,
// independent of the package: copy the pool per source, walk it linearly,
// remove the winner. It writes the golden vectors.
func naiveAssign(seed [32]byte, vals []vectorValidator, id string, k int) []string {
	var pool []vectorValidator
	for _, v := range vals {
		if v.Stake > 0 {
			pool = append(pool, v)
		}
	}
	for i := 1; i < len(pool); i++ { // insertion sort by address bytes
		for j := i; j > 0; j-- {
			a, _ := hex.DecodeString(pool[j-1].Operator)
			b, _ := hex.DecodeString(pool[j].Operator)
			if bytes.Compare(a, b) <= 0 {
				break
			}
			pool[j-1], pool[j] = pool[j], pool[j-1]
		}
	}
	r := min(k, len(pool))
	var out []string
	for j := 0; j < r; j++ {
		var total uint64
		for _, v := range pool {
			total += v.Stake
		}
		msg := append(append(append([]byte{}, seed[:]...), id...), byte(j>>24), byte(j>>16), byte(j>>8), byte(j))
		d := sha256.Sum256(msg)
		x := binary.BigEndian.Uint64(d[:8]) % total
		var run uint64
		for i, v := range pool {
			run += v.Stake
			if run > x {
				out = append(out, v.Operator)
				pool = append(pool[:i:i], pool[i+1:]...)
				break
			}
		}
	}
	return out
}

// realAssign runs the package under test on a vector's inputs.
func realAssign(t testing.TB, seed [32]byte, vals []vectorValidator, id string, k int) []string {
	ms := make([]assign.Member, len(vals))
	for i, v := range vals {
		op, err := hex.DecodeString(v.Operator)
		if err != nil {
			t.Fatalf("operator %q: %v", v.Operator, err)
		}
		ms[i] = assign.Member{Operator: op, Stake: v.Stake}
	}
	pool, err := assign.NewPool(ms)
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}
	var out []string
	for _, i := range pool.Pick(seed, id, k, nil) {
		out = append(out, hex.EncodeToString(pool.Members()[i].Operator))
	}
	return out
}

// v1Seed is SHA-256("assay/seed/v1" ‖ blockHash), read literally.
func v1Seed(blockHash []byte) [32]byte {
	return sha256.Sum256(append([]byte("assay/seed/v1"), blockHash...))
}

func addr(name string) string {
	h := sha256.Sum256([]byte(name))
	return hex.EncodeToString(h[:20])
}

func blockHash(name string) string {
	h := sha256.Sum256([]byte(name))
	return hex.EncodeToString(h[:])
}

// cases are the inputs of the golden vectors; assignments come from naiveAssign.
func cases() []vector {
	vals := func(stakes ...uint64) []vectorValidator {
		out := make([]vectorValidator, len(stakes))
		for i, s := range stakes {
			out[i] = vectorValidator{Operator: addr(fmt.Sprintf("validator-%d", i)), Stake: s}
		}
		return out
	}
	srcs := func(k int, ids ...string) []vectorSource {
		out := make([]vectorSource, len(ids))
		for i, id := range ids {
			out[i] = vectorSource{ID: id, Replicas: k}
		}
		return out
	}
	many := srcs(3, "a", "b", "btc-usd", "eth-usd", "weather.eu", "weather.us", "x_1", "y-2", "z.3", "zz")
	return []vector{
		{BlockHash: blockHash("equal"), Validators: vals(100, 100, 100, 100), Sources: srcs(3, "a", "btc-usd", "weather.eu")},
		{BlockHash: blockHash("skewed"), Validators: vals(1, 10, 100, 1000, 1000000),
			Sources: []vectorSource{{"k1", 1}, {"k2", 2}, {"k3", 3}, {"k5", 5}}},
		{BlockHash: blockHash("k-larger"), Validators: vals(5, 7, 9), Sources: srcs(5, "feed", "other")},
		{BlockHash: blockHash("one"), Validators: vals(42), Sources: srcs(3, "solo")},
		{BlockHash: blockHash("zero-stake"), Validators: vals(0, 3, 0, 8, 13, 21, 34), Sources: many},
		{BlockHash: blockHash("large-stakes"), Validators: vals(1<<52, 3<<50, 1<<40, 7), Sources: srcs(2, "big", "small")},
	}
}

func fill(v vector) vector {
	bh, _ := hex.DecodeString(v.BlockHash)
	seed := v1Seed(bh)
	v.Seed = hex.EncodeToString(seed[:])
	v.Assignments = map[string][]string{}
	for _, s := range v.Sources {
		v.Assignments[s.ID] = naiveAssign(seed, v.Validators, s.ID, s.Replicas)
	}
	return v
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	if *update {
		var vs []vector
		for _, c := range cases() {
			vs = append(vs, fill(c))
		}
		b, err := json.MarshalIndent(vs, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(vectorsPath), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.FromSlash(vectorsPath))
	if err != nil {
		t.Fatalf("read vectors (regenerate with -update): %v", err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatalf("decode vectors: %v", err)
	}
	return vs
}

func TestGoldenVectors(t *testing.T) {
	vs := loadVectors(t)
	if len(vs) < 5 {
		t.Fatalf("only %d vectors", len(vs))
	}
	for _, v := range vs {
		t.Run(v.BlockHash[:8], func(t *testing.T) {
			bh, err := hex.DecodeString(v.BlockHash)
			if err != nil {
				t.Fatal(err)
			}
			sb, err := hex.DecodeString(v.Seed)
			if err != nil || len(sb) != 32 {
				t.Fatalf("seed %q: want 32 hex bytes", v.Seed)
			}
			seed := [32]byte(sb)
			if seed != v1Seed(bh) || seed != assign.Seed(bh) {
				t.Fatalf("seed %s is not the v1 seed of block_hash", v.Seed)
			}
			for _, s := range v.Sources {
				want := v.Assignments[s.ID]
				if got := realAssign(t, seed, v.Validators, s.ID, s.Replicas); !equal(got, want) {
					t.Errorf("source %s: real %v, golden %v", s.ID, got, want)
				}
				if got := naiveAssign(seed, v.Validators, s.ID, s.Replicas); !equal(got, want) {
					t.Errorf("source %s: naive %v, golden %v", s.ID, got, want)
				}
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestQuickAgainstNaive compares the real and naive algorithms on random pools.
func TestQuickAgainstNaive(t *testing.T) {
	realFn := func(seed uint64, n uint8, k uint8, skew bool) []string {
		bh, vals, id := randomInput(seed, n, skew)
		return realAssign(t, v1Seed(bh), vals, id, int(k%12))
	}
	naiveFn := func(seed uint64, n uint8, k uint8, skew bool) []string {
		bh, vals, id := randomInput(seed, n, skew)
		return naiveAssign(v1Seed(bh), vals, id, int(k%12))
	}
	if err := quick.CheckEqual(realFn, naiveFn, &quick.Config{MaxCount: 2000}); err != nil {
		t.Fatal(err)
	}
}

func randomInput(seed uint64, n uint8, skew bool) ([]byte, []vectorValidator, string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	bh := make([]byte, 32)
	for i := range bh {
		bh[i] = byte(rng.Uint32())
	}
	vals := make([]vectorValidator, int(n%40)+1)
	for i := range vals {
		s := rng.Uint64N(1000)
		if skew {
			s = rng.Uint64N(1 << (rng.UintN(50) + 1))
		}
		vals[i] = vectorValidator{Operator: addr(fmt.Sprintf("q-%d-%d", seed, i)), Stake: s}
	}
	return bh, vals, fmt.Sprintf("src-%d", rng.UintN(1000))
}

func TestNewPoolErrors(t *testing.T) {
	a := bytes.Repeat([]byte{1}, 20)
	tests := []struct {
		name string
		in   []assign.Member
		want error
	}{
		{"short address", []assign.Member{{Operator: []byte{1, 2}, Stake: 1}}, assign.ErrAddress},
		{"duplicate", []assign.Member{{Operator: a, Stake: 1}, {Operator: a, Stake: 2}}, assign.ErrDuplicate},
		{"overflow", []assign.Member{{Operator: a, Stake: 1 << 63}, {Operator: bytes.Repeat([]byte{2}, 20), Stake: 1 << 63}}, assign.ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := assign.NewPool(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEmptyPool(t *testing.T) {
	p, err := assign.NewPool([]assign.Member{{Operator: make([]byte, 20), Stake: 0}})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Pick(assign.Seed(nil), "x", 3, nil); len(got) != 0 {
		t.Fatalf("empty pool picked %v", got)
	}
}
