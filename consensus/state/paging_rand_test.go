package state_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// TestPagingWhileRoundsResolveRandomly is a seeded randomized test of the
// state machine and the datasets query together: a source opens a round
// every block, its assignee commits and reveals each round after random
// delays (so rounds resolve out of order: a younger round often resolves
// before an older one), a second source adds datasets that must not
// appear, and a consumer follows the source's datasets the documented way
// (docs/protocol.md 6.1: walk from_height = head+1 newest first with the
// cursor, then move head to the newest resolving height seen) with 0 to 3
// blocks between any two pages. It must see every dataset the chain
// resolved exactly once, and only the source's.
func TestPagingWhileRoundsResolveRandomly(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { pagingRandom(t, seed) })
	}
}

// roundPlan is when the assignee commits and reveals one round.
type roundPlan struct {
	source             string
	round              uint64
	commitAt, revealAt uint64
}

func pagingRandom(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	c := newChainWith(t, `{"commit_window":"8","reveal_window":"8","jail_blocks":"10"}`, 100)
	val := c.vals[0]
	resolved := map[uint64]bool{} // rounds of feed that resolved
	var plans []roundPlan
	c.onBlock = func(res *state.BlockResult) {
		for _, e := range res.Events {
			a := attrs(e)
			switch {
			case e.Type == state.EventAssign:
				r, _ := strconv.ParseUint(a[state.AttrRound], 10, 64)
				commit := r + 1 + rng.Uint64N(6)                                                              // commit window: r < h ≤ r+8
				plans = append(plans, roundPlan{a[state.AttrSource], r, commit, commit + 1 + rng.Uint64N(6)}) // reveal window: 8 blocks from commit+1
			case e.Type == state.EventRoundClosed && a[state.AttrSource] == "feed":
				if a[state.AttrPhase] != pb.Phase_PHASE_RESOLVED.String() {
					t.Fatalf("round %s closed %s", a[state.AttrRound], a[state.AttrPhase])
				}
				r, _ := strconv.ParseUint(a[state.AttrRound], 10, 64)
				resolved[r] = true
			}
		}
	}
	cc := c.setupSource("feed", 1, 1)
	c.mustOK(c.block(c.sign(c.owner, tx.RegisterSourceBody("other", spec(cc, 2, 1)))))
	// step makes one block with the commits and reveals due in it.
	const rounds = 150
	step := func() {
		h := c.height + 1
		var commits []*pb.CommitEntry
		var reveals []*pb.RevealEntry
		for _, p := range plans {
			v := verdict(t, fmt.Sprintf("%s/%d", p.source, p.round))
			if p.commitAt == h {
				hash := tx.CommitHash(chainID, p.source, p.round, val.addr, v, salt(val, p.source, p.round))
				commits = append(commits, &pb.CommitEntry{Source: p.source, Round: p.round, Hash: hash[:]})
			}
			if p.revealAt == h {
				reveals = append(reveals, &pb.RevealEntry{Source: p.source, Round: p.round, Verdict: v, Salt: salt(val, p.source, p.round)})
			}
		}
		var txs [][]byte
		if len(commits) > 0 {
			txs = append(txs, c.sign(val, tx.CommitBody(commits...)))
		}
		if len(reveals) > 0 {
			txs = append(txs, c.sign(val, tx.RevealBody(reveals...)))
		}
		c.mustOK(c.block(txs...))
	}
	start := c.height

	seen := map[uint64]int{}
	var head uint64
	outOfOrder := 0
	for walks := 0; ; walks++ {
		if walks > 10*rounds {
			t.Fatal("following does not end")
		}
		opts, newHead, got := state.ListOptions{Limit: 1 + rng.IntN(7), FromHeight: head + 1}, head, 0
		before := c.height
		for pages := 0; ; pages++ {
			if pages > 10*rounds {
				t.Fatal("paging does not end")
			}
			p := query[state.Page[state.DatasetView]](t, c.kv, state.PathDatasets("feed", opts))
			for i, d := range p.Items {
				if d.Source != "feed" {
					t.Fatalf("dataset of %s in feed's list", d.Source)
				}
				seen[d.Round]++
				newHead = max(newHead, d.Height)
				if i > 0 && d.Round > p.Items[i-1].Round {
					outOfOrder++ // newest resolved first, yet an older round
				}
			}
			got += len(p.Items)
			for n := rng.IntN(4); n > 0 && c.height < start+rounds+20; n-- {
				step()
			}
			if !p.Truncated {
				break
			}
			opts.Cursor = p.Next
		}
		head = newHead
		if got == 0 && c.height == before && c.height >= start+rounds+20 { // nothing new, and no block since the walk began
			break
		}
	}
	if len(resolved) < rounds/2 || outOfOrder == 0 {
		t.Fatalf("only %d rounds resolved, %d out of order: the test does not test", len(resolved), outOfOrder)
	}
	for r := range resolved {
		if seen[r] != 1 {
			t.Errorf("round %d seen %d times", r, seen[r])
		}
	}
	for r, n := range seen {
		if !resolved[r] {
			t.Errorf("round %d seen %d times, never resolved", r, n)
		}
	}
	t.Logf("%d datasets over %d blocks, %d seen out of round order", len(resolved), c.height-start, outOfOrder)
}

// attrs maps an event's attributes by key.
func attrs(e state.Event) map[string]string {
	m := make(map[string]string, len(e.Attrs))
	for _, a := range e.Attrs {
		m[a.Key] = a.Value
	}
	return m
}
