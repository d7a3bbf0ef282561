package state_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
)

const chainID = "assay-state-test"

// account is a key pair and its next sequence.
type account struct {
	key  ed25519.PrivateKey
	cons ed25519.PrivateKey
	vrf  ed25519.PrivateKey
	addr []byte
	seq  uint64
}

func newAccount(name string) *account {
	s := sha256.Sum256([]byte("op/" + name))
	c := sha256.Sum256([]byte("cons/" + name))
	v := sha256.Sum256([]byte("vrf/" + name))
	k := ed25519.NewKeyFromSeed(s[:])
	return &account{key: k, cons: ed25519.NewKeyFromSeed(c[:]), vrf: ed25519.NewKeyFromSeed(v[:]), addr: tx.Address(k.Public().(ed25519.PublicKey))}
}

// chain drives a Machine block by block over a MemKV.
type chain struct {
	t      testing.TB
	kv     *state.MemKV
	m      *state.Machine
	vals   []*account
	owner  *account
	height uint64
	last   *state.BlockResult
	// onBlock, when set, sees every block's result.
	onBlock func(*state.BlockResult)
}

func config() state.Config {
	return rules.V1()
}

func newChain(t testing.TB, stakes ...uint64) *chain {
	t.Helper()
	return newChainWith(t, `{"commit_window":"3","reveal_window":"3","jail_blocks":"10"}`, stakes...)
}

// newChainWith is newChain with the genesis params params (protojson).
func newChainWith(t testing.TB, params string, stakes ...uint64) *chain {
	t.Helper()
	return newChainConfig(t, config(), params, stakes...)
}

// newChainConfig is newChainWith with the rules cfg.
func newChainConfig(t testing.TB, cfg state.Config, params string, stakes ...uint64) *chain {
	t.Helper()
	c := &chain{t: t, kv: state.NewMemKV(), owner: newAccount("owner")}
	g := &state.Genesis{Params: []byte(params)}
	for i, s := range stakes {
		a := newAccount(fmt.Sprintf("val-%d", i))
		c.vals = append(c.vals, a)
		g.Validators = append(g.Validators, state.GenesisValidator{
			Operator:        hex.EncodeToString(a.addr),
			ConsensusPubKey: base64.StdEncoding.EncodeToString(a.cons.Public().(ed25519.PublicKey)),
			VRFPubKey:       base64.StdEncoding.EncodeToString(a.vrf.Public().(ed25519.PublicKey)),
			Stake:           s,
		})
	}
	var err error
	if c.m, err = state.Open(c.kv, cfg); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.m.InitGenesis(chainID, g); err != nil {
		t.Fatal(err)
	}
	if err := c.m.Commit(); err != nil {
		t.Fatal(err)
	}
	return c
}

// sign builds a tx from a with the next sequence.
func (c *chain) sign(a *account, body *pb.TxBody) []byte {
	raw, err := tx.Sign(chainID, a.key, a.seq, body)
	if err != nil {
		c.t.Fatal(err)
	}
	a.seq++
	return raw
}

// block finalizes and commits one block of txs, proposed by the
// validators in turn (each with its VRF tx first); the result lists the
// user txs' results only.
func (c *chain) block(txs ...[]byte) *state.BlockResult {
	c.t.Helper()
	res := c.blockWith(nil, txs...)
	res.TxResults = res.TxResults[1:]
	return res
}

// proposer is the validator that proposes the next block.
func (c *chain) proposer() *account { return c.vals[int((c.height+1)%uint64(len(c.vals)))] }

// consAddr is a's consensus address.
func consAddr(a *account) []byte { return tx.Address(a.cons.Public().(ed25519.PublicKey)) }

