package app_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/assaynet/assay/consensus/app"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/store"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
)

const simChain = "assay-sim"

// behaviour is what a simulated validator does with its assignments.
type behaviour int

const (
	honest      behaviour = iota
	wrongOutput           // reveals a verdict of its own
	noReveal              // commits, never reveals
	noCommit              // ignores assignments
	badReveal             // reveals something that does not open its commit
	copyCommit            // copies another assignee's commit hash
	equivocator           // honest, but CometBFT reports a duplicate vote once
	numBehaviours
)

var behaviourNames = []string{"honest", "wrong", "no-reveal", "no-commit", "bad-reveal", "copy", "equivocator"}

// simVal is one validator of the simulation.
type simVal struct {
	key, cons ed25519.PrivateKey
	vrf       ed25519.PrivateKey // VRF key registered at genesis
	addr, ca  []byte             // operator address, consensus address
	hexAddr   string
	b         behaviour
	seq       uint64
	stake     uint64 // model of the chain's stake
	jailedTil uint64
	jailed    bool
	tomb      bool
}

// simRound is the simulation's view of one round, built from events.
type simRound struct {
	source      string
	height      uint64
	assignees   []string
	commitEnd   uint64
	revealStart uint64
	revealEnd   uint64
	committed   map[string][]byte // operator → commit hash sent
	revealed    map[string]bool
}

type sim struct {
	t        testing.TB
	rng      *rand.Rand
	seed     uint64
	vals     []*simVal
	byHex    map[string]*simVal
	owner    *simVal
	attacker *simVal
	replicas []*app.App
	diskDir  string
	disk     *store.Tree
	rounds   map[string]*simRound
	order    []string // round keys in creation order
	height   uint64
	oldTxs   [][]byte // accepted txs, replayed by the attacker
	lastVRF  []byte   // the previous block's VRF tx, replayed by a byzantine proposer
	lastSeed [32]byte // the last block's seed, from its seed event
	params   *pb.Params
	stats    map[string]int
}

func newSimVal(seed uint64, i int, b behaviour, stake uint64) *simVal {
	s := sha256.Sum256([]byte(fmt.Sprintf("op/%d/%d", seed, i)))
	c := sha256.Sum256([]byte(fmt.Sprintf("cons/%d/%d", seed, i)))
	k := ed25519.NewKeyFromSeed(s[:])
	ck := ed25519.NewKeyFromSeed(c[:])
	vk := sha256.Sum256([]byte(fmt.Sprintf("vrf/%d/%d", seed, i)))
	v := &simVal{key: k, cons: ck, vrf: ed25519.NewKeyFromSeed(vk[:]), b: b, stake: stake}
	v.addr = tx.Address(k.Public().(ed25519.PublicKey))
	v.ca = tx.Address(ck.Public().(ed25519.PublicKey))
	v.hexAddr = hex.EncodeToString(v.addr)
	return v
}

func simConfig() state.Config { return rules.V1() }

// newSim builds n validators, ~70% of the stake honest, and two replicas
// in memory plus one on disk.
func newSim(t testing.TB, seed uint64, n int) *sim {
	s := &sim{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, 0xa55a)), byHex: map[string]*simVal{},
		rounds: map[string]*simRound{}, stats: map[string]int{}}
	for i := 0; i < n; i++ {
		b := honest
		if i%10 >= 7 || (n < 10 && i == n-1) {
			b = behaviour(1 + (int(seed)+i)%(int(numBehaviours)-1))
		}
		v := newSimVal(seed, i, b, 100+s.rng.Uint64N(900))
		s.vals = append(s.vals, v)
		s.byHex[v.hexAddr] = v
	}
	s.owner = newSimVal(seed, 1000, honest, 0)
	s.attacker = newSimVal(seed, 1001, honest, 0)
	var keys []ed25519.PrivateKey // replica 0 proposes for every validator
	for _, v := range s.vals {
		keys = append(keys, v.vrf)
	}
	for i := 0; i < 2; i++ {
		a, err := app.New(store.NewMemory(), simConfig(), keys[:len(keys)*(1-i)]...)
		if err != nil {
			t.Fatal(err)
		}
		s.replicas = append(s.replicas, a)
	}
	s.diskDir = t.TempDir()
	s.openDisk()
	s.initChain()
	return s
}

