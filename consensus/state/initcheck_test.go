package state_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/codecheck/codechecktest"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// sandboxData is where the sandbox keeps its initializer test modules.
const sandboxData = "../../runtime/sandbox/testdata/"

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStoreCodeInitializer: a StoreCode whose module's _initialize traps,
// loops past the v1 bound or calls a job-only host function is refused
// with code 9 and the sandbox's reason, at CheckTx and in a block (it used
// to be stored, and every node then ran its failing initializer in each
// job); a Go guest is stored.
func TestStoreCodeInitializer(t *testing.T) {
	c := newChain(t, 100)
	a := newAccount("author")
	for _, tt := range codechecktest.InitCases {
		body := tx.StoreCodeBody(tt.Wasm(t))
		raw, err := tx.Sign(chainID, a.key, a.seq, body)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.m.CheckTx(raw); got.Code != tt.Code || !strings.Contains(got.Log, tt.Reason) {
			t.Errorf("%s: CheckTx code %d %q, want %d with %q", tt.Module, got.Code, got.Log, tt.Code, tt.Reason)
		}
		// In a block (a proposer need not have run CheckTx): the same
		// answer; the tx uses its sequence either way.
		res := c.block(c.sign(a, body)).TxResults[0]
		if res.Code != tt.Code || !strings.Contains(res.Log, tt.Reason) {
			t.Errorf("%s: in a block code %d %q, want %d with %q", tt.Module, res.Code, res.Log, tt.Code, tt.Reason)
		}
	}
}

// countingChecker counts the store-time checks the machine runs.
type countingChecker struct {
	state.CodeChecker
	n int
}

func (c *countingChecker) Check(wasm []byte) (string, error) {
	c.n++
	return c.CodeChecker.Check(wasm)
}

// TestRecheckSkipsModuleCheck: the mempool's recheck after a block does
// not run the store-time check of a StoreCode again (it runs the module's
// initializer, a good part of a second at worst) but still checks the
// sequence; CheckTx and the block each run it once.
func TestRecheckSkipsModuleCheck(t *testing.T) {
	cfg := rules.V1()
	cc := &countingChecker{CodeChecker: cfg.Code}
	cfg.Code = cc
	c := newChainConfig(t, cfg, `{"commit_window":"3","reveal_window":"3","jail_blocks":"10"}`, 100)
	a := newAccount("author")
	raw := c.sign(a, tx.StoreCodeBody(readFile(t, sandboxData+"goguest/goguest.wasm")))
	steps := []struct {
		name string
		run  func() state.Code
		want state.Code
		n    int // checks run so far
	}{
		{"CheckTx", func() state.Code { return c.m.CheckTx(raw).Code }, state.CodeOK, 1},
		{"a block without it", func() state.Code { c.mustOK(c.block()); return state.CodeOK }, state.CodeOK, 1},
		{"RecheckTx", func() state.Code { return c.m.RecheckTx(raw).Code }, state.CodeOK, 1},
		{"the block with it", func() state.Code { return c.block(raw).TxResults[0].Code }, state.CodeOK, 2},
		{"RecheckTx after delivery", func() state.Code { return c.m.RecheckTx(raw).Code }, state.CodeSequence, 2},
	}
	for _, s := range steps {
		if got := s.run(); got != s.want || cc.n != s.n {
			t.Fatalf("%s: code %d after %d checks, want %d after %d", s.name, got, cc.n, s.want, s.n)
		}
	}
}

// TestStoreCodesPerBlock: a block holds at most rules.MaxStoreCodesV1
// StoreCode txs. ProcessProposal refuses a proposal with more (each may
// cost a good part of a second in FinalizeBlock, and a faulty proposer
// need not have checked them), and OrderProposal leaves the rest for later
// blocks, a signer's StoreCode past the cap ending its run.
func TestStoreCodesPerBlock(t *testing.T) {
	c := newChain(t, 100)
	a, b := newAccount("a"), newAccount("b")
	store := func(acc *account, seq uint64) []byte {
		raw, err := tx.Sign(chainID, acc.key, seq, tx.StoreCodeBody(minimalWasm(t)))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	a0, a1, a2, b0, b1 := store(a, 0), store(a, 1), signedAt(t, a, 2), store(b, 0), signedAt(t, b, 1)
	if rules.MaxStoreCodesV1 != 2 {
		t.Fatalf("the cases below assume a cap of 2, not %d", rules.MaxStoreCodesV1)
	}
	got := c.m.OrderProposal([][]byte{a0, b0, a1, a2, b1}, 0)
	if want := [][]byte{a0, b0, b1}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("OrderProposal chose %d txs, want a0 b0 b1", len(got))
	}
	p := c.proposer()
	vrf := c.m.VRFTx(p.vrf)
	for _, tc := range []struct {
		name string
		txs  [][]byte
		ok   bool
	}{
		{"two", [][]byte{vrf, a0, b0, b1}, true},
		{"three", [][]byte{vrf, a0, b0, a1}, false},
		{"three, one badly signed", [][]byte{vrf, a0, b0, append([]byte(nil), a1[:len(a1)-1]...)}, true}, // does not decode: not counted
	} {
		err := c.m.ProcessProposal(consAddr(p), tc.txs)
		if tc.ok != (err == nil) || err != nil && !errors.Is(err, state.ErrProposal) {
			t.Errorf("%s: ProcessProposal = %v", tc.name, err)
		}
	}
}