// blockWith finalizes and commits one block with misbehavior mb.
func (c *chain) blockWith(mb []state.Misbehavior, txs ...[]byte) *state.BlockResult {
	c.t.Helper()
	p := c.proposer()
	all := append([][]byte{c.m.VRFTx(p.vrf)}, txs...)
	c.height++
	res, err := c.m.FinalizeBlock(&state.Block{Height: c.height, Proposer: consAddr(p), Txs: all, Misbehavior: mb, Time: blockTime(c.height)})
	if err != nil {
		c.t.Fatalf("finalize %d: %v", c.height, err)
	}
	if err := c.m.Commit(); err != nil {
		c.t.Fatal(err)
	}
	c.last = res
	if c.onBlock != nil {
		c.onBlock(res)
	}
	return res
}

// mustOK fails unless every tx of res succeeded.
func (c *chain) mustOK(res *state.BlockResult) {
	c.t.Helper()
	for i, r := range res.TxResults {
		if r.Code != state.CodeOK {
			c.t.Fatalf("block %d tx %d: code %d: %s", c.height, i, r.Code, r.Log)
		}
	}
}

func minimalWasm(t testing.TB) []byte {
	b, err := os.ReadFile("../testdata/minimal.wasm")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func spec(codeCID string, every uint64, k uint32) *pb.SourceSpec {
	return &pb.SourceSpec{
		Fetch:    &pb.FetchSpec{Kind: "http", Config: []*pb.KeyValue{{Key: "url", Value: "http://127.0.0.1/{{height}}"}}},
		CodeCid:  codeCID,
		Every:    every,
		Replicas: k, GasLimit: 1_000_000, MaxOutputBytes: 1024, MemoryPages: 16,
	}
}

// setupSource stores the minimal code and registers source id; returns
// the code CID.
func (c *chain) setupSource(id string, every uint64, k uint32) string {
	c.t.Helper()
	cc, err := rules.V1().Code.Check(minimalWasm(c.t))
	if err != nil {
		c.t.Fatal(err)
	}
	c.mustOK(c.block(c.sign(c.owner, tx.StoreCodeBody(minimalWasm(c.t)))))
	c.mustOK(c.block(c.sign(c.owner, tx.RegisterSourceBody(id, spec(cc, every, k)))))
	return cc
}

func cidOf(t testing.TB, s string) []byte {
	id, err := pin.SumBytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return id.Bytes()
}

func verdict(t testing.TB, out string) *pb.Verdict {
	return &pb.Verdict{Status: uint32(abi.StatusAccepted), OutputCid: cidOf(t, out), InputCid: cidOf(t, "input"), GasUsed: 77}
}

func salt(a *account, source string, round uint64) []byte {
	s := sha256.Sum256([]byte(fmt.Sprintf("salt/%x/%s/%d", a.addr, source, round)))
	return s[:]
}

func (c *chain) commitTx(a *account, source string, round uint64, v *pb.Verdict) []byte {
	h := tx.CommitHash(chainID, source, round, a.addr, v, salt(a, source, round))
	return c.sign(a, tx.CommitBody(&pb.CommitEntry{Source: source, Round: round, Hash: h[:]}))
}

func (c *chain) revealTx(a *account, source string, round uint64, v *pb.Verdict) []byte {
	return c.sign(a, tx.RevealBody(&pb.RevealEntry{Source: source, Round: round, Verdict: v, Salt: salt(a, source, round)}))
}

// byAddr returns the account with operator address hex h.
func (c *chain) byAddr(h string) *account {
	for _, a := range c.vals {
		if hex.EncodeToString(a.addr) == h {
			return a
		}
	}
	c.t.Fatalf("no validator %s", h)
	return nil
}

// assigned returns the assignees of (source, round) from the block's events.
func assigned(res *state.BlockResult, source string) (round string, ops []string) {
	for _, e := range res.Events {
		if e.Type != "assign" {
			continue
		}
		var src, list string
		for _, a := range e.Attrs {
			switch a.Key {
			case "source":
				src = a.Value
			case "round":
				round = a.Value
			case "assignees":
				list = a.Value
			}
		}
		if src == source {
			return round, splitComma(list)
		}
	}
	return "", nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// blockTime is the time of test block h: one second a block from
// 2024-01-01T00:00:00Z, in unix nanoseconds.
func blockTime(h uint64) int64 { return (1_704_067_200 + int64(h)) * 1e9 }
