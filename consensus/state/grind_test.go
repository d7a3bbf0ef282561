package state_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/assign"
	"github.com/assaynet/assay/consensus/state"
)

// TestGrindingAttack simulates the attack of issue 14: a byzantine
// proposer, one of a coalition holding 4 of 20 equal stakes (f = 0.2),
// proposes every block and tries N variants of it (other txs, other
// order) to make a target source's round, due every block with k = 3,
// go to its coalition (≥ 2 of the 3 seats, which decides the round).
//
// Under the v1 seed, SHA-256("assay/seed/v1" ‖ block hash), each variant
// is a fresh draw, so the attacker captures the round with probability
// 1 − (1 − p)^N instead of p. Under the VRF seed chain the test runs each
// variant through the real state machine (on a copy of the state): every
// variant gets the same assignment, and captures happen at the chance
// rate p, within 4 standard deviations. It also measures the one choice
// left, withholding: a coalition proposer whose seed does not capture
// lets its proposal time out, and the next round's (honest) proposer's
// seed gives a second draw, p + (1 − p)·p.
func TestGrindingAttack(t *testing.T) {
	const (
		n, coalition, k = 20, 4, 3
		variants        = 16
		trials          = 300
	)
	stakes := make([]uint64, n)
	for i := range stakes {
		stakes[i] = 100
	}
	// miss_max is high so that nobody is jailed for the rounds nobody works on.
	c := newChainWith(t, `{"commit_window":"3","reveal_window":"3","jail_blocks":"10","miss_window":128,"miss_max":127}`, stakes...)
	c.setupSource("target", 1, k)
	inCoalition := map[string]bool{}
	var members []assign.Member
	for i, a := range c.vals {
		if i < coalition {
			inCoalition[hex.EncodeToString(a.addr)] = true
		}
		members = append(members, assign.Member{Operator: a.addr, Stake: 100})
	}
	pool, err := assign.NewPool(members)
	if err != nil {
		t.Fatal(err)
	}
	captured := func(ops []string) bool {
		got := 0
		for _, op := range ops {
			if inCoalition[op] {
				got++
			}
		}
		return got >= 2
	}
	// p = P(≥ 2 of 3 seats) drawing 3 of 20 without replacement.
	p := float64(binom(coalition, 2)*binom(n-coalition, 1)+binom(coalition, 3)) / float64(binom(n, 3))
	attacker := c.vals[0]

	var oldHits, newHits, withheldHits int
	for trial := 0; trial < trials; trial++ {
		h := c.height + 1
		vrf := c.m.VRFTx(attacker.vrf)
		var first []string
		oldHit := false
		for v := 0; v < variants; v++ {
			// The variant's content: any bytes the proposer chooses (a tx
			// that fails counts as much as one that succeeds).
			txs := [][]byte{vrf, []byte(fmt.Sprintf("variant %d/%d", trial, v))}
			// v1: the seed follows the block hash, which follows the txs.
			d := sha256.New()
			fmt.Fprintf(d, "%d", h)
			for _, raw := range txs {
				d.Write(raw)
			}
			var picks []string
			for _, i := range pool.Pick(assign.Seed(d.Sum(nil)), "target", k, nil) {
				picks = append(picks, hex.EncodeToString(pool.Members()[i].Operator))
			}
			oldHit = oldHit || captured(picks)
			// VRF: the real state machine, on a copy of the state.
			ops := assignees(t, c.kv, h, consAddr(attacker), txs)
			if v == 0 {
				first = ops
			} else if strings.Join(ops, ",") != strings.Join(first, ",") {
				t.Fatalf("trial %d: variant %d changed the assignment: %v vs %v", trial, v, ops, first)
			}
		}
		if oldHit {
			oldHits++
		}
		newHit := captured(first)
		if newHit {
			newHits++
		}
		// Withholding: the next round's proposer is honest.
		next := c.vals[coalition+trial%(n-coalition)]
		if newHit || captured(assignees(t, c.kv, h, consAddr(next), [][]byte{c.m.VRFTx(next.vrf)})) {
			withheldHits++
		}
		c.height++
		if _, err := c.m.FinalizeBlock(&state.Block{Height: h, Proposer: consAddr(attacker), Txs: [][]byte{vrf}}); err != nil {
			t.Fatal(err)
		}
		if err := c.m.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	within := func(name string, hits int, q float64) {
		mean, sd := trials*q, math.Sqrt(trials*q*(1-q))
		t.Logf("%s: %d/%d captured (%.1f%%), expected %.1f ± %.1f (%.1f%%)", name, hits, trials, 100*float64(hits)/trials, mean, sd, 100*q)
		if math.Abs(float64(hits)-mean) > 4*sd {
			t.Errorf("%s: %d captures, outside %.1f ± 4·%.1f", name, hits, mean, sd)
		}
	}
	within("v1 seed, 16 variants per proposal", oldHits, 1-math.Pow(1-p, variants))
	within("VRF seed, 16 variants per proposal", newHits, p)
	within("VRF seed, withholding once", withheldHits, p+(1-p)*p)
	if oldHits < 5*newHits {
		t.Errorf("grinding the v1 seed captured %d rounds, the VRF seed %d: the attack is not shown", oldHits, newHits)
	}
}

// assignees finalizes block h (proposer, txs) on a copy of the committed
// state and returns the target round's assignees.
func assignees(t *testing.T, kv *state.MemKV, h uint64, proposer []byte, txs [][]byte) []string {
	t.Helper()
	m, err := state.Open(kv.Clone(), config())
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.FinalizeBlock(&state.Block{Height: h, Proposer: proposer, Txs: txs})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Events {
		if e.Type != state.EventAssign {
			continue
		}
		at := map[string]string{}
		for _, a := range e.Attrs {
			at[a.Key] = a.Value
		}
		if at[state.AttrSource] == "target" {
			return strings.Split(at[state.AttrAssignees], ",")
		}
	}
	t.Fatalf("block %d assigned no target round", h)
	return nil
}

func binom(n, k int) int {
	r := 1
	for i := 0; i < k; i++ {
		r = r * (n - i) / (i + 1)
	}
	return r
}
