package explorer

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/pin"
)

// TestRecomputeCommit: the commit recomputed from an evidence record's
// reveal matches the one the worker would commit (tx.CommitHash over the
// same verdict), and differs when any part of the reveal was altered.
func TestRecomputeCommit(t *testing.T) {
	out, _ := pin.SumBytes([]byte(`{"price":"1"}`))
	in, _ := pin.SumBytes([]byte(`input`))
	op := bytes.Repeat([]byte{7}, 20)
	salt := make([]byte, 32)
	_, _ = rand.Read(salt)
	v := &pb.Verdict{Status: 1, OutputCid: out.Bytes(), InputCid: in.Bytes(), GasUsed: 42}
	c := tx.CommitHash("chain-a", "btc-usd", 12, op, v, salt)
	good := state.EvidenceView{Operator: hex.EncodeToString(op), Source: "btc-usd", Round: 12, Commit: hex.EncodeToString(c[:]),
		Salt: hex.EncodeToString(salt), Revealed: &state.VerdictView{Status: "ACCEPTED", OutputCID: out.String(), InputCID: in.String(), GasUsed: 42}}
	cases := []struct {
		name    string
		edit    func(e *state.EvidenceView)
		chain   string
		ok      bool // recomputable
		matches bool
	}{
		{"honest", func(*state.EvidenceView) {}, "chain-a", true, true},
		{"other chain", func(*state.EvidenceView) {}, "chain-b", true, false},
		{"gas altered", func(e *state.EvidenceView) { r := *e.Revealed; r.GasUsed = 43; e.Revealed = &r }, "chain-a", true, false},
		{"status altered", func(e *state.EvidenceView) { r := *e.Revealed; r.Status = "REJECTED"; e.Revealed = &r }, "chain-a", true, false},
		{"round altered", func(e *state.EvidenceView) { e.Round = 13 }, "chain-a", true, false},
		{"no reveal", func(e *state.EvidenceView) { e.Revealed = nil }, "chain-a", false, false},
		{"no salt", func(e *state.EvidenceView) { e.Salt = "" }, "chain-a", false, false},
		{"bad status", func(e *state.EvidenceView) { r := *e.Revealed; r.Status = "MAYBE"; e.Revealed = &r }, "chain-a", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := good
			tc.edit(&e)
			got, ok := recomputeCommit(tc.chain, e)
			if ok != tc.ok {
				t.Fatalf("recomputable = %v, want %v", ok, tc.ok)
			}
			if ok && (hex.EncodeToString(got[:]) == e.Commit) != tc.matches {
				t.Fatalf("matches = %v, want %v", !tc.matches, tc.matches)
			}
		})
	}
}

// TestSparkline: one bar per outcome, its label counts them, and nothing
// but numbers and fixed text goes into the SVG.
func TestSparkline(t *testing.T) {
	s := string(sparkline([]Mark{{Height: 1}, {Height: 2, Penalty: `<script>x</script>`}, {Height: 3}}))
	if n := strings.Count(s, "<rect"); n != 3 {
		t.Fatalf("%d bars in %s", n, s)
	}
	if !strings.Contains(s, `aria-label="last 3 rounds: 2 revealed, 1 penalised"`) || strings.Contains(s, "script") {
		t.Fatalf("sparkline %s", s)
	}
	if s := string(sparkline(nil)); !strings.Contains(s, "no rounds seen") {
		t.Fatalf("empty sparkline %s", s)
	}
}

// TestFollowerBounds: the follower keeps at most keepBlocks blocks and
// keepMarks outcomes per validator, refuses live subscribers beyond
// maxSubs, and a closed follower ends every subscription.
func TestFollowerBounds(t *testing.T) {
	f := newFollower()
	var subs []chan Block
	for range maxSubs {
		ch := f.subscribe()
		if ch == nil {
			t.Fatal("refused a subscriber below the limit")
		}
		subs = append(subs, ch)
	}
	if f.subscribe() != nil {
		t.Fatal("accepted a subscriber over the limit")
	}
	for h := uint64(1); h <= 3*keepBlocks; h++ {
		f.add(blockRead{Block: Block{Height: h}, marks: map[string][]Mark{"aa": {{Height: h}}},
			resolved: []Resolved{{Source: "s", Round: h}}})
	}
	bs, rs := f.snapshot()
	if len(bs) != keepBlocks || bs[0].Height != 3*keepBlocks || len(rs) != keepDatasets || rs[0].Round != 3*keepBlocks {
		t.Fatalf("kept %d blocks (newest %d), %d resolved", len(bs), bs[0].Height, len(rs))
	}
	if ms := f.marksOf("aa"); len(ms) != keepMarks || ms[len(ms)-1].Height != 3*keepBlocks {
		t.Fatalf("kept %d marks", len(ms))
	}
	// a subscriber that does not read misses blocks but never blocks add
	if got := <-subs[0]; got.Height != 1 {
		t.Fatalf("first block sent %d", got.Height)
	}
	f.unsubscribe(subs[1])
	f.closeSubs()
	f.unsubscribe(subs[2]) // after close: no double close
	for range cap(subs[0]) + 1 {
		if _, ok := <-subs[0]; !ok {
			break
		}
	}
	if _, ok := <-subs[0]; ok {
		t.Fatal("subscription still open after closeSubs")
	}
	if f.subscribe() != nil {
		t.Fatal("a closed follower accepted a subscriber")
	}
}

// TestAddMark: a penalty takes the place of the same round's reveal, so
// a validator has one mark per round; other marks append.
func TestAddMark(t *testing.T) {
	ms := addMark(nil, Mark{Height: 5, Source: "a", Round: 4})
	ms = addMark(ms, Mark{Height: 5, Source: "b", Round: 4})
	ms = addMark(ms, Mark{Height: 6, Source: "a", Round: 4, Penalty: "WRONG_VERDICT"})
	ms = addMark(ms, Mark{Height: 7, Source: "c", Round: 2, Penalty: "MISSED_REVEAL"})
	want := []Mark{{6, "a", 4, "WRONG_VERDICT"}, {5, "b", 4, ""}, {7, "c", 2, "MISSED_REVEAL"}}
	if len(ms) != len(want) {
		t.Fatalf("marks %+v, want %+v", ms, want)
	}
	for i := range want {
		if ms[i] != want[i] {
			t.Fatalf("marks %+v, want %+v", ms, want)
		}
	}
}

// TestVerifyCommand: the command names the source (quoted only when the
// shell needs it), the round, the node and the trust root.
func TestVerifyCommand(t *testing.T) {
	cases := []struct{ source, node, want string }{
		{"btc-usd", "tcp://127.0.0.1:26657", "assay dataset verify btc-usd 7 --node tcp://127.0.0.1:26657 --trust-height 9 --trust-hash AB"},
		{"it's", "tcp://h:1", `assay dataset verify 'it'\''s' 7 --node tcp://h:1 --trust-height 9 --trust-hash AB`},
		{"a b", "", `assay dataset verify 'a b' 7 --node '' --trust-height 9 --trust-hash AB`},
	}
	for _, tc := range cases {
		if got := verifyCommand(tc.node, tc.source, 7, 9, "AB"); got != tc.want {
			t.Errorf("verifyCommand(%q) = %s, want %s", tc.source, got, tc.want)
		}
	}
}
