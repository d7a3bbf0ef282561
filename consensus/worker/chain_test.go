package worker

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/plugins"
)

const testChainID = "assay-worker-test"

// memChain runs the real state machine over a MemKV and implements Chain
// the way a node does: queries read committed state, Broadcast runs
// CheckTx into a mempool, and block() finalizes the mempool.
type memChain struct {
	t   testing.TB
	mu  sync.Mutex
	kv  *state.MemKV
	m   *state.Machine
	mem [][]byte
	// dropNext makes Broadcast accept but lose the next n txs, like a
	// mempool that evicts them.
	dropNext int
	// catchingUp makes Height report ErrCatchingUp, like a node that is
	// block-syncing after a restart.
	catchingUp bool
	// hold, when set, makes Broadcast wait until it is closed, like a
	// CheckTx that waits for the node's block execution.
	hold chan struct{}
	// entered, when set, gets a value (if it has room) each time a
	// Broadcast starts waiting on hold.
	entered chan struct{}
	// holdAssigned and enteredAssigned do the same for Assigned, like a
	// query that waits for the block being executed.
	holdAssigned, enteredAssigned chan struct{}
	// noLog strips the log text from CheckTx refusals: the worker must
	// act on result codes alone.
	noLog bool
	// vrf and cons are the validators' VRF keys and consensus addresses:
	// they propose in turn.
	vrf  []ed25519.PrivateKey
	cons [][]byte
}

func newMemChain(t testing.TB, ops []ed25519.PrivateKey, params string) *memChain {
	t.Helper()
	c := &memChain{t: t, kv: state.NewMemKV()}
	g := &state.Genesis{Params: json.RawMessage(params)}
	for i, k := range ops {
		seed := sha256.Sum256(fmt.Appendf(nil, "cons-%d", i))
		cons := ed25519.NewKeyFromSeed(seed[:])
		vseed := sha256.Sum256(fmt.Appendf(nil, "vrf-%d", i))
		vrf := ed25519.NewKeyFromSeed(vseed[:])
		c.vrf = append(c.vrf, vrf)
		c.cons = append(c.cons, tx.Address(cons.Public().(ed25519.PublicKey)))
		g.Validators = append(g.Validators, state.GenesisValidator{
			Operator:        hex.EncodeToString(tx.Address(k.Public().(ed25519.PublicKey))),
			ConsensusPubKey: base64.StdEncoding.EncodeToString(cons.Public().(ed25519.PublicKey)),
			VRFPubKey:       base64.StdEncoding.EncodeToString(vrf.Public().(ed25519.PublicKey)),
			Stake:           100,
		})
	}
	var err error
	if c.m, err = state.Open(c.kv, rules.V1()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.m.InitGenesis(testChainID, g); err != nil {
		t.Fatal(err)
	}
	if err := c.m.Commit(); err != nil {
		t.Fatal(err)
	}
	return c
}

// block finalizes the mempool as the next block and returns its results
// (the user txs' only: the proposer's VRF tx comes first in the block).
func (c *memChain) block() *state.BlockResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.m.Height() + 1
	p := int(h % uint64(len(c.vrf)))
	txs := append([][]byte{c.m.VRFTx(c.vrf[p])}, c.mem...)
	res, err := c.m.FinalizeBlock(&state.Block{Height: h, Proposer: c.cons[p], Txs: txs})
	if err != nil {
		c.t.Errorf("finalize %d: %v", h, err)
		return nil
	}
	res.TxResults = res.TxResults[1:]
	if err := c.m.Commit(); err != nil {
		c.t.Errorf("commit %d: %v", h, err)
	}
	c.mem = nil
	return res
}

func (c *memChain) query(path string) ([]byte, error) { return state.Query(c.kv, path) }

func (c *memChain) Height(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.catchingUp {
		return c.m.Height(), ErrCatchingUp
	}
	return c.m.Height(), nil
}

func (c *memChain) setCatchingUp(v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.catchingUp = v
}

func (c *memChain) BlockTime(_ context.Context, h uint64) (int64, error) {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(h) * time.Second).UnixNano(), nil
}

// get decodes the answer of query path as the node's clients do.
func get[T any](c *memChain, path string) (T, error) {
	b, err := c.query(path)
	if err != nil {
		var zero T
		return zero, err
	}
	return state.Decode[T](b)
}

func (c *memChain) Assigned(_ context.Context, op []byte) (uint64, []*pb.Round, error) {
	c.mu.Lock()
	hold, entered := c.holdAssigned, c.enteredAssigned
	c.mu.Unlock()
	waitGate(hold, entered)
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := c.query(state.PathAssignedRecords(op))
	if err != nil {
		return 0, nil, err
	}
	rs, err := state.DecodeRecords(b)
	return c.m.Height(), openRounds(rs, op), err
}

func (c *memChain) Code(_ context.Context, cid string) ([]byte, error) {
	v, err := get[state.CodeView](c, state.PathCode(cid))
	if err != nil {
		return nil, err
	}
	return v.Bytes()
}

func (c *memChain) Sequence(_ context.Context, addr []byte) (uint64, error) {
	v, err := get[state.AccountView](c, state.PathAccount(addr))
	return v.Sequence, err
}

func (c *memChain) MaxBatchEntries(context.Context) (uint32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := c.query(state.PathParams)
	if err != nil {
		return 0, err
	}
	p, err := state.DecodeParams(b)
	if err != nil {
		return 0, err
	}
	return p.MaxBatchEntries, nil
}

func (c *memChain) Broadcast(_ context.Context, raw []byte) (chain.TxResult, error) {
	c.mu.Lock()
	hold, entered := c.hold, c.entered
	c.mu.Unlock()
	waitGate(hold, entered)
	c.mu.Lock()
	defer c.mu.Unlock()
	res := c.m.CheckTx(raw)
	if res.Code == 0 {
		if c.dropNext > 0 {
			c.dropNext--
		} else {
			c.mem = append(c.mem, raw)
		}
	}
	if c.noLog {
		res.Log = ""
	}
	return chain.TxResult{Code: res.Code, Log: res.Log}, nil
}

// submit signs body with key at its next sequence and fails the test if
// the mempool refuses it.
func (c *memChain) submit(key ed25519.PrivateKey, body *pb.TxBody) {
	c.t.Helper()
	seq, err := c.Sequence(context.Background(), tx.Address(key.Public().(ed25519.PublicKey)))
	if err != nil {
		c.t.Fatal(err)
	}
	raw, err := tx.Sign(testChainID, key, seq, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if res, _ := c.Broadcast(context.Background(), raw); res.Code != 0 {
		c.t.Fatalf("tx refused: code %d: %s", res.Code, res.Log)
	}
}

// httpFetcher is a minimal in-test "http" fetcher: GET of the expanded url.
type httpFetcher struct{}

func (httpFetcher) Fetch(ctx context.Context, fs plugins.FetchSpec, r plugins.Round) ([]byte, error) {
	raw, err := fs.Expand(r)
	if err != nil {
		return nil, err
	}
	var cfg struct{ URL string }
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("http %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// waitGate, when a test set hold, says so on entered (without blocking)
// and waits until hold is closed.
func waitGate(hold, entered chan struct{}) {
	if hold == nil {
		return
	}
	select {
	case entered <- struct{}{}:
	default:
	}
	<-hold
}
