package assign_test

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/assaynet/assay/consensus/assign"
)

func benchPool(b *testing.B, n int) *assign.Pool {
	ms := make([]assign.Member, n)
	for i := range ms {
		h := sha256.Sum256([]byte(fmt.Sprintf("bench-%d", i)))
		ms[i] = assign.Member{Operator: h[:20], Stake: uint64(1000 + i*37%5000)}
	}
	p, err := assign.NewPool(ms)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkAssign10kx1k is one block: 10,000 due sources over 1,000
// validators with k = 3 (goal ≤ 20 ms per op). The yardstick sub-benchmark
// is the 30,000 SHA-256 draws alone, the floor of any implementation.
func BenchmarkAssign10kx1k(b *testing.B) {
	pool := benchPool(b, 1000)
	ids := make([]string, 10000)
	for i := range ids {
		ids[i] = fmt.Sprintf("source-%05d", i)
	}
	seed := assign.Seed([]byte("block"))
	b.Run("assign", func(b *testing.B) {
		dst := make([]int, 0, 3)
		for b.Loop() {
			for _, id := range ids {
				dst = pool.Pick(seed, id, 3, dst[:0])
			}
		}
	})
	b.Run("yardstick-draws-only", func(b *testing.B) {
		var sink uint64
		for b.Loop() {
			for _, id := range ids {
				for j := uint32(0); j < 3; j++ {
					sink += assign.Draw(seed, id, j)
				}
			}
		}
		_ = sink
	})
}
