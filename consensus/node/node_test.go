package node_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/assaynet/assay/consensus/codecheck"
	"github.com/assaynet/assay/consensus/node"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/meter"
	"github.com/assaynet/assay/runtime/pin"
)

const chainID = "assay-node-test"

// net is a running testnet and an HTTP RPC client per node.
type testnet struct {
	t       *testing.T
	nodes   []*node.Node
	clients []*rpchttp.HTTP
}

func startTestnet(t *testing.T, n int, stakes []uint64) *testnet {
	t.Helper()
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetConfig{ChainID: chainID, Validators: n, Stakes: stakes,
		Fast: true, TimeoutCommit: 50 * time.Millisecond,
		Params: json.RawMessage(`{"commit_window":"20","reveal_window":"20","jail_blocks":"1000"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return startHomes(t, homes)
}

// startHomes opens and starts a node in each of homes, with an RPC
// client to each; the test's cleanup stops them.
func startHomes(t *testing.T, homes []node.Home) *testnet {
	t.Helper()
	tn := &testnet{t: t}
	for _, h := range homes {
		nd, err := node.Open(h.Dir, node.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tn.nodes = append(tn.nodes, nd)
	}
	t.Cleanup(func() {
		for _, nd := range tn.nodes {
			if err := nd.Stop(); err != nil {
				t.Log(err)
			}
		}
	})
	for _, nd := range tn.nodes {
		if err := nd.Start(); err != nil {
			t.Fatal(err)
		}
		c, err := rpchttp.New(nd.RPCAddress(), "/websocket")
		if err != nil {
			t.Fatal(err)
		}
		tn.clients = append(tn.clients, c)
	}
	return tn
}

// waitFor polls cond every 50 ms for at most d.
func (tn *testnet) waitFor(what string, d time.Duration, cond func() bool) {
	tn.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tn.t.Fatalf("timed out after %s waiting for %s", d, what)
}

func (tn *testnet) query(path string, out any) bool {
	res, err := tn.clients[0].ABCIQuery(context.Background(), path, nil)
	if err != nil || res.Response.Code != 0 {
		return false
	}
	if err := json.Unmarshal(res.Response.Value, out); err != nil {
		tn.t.Fatalf("query %s: %v", path, err)
	}
	return true
}

// send broadcasts body signed by key and waits until it is in a block.
func (tn *testnet) send(key ed25519.PrivateKey, body *pb.TxBody) {
	tn.t.Helper()
	tn.wait(tn.broadcast(key, body))
}

// sent is a broadcast tx to wait for.
type sent struct {
	kind string
	addr string
	seq  uint64
	hash []byte
}

// broadcast signs body with key at the account's next sequence and
// broadcasts it to node 0 with broadcast_tx_sync.
func (tn *testnet) broadcast(key ed25519.PrivateKey, body *pb.TxBody) sent {
	tn.t.Helper()
	addr := hex.EncodeToString(tx.Address(key.Public().(ed25519.PublicKey)))
	var acc state.AccountView
	tn.query("account/"+addr, &acc)
	raw, err := tx.Sign(chainID, key, acc.Sequence, body)
	if err != nil {
		tn.t.Fatal(err)
	}
	res, err := tn.clients[0].BroadcastTxSync(context.Background(), raw)
	if err != nil {
		tn.t.Fatalf("broadcast %s: %v", tx.Kind(body), err)
	}
	if res.Code != 0 {
		tn.t.Fatalf("broadcast %s: code %d: %s", tx.Kind(body), res.Code, res.Log)
	}
	return sent{kind: tx.Kind(body), addr: addr, seq: acc.Sequence, hash: res.Hash}
}

// wait waits until each tx is in a block and checks its result.
func (tn *testnet) wait(txs ...sent) {
	tn.t.Helper()
	for _, s := range txs {
		tn.waitResult(s)
	}
}

func (tn *testnet) waitResult(s sent) {
	tn.t.Helper()
	tn.waitFor(s.kind+" in a block", 20*time.Second, func() bool {
		var a state.AccountView
		return tn.query("account/"+s.addr, &a) && a.Sequence > s.seq
	})
	var code uint32
	var log string
	tn.waitFor(s.kind+" indexed", 10*time.Second, func() bool {
		tr, err := tn.clients[0].Tx(context.Background(), s.hash, false)
		if err == nil {
			code, log = tr.TxResult.Code, tr.TxResult.Log
		}
		return err == nil
	})
	if code != 0 {
		tn.t.Fatalf("%s failed in block: %s", s.kind, log)
	}
}

// registerSource stores the minimal code and registers id with k replicas.
func (tn *testnet) registerSource(owner ed25519.PrivateKey, id string, k uint32) {
	wasm, err := os.ReadFile("../testdata/minimal.wasm")
	if err != nil {
		tn.t.Fatal(err)
	}
	cc, err := codecheck.New(meter.DefaultLimits()).Check(wasm)
	if err != nil {
		tn.t.Fatal(err)
	}
	tn.send(owner, tx.StoreCodeBody(wasm))
	tn.send(owner, tx.RegisterSourceBody(id, &pb.SourceSpec{Fetch: &pb.FetchSpec{Kind: "http"}, CodeCid: cc,
		Every: 1000, Replicas: k, GasLimit: 1000, MaxOutputBytes: 100, MemoryPages: 1}))
}

func verdictOf(t *testing.T, out string) *pb.Verdict {
	oc, err := pin.SumBytes([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	ic, _ := pin.SumBytes([]byte("input"))
	return &pb.Verdict{Status: uint32(abi.StatusAccepted), OutputCid: oc.Bytes(), InputCid: ic.Bytes(), GasUsed: 10}
}

// playRound has each node commit and reveal verdict(i) for its assigned
// round of source, as a worker would, and returns the round.
func (tn *testnet) playRound(source string, verdict func(i int) *pb.Verdict) state.RoundView {
	var round state.RoundView
	tn.waitFor("the round to be assigned", 30*time.Second, func() bool {
		var p state.Page[state.RoundView] // newest first: the first round is the page's last
		ok := tn.query(state.PathRounds(source, state.ListOptions{Limit: state.MaxLimit}), &p) && len(p.Items) > 0
		if ok {
			round = p.Items[len(p.Items)-1]
		}
		return ok
	})
	salts := make([][]byte, len(tn.nodes))
	var commits []sent
	for i, nd := range tn.nodes {
		op := tx.Address(nd.Operator.Public().(ed25519.PublicKey))
		s := sha256.Sum256([]byte(fmt.Sprint("salt", i)))
		salts[i] = s[:]
		h := tx.CommitHash(chainID, source, round.ID, op, verdict(i), salts[i])
		commits = append(commits, tn.broadcast(nd.Operator, tx.CommitBody(&pb.CommitEntry{Source: source, Round: round.ID, Hash: h[:]})))
	}
	tn.wait(commits...)
	path := fmt.Sprintf("round/%s/%d", source, round.ID)
	tn.waitFor("the reveal phase", 30*time.Second, func() bool {
		return tn.query(path, &round) && round.Phase == "REVEAL"
	})
	var reveals []sent
	for i, nd := range tn.nodes {
		reveals = append(reveals, tn.broadcast(nd.Operator, tx.RevealBody(&pb.RevealEntry{Source: source, Round: round.ID, Verdict: verdict(i), Salt: salts[i]})))
	}
	tn.wait(reveals...)
	tn.waitFor("the round to close", 30*time.Second, func() bool {
		return tn.query(path, &round) && (round.Phase == "RESOLVED" || round.Phase == "UNRESOLVED")
	})
	return round
}

func TestSingleNode(t *testing.T) {
	tn := startTestnet(t, 1, nil)
	owner := ed25519.NewKeyFromSeed(make([]byte, 32))
	tn.registerSource(owner, "feed", 1)
	good := verdictOf(t, "good")
	r := tn.playRound("feed", func(int) *pb.Verdict { return good })
	if r.Phase != "RESOLVED" {
		t.Fatalf("round %+v", r)
	}
	var page state.Page[state.DatasetView]
	ok := tn.query("datasets/feed", &page)
	ds := page.Items
	if !ok || len(ds) != 1 || ds[0].Status != "ACCEPTED" || ds[0].Time == "" {
		t.Fatalf("datasets %+v", ds)
	}
	// CometBFT v0.38 answers a tx failing CheckTx with a result code, not an RPC error.
	raw, err := tx.Sign("other-chain", owner, 5, tx.UnjailBody())
	if err != nil {
		t.Fatal(err)
	}
	res, err := tn.clients[0].BroadcastTxSync(context.Background(), raw)
	if err != nil || res.Code != uint32(state.CodeSignature) {
		t.Fatalf("bad tx: %+v, %v; want code %d", res, err, state.CodeSignature)
	}
}

func TestFourNodesSlash(t *testing.T) {
	if testing.Short() {
		t.Skip("4-node testnet")
	}
	tn := startTestnet(t, 4, []uint64{100, 100, 100, 100})
	owner := ed25519.NewKeyFromSeed(make([]byte, 32))
	tn.registerSource(owner, "feed", 4)
	good, bad := verdictOf(t, "good"), verdictOf(t, "bad")
	liar := 3
	r := tn.playRound("feed", func(i int) *pb.Verdict {
		if i == liar {
			return bad
		}
		return good
	})
	if r.Phase != "RESOLVED" {
		t.Fatalf("round %+v", r)
	}
	liarCons := tn.nodes[liar].CometBFT().PrivValidator()
	pub, err := liarCons.GetPubKey()
	if err != nil {
		t.Fatal(err)
	}
	tn.waitFor("the liar's power to drop in /validators", 30*time.Second, func() bool {
		res, err := tn.clients[0].Validators(context.Background(), nil, nil, nil)
		if err != nil {
			return false
		}
		for _, v := range res.Validators {
			if v.Address.String() == pub.Address().String() {
				return v.VotingPower < 100
			}
		}
		return len(res.Validators) == 3 // removed from the set
	})
	var page state.Page[state.EvidenceView]
	ok := tn.query("evidence", &page)
	ev := page.Items
	if !ok || len(ev) != 1 || ev[0].Kind != "WRONG_VERDICT" {
		t.Fatalf("evidence %+v", ev)
	}
}

// TestProposerWithoutVRFKey: a validator whose node lost the VRF key it
// registered (here: a new key replaces it) proposes blocks without a VRF
// tx; every honest node rejects them in ProcessProposal, its rounds time
// out, and the chain goes on with the other proposers' blocks, each of
// which starts with its proposer's VRF tx.
func TestProposerWithoutVRFKey(t *testing.T) {
	if testing.Short() {
		t.Skip("4-node testnet")
	}
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetConfig{ChainID: chainID, Validators: 4,
		Fast: true, TimeoutCommit: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	k, _, err := node.NewKeyFile("vrf")
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Save(filepath.Join(homes[3].Dir, node.VRFKeyFile)); err != nil {
		t.Fatal(err)
	}
	tn := startHomes(t, homes)
	ctx := context.Background()
	var bad []byte
	tn.waitFor("node 3's status", 10*time.Second, func() bool {
		st, err := tn.clients[3].Status(ctx)
		if err == nil {
			bad = st.ValidatorInfo.Address
		}
		return err == nil
	})
	const height = 12 // node 3 is the round-0 proposer of 3 of them
	// Node 1 writes a block to its store before its app commits it.
	tn.waitFor("height 13 on node 1", 60*time.Second, func() bool { return tn.nodes[1].App.Height() > height })
	for h := int64(1); h <= height; h++ {
		b, err := tn.clients[1].Block(ctx, &h)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(b.Block.ProposerAddress, bad) {
			t.Fatalf("block %d was proposed by the node without its VRF key", h)
		}
		if len(b.Block.Txs) == 0 || !seed.IsTx(b.Block.Txs[0]) {
			t.Fatalf("block %d does not start with a VRF tx", h)
		}
	}
	var rounds int32
	for h := int64(2); h <= height+1; h++ { // the last commit's round: > 0 when a round failed
		b, err := tn.clients[1].Block(ctx, &h)
		if err == nil && b.Block.LastCommit != nil {
			rounds += b.Block.LastCommit.Round
		}
	}
	if rounds == 0 {
		t.Fatal("no height needed a second round: node 3 never proposed")
	}
}
