package state_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/state"
)

// TestProcessProposalRefusesByzantineVRF: every way a proposer can get
// its VRF tx wrong is refused by ProcessProposal and by FinalizeBlock,
// which then changes nothing; the honest block after it is accepted.
func TestProcessProposalRefusesByzantineVRF(t *testing.T) {
	c := newChain(t, 100, 100, 100)
	c.block()
	c.block()
	p, other := c.proposer(), c.vals[0]
	if p == other {
		other = c.vals[1]
	}
	prev := c.m.Seed()
	user := c.sign(c.owner, &pb.TxBody{Kind: &pb.TxBody_Unjail{Unjail: &pb.Unjail{}}})
	// A replay: the VRF tx the same validator made for block 2 (over
	// seed_1), taken from a twin chain one block behind.
	c2 := newChain(t, 100, 100, 100)
	c2.block()
	replay := c2.m.VRFTx(p.vrf)
	good := seed.EncodeTx(seed.Prove(p.vrf, prev))
	flipped := bytes.Clone(good)
	flipped[len(flipped)-1] ^= 1
	wrongSeed := prev
	wrongSeed[0] ^= 1
	for _, tc := range []struct {
		name     string
		proposer []byte
		txs      [][]byte
	}{
		{"empty block", consAddr(p), nil},
		{"missing VRF tx", consAddr(p), [][]byte{user}},
		{"VRF tx not first", consAddr(p), [][]byte{user, good}},
		{"two VRF txs", consAddr(p), [][]byte{good, good}},
		{"truncated", consAddr(p), [][]byte{good[:len(good)-1]}},
		{"flipped bit", consAddr(p), [][]byte{flipped}},
		{"wrong seed", consAddr(p), [][]byte{seed.EncodeTx(seed.Prove(p.vrf, wrongSeed))}},
		{"someone else's key", consAddr(p), [][]byte{seed.EncodeTx(seed.Prove(other.vrf, prev))}},
		{"consensus key as VRF key", consAddr(p), [][]byte{seed.EncodeTx(seed.Prove(p.cons, prev))}},
		{"replayed proof", consAddr(p), [][]byte{replay}},
		{"other's proof, own address", consAddr(other), [][]byte{good}},
		{"unknown proposer", make([]byte, 20), [][]byte{good}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.m.ProcessProposal(tc.proposer, tc.txs); !errors.Is(err, state.ErrProposal) {
				t.Fatalf("ProcessProposal = %v, want ErrProposal", err)
			}
			hash := c.m.AppHash()
			if _, err := c.m.FinalizeBlock(&state.Block{Height: c.height + 1, Proposer: tc.proposer, Txs: tc.txs}); !errors.Is(err, state.ErrProposal) {
				t.Fatalf("FinalizeBlock = %v, want ErrProposal", err)
			}
			if c.m.Seed() != prev || !bytes.Equal(c.m.AppHash(), hash) || c.m.Height() != c.height {
				t.Fatal("a refused block changed the state")
			}
		})
	}
	if err := c.m.ProcessProposal(consAddr(p), [][]byte{good, user}); err != nil {
		t.Fatalf("honest proposal: %v", err)
	}
	res := c.block() // the chain goes on
	if got := res.Events[0]; got.Type != state.EventSeed || got.Attrs[1].Key != state.AttrVRFOutput {
		t.Fatalf("first block event %+v", got)
	}
	if c.m.Seed() == prev {
		t.Fatal("seed did not advance")
	}
}

// TestSeedChain: the seed of each block is Next(previous seed, the
// proposer's VRF output), starting at Genesis(chain id); it depends on
// nothing else in the block (the txs, the misbehavior).
func TestSeedChain(t *testing.T) {
	a, b := newChain(t, 100, 200, 300), newChain(t, 100, 200, 300)
	if want := seed.Genesis(chainID); a.m.Seed() != want {
		t.Fatalf("genesis seed %x, want %x", a.m.Seed(), want)
	}
	a.setupSource("feed", 1000, 2)
	for i := 0; i < 5; i++ {
		p := a.proposer()
		prev := a.m.Seed()
		out, err := seed.Verify(p.vrf.Public().(ed25519.PublicKey), prev, seed.Prove(p.vrf, prev))
		if err != nil {
			t.Fatal(err)
		}
		a.block()
		if want := seed.Next(prev, out); a.m.Seed() != want {
			t.Fatalf("block %d: seed %x, want %x", a.height, a.m.Seed(), want)
		}
	}
	for b.height < a.height { // other txs, same proposers: same seeds
		b.block()
	}
	if a.m.Seed() != b.m.Seed() {
		t.Fatal("the seed depends on the block's txs")
	}
}

// TestCheckTxRefusesVRFTx: users cannot put a VRF tx in the mempool.
func TestCheckTxRefusesVRFTx(t *testing.T) {
	c := newChain(t, 100)
	raw := c.m.VRFTx(c.vals[0].vrf)
	if r := c.m.CheckTx(raw); r.Code != state.CodeDecode {
		t.Fatalf("CheckTx(VRF tx) = %d %s", r.Code, r.Log)
	}
	if got := c.m.OrderProposal([][]byte{raw}, 0); len(got) != 0 {
		t.Fatalf("OrderProposal kept a VRF tx: %d", len(got))
	}
}