func (s *sim) openDisk() {
	kv, err := store.Open(s.diskDir, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	a, err := app.New(kv, simConfig())
	if err != nil {
		s.t.Fatal(err)
	}
	s.disk = kv
	if len(s.replicas) == 3 {
		s.replicas[2] = a
	} else {
		s.replicas = append(s.replicas, a)
	}
}

// restartDisk closes the on-disk replica and opens it again, as a node
// restart does, and checks Info against the other replicas.
func (s *sim) restartDisk() {
	if err := s.disk.Close(); err != nil {
		s.t.Fatal(err)
	}
	s.openDisk()
	ctx := context.Background()
	want, _ := s.replicas[0].Info(ctx, &abci.RequestInfo{})
	got, _ := s.replicas[2].Info(ctx, &abci.RequestInfo{})
	if got.LastBlockHeight != want.LastBlockHeight || !bytes.Equal(got.LastBlockAppHash, want.LastBlockAppHash) {
		s.t.Fatalf("seed %d: restarted replica at %d/%x, want %d/%x", s.seed, got.LastBlockHeight, got.LastBlockAppHash, want.LastBlockHeight, want.LastBlockAppHash)
	}
}

func (s *sim) initChain() {
	g := state.Genesis{Params: []byte(`{"commit_window":"3","reveal_window":"3","jail_blocks":"12","miss_window":10,"miss_max":4}`)}
	for _, v := range s.vals {
		g.Validators = append(g.Validators, state.GenesisValidator{Operator: v.hexAddr,
			ConsensusPubKey: base64.StdEncoding.EncodeToString(v.cons.Public().(ed25519.PublicKey)),
			VRFPubKey:       base64.StdEncoding.EncodeToString(v.vrf.Public().(ed25519.PublicKey)), Stake: v.stake})
	}
	gb, _ := json.Marshal(g)
	var hash []byte
	for i, a := range s.replicas {
		res, err := a.InitChain(context.Background(), &abci.RequestInitChain{ChainId: simChain, AppStateBytes: gb, InitialHeight: 1})
		if err != nil {
			s.t.Fatal(err)
		}
		if len(res.Validators) != len(s.vals) {
			s.t.Fatalf("init chain returned %d validators", len(res.Validators))
		}
		if i > 0 && !bytes.Equal(hash, res.AppHash) {
			s.t.Fatal("genesis app hashes differ")
		}
		hash = res.AppHash
	}
	s.lastSeed = seed.Genesis(simChain)
	s.params = state.DefaultParams()
	s.params.CommitWindow, s.params.RevealWindow, s.params.JailBlocks, s.params.MissWindow, s.params.MissMax = 3, 3, 12, 10, 4
}

// sign signs body for v with its next sequence.
func (s *sim) sign(v *simVal, body *pb.TxBody) []byte {
	raw, err := tx.Sign(simChain, v.key, v.seq, body)
	if err != nil {
		s.t.Fatal(err)
	}
	v.seq++
	return raw
}

func (s *sim) honestVerdict(source string, round uint64) *pb.Verdict {
	return s.verdict(fmt.Sprintf("honest/%s/%d", source, round))
}

func (s *sim) verdict(out string) *pb.Verdict {
	oc, err := pin.SumBytes([]byte(out))
	if err != nil {
		s.t.Fatal(err)
	}
	ic, _ := pin.SumBytes([]byte("input"))
	return &pb.Verdict{Status: uint32(abi.StatusAccepted), OutputCid: oc.Bytes(), InputCid: ic.Bytes(), GasUsed: 1234}
}

// intended is the verdict v reveals for a round.
func (s *sim) intended(v *simVal, r *simRound) *pb.Verdict {
	if v.b == wrongOutput {
		return s.verdict(fmt.Sprintf("wrong/%s/%s/%d", v.hexAddr, r.source, r.height))
	}
	return s.honestVerdict(r.source, r.height)
}

func saltFor(v *simVal, r *simRound) []byte {
	h := sha256.Sum256([]byte(fmt.Sprintf("salt/%s/%s/%d", v.hexAddr, r.source, r.height)))
	return h[:]
}

func roundKey(source string, h uint64) string { return source + "/" + strconv.FormatUint(h, 10) }
