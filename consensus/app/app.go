package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/store"
)

// Version is the app version reported in Info.
const Version = "0.1.0"

// AppVersion is the protocol version of the state machine.
const AppVersion uint64 = 1

// App is the Assay ABCI application.
type App struct {
	abci.BaseApplication

	mu        sync.Mutex
	kv        *store.Tree
	m         *state.Machine
	committed uint64 // height whose state kv holds
	vrfKeys   []ed25519.PrivateKey
}

var _ abci.Application = (*App)(nil)

// New opens the state machine over the state tree kv. vrfKeys are the VRF keys the node
// holds (a validator node: its own); PrepareProposal proves with the one
// registered by the block's proposer. A node without it proposes blocks
// that every node rejects (docs/protocol.md section 1).
func New(kv *store.Tree, cfg state.Config, vrfKeys ...ed25519.PrivateKey) (*App, error) {
	m, err := state.Open(kv, cfg)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return &App{kv: kv, m: m, committed: m.Height(), vrfKeys: vrfKeys}, nil
}

// Height returns the last committed height.
func (a *App) Height() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.committed
}

// Info returns the last committed height and app hash, so CometBFT's
// handshake replays exactly the blocks the app has not committed.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	res := &abci.ResponseInfo{Data: "assay", Version: Version, AppVersion: AppVersion, LastBlockHeight: int64(a.committed)}
	if a.committed > 0 {
		res.LastBlockAppHash = a.m.AppHash()
	}
	return res, nil
}

// InitChain stages the genesis app state; the first Commit persists it.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if req.InitialHeight > 1 {
		return nil, fmt.Errorf("app: initial height %d: only 1 is supported", req.InitialHeight)
	}
	g, err := state.ParseGenesis(req.AppStateBytes)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	ups, hash, err := a.m.InitGenesis(req.ChainId, g)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return &abci.ResponseInitChain{Validators: updates(ups), AppHash: hash}, nil
}

// CheckTx runs the mempool checks (docs/protocol.md section 2). A
// recheck (after each block, of the txs left in the mempool) skips the
// store-time check of a StoreCode module, whose answer cannot change
// (state.Machine.RecheckTx).
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var r state.TxResult
	if req.Type == abci.CheckTxType_Recheck {
		r = a.m.RecheckTx(req.Tx)
	} else {
		r = a.m.CheckTx(req.Tx)
	}
	return &abci.ResponseCheckTx{Code: uint32(r.Code), Log: r.Log, Codespace: codespace(r.Code)}, nil
}

// PrepareProposal puts the proposer's VRF tx first (state.Machine.VRFTx),
// then each signer's mempool txs in sequence order, leaving out those that
// cannot be delivered (state.Machine.OrderProposal), within the block's
// byte limit.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out [][]byte
	limit := req.MaxTxBytes
	if key := a.vrfKey(req.ProposerAddress); key != nil {
		vrf := a.m.VRFTx(key)
		out = append(out, vrf)
		if limit > 0 {
			limit = max(limit-int64(len(vrf)), 1) // CometBFT's limit is far above one VRF tx
		}
	}
	return &abci.ResponsePrepareProposal{Txs: append(out, a.m.OrderProposal(req.Txs, limit)...)}, nil
}

// vrfKey returns the held VRF key registered by the validator whose
// consensus address is proposer, or nil.
func (a *App) vrfKey(proposer []byte) ed25519.PrivateKey {
	pub := a.m.VRFPublicKey(proposer)
	for _, k := range a.vrfKeys {
		if pub != nil && bytes.Equal(k.Public().(ed25519.PublicKey), pub) {
			return k
		}
	}
	return nil
}

// ProcessProposal accepts a block only if its first tx is the proposer's
// valid VRF tx over the current seed (state.Machine.ProcessProposal).
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if uint64(req.Height) != a.m.Height()+1 || a.m.ProcessProposal(req.ProposerAddress, req.Txs) != nil {
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
	}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// FinalizeBlock executes a decided block and stages its state.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := &state.Block{Height: uint64(req.Height), Proposer: req.ProposerAddress, Txs: req.Txs, Time: req.Time.UnixNano()}
	for _, mb := range req.Misbehavior {
		b.Misbehavior = append(b.Misbehavior, state.Misbehavior{
			ConsensusAddress: mb.Validator.Address,
			Height:           uint64(mb.Height),
			DuplicateVote:    mb.Type == abci.MisbehaviorType_DUPLICATE_VOTE,
		})
	}
	res, err := a.m.FinalizeBlock(b)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	out := &abci.ResponseFinalizeBlock{
		TxResults:        make([]*abci.ExecTxResult, len(res.TxResults)),
		ValidatorUpdates: updates(res.Updates),
		Events:           events(res.Events),
		AppHash:          res.AppHash,
	}
	for i, r := range res.TxResults {
		out.TxResults[i] = &abci.ExecTxResult{Code: uint32(r.Code), Log: r.Log, Events: events(r.Events), Codespace: codespace(r.Code)}
	}
	return out, nil
}

// Commit persists the state staged by FinalizeBlock.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.m.Commit(); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	a.committed = a.m.Height()
	return &abci.ResponseCommit{}, nil
}

// ProofOpType is the type of the ProofOp that proves a record against
// the app hash: an ICS-23 CommitmentProof for the IAVL tree.
const ProofOpType = "ics23:iavl"

// Query answers the JSON query paths of docs/protocol.md section 6 from
// the state saved at req.Height (0: the last committed height). With
// req.Prove it answers a record path of state.RecordKey instead: the
// record's key, its stored bytes (empty if absent) and an ICS-23 proof
// of them (or of the absence) against the app hash of that state
// (docs/protocol.md section 4).
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if req.Height < 0 {
		return queryErr(state.CodeInvalid, fmt.Errorf("%w: height %d", state.ErrBadQuery, req.Height), 0), nil
	}
	view, err := a.kv.At(req.Height)
	if err != nil {
		if req.Height == 0 { // nothing committed yet: answer from the empty state
			if req.Prove {
				return queryErr(state.CodeNotFound, fmt.Errorf("nothing committed to prove against"), 0), nil
			}
			return a.answer(state.NewMemKV(), 0, req.Path)
		}
		return queryErr(state.CodeInvalid, err, 0), nil
	}
	h := view.Version()
	if !req.Prove {
		return a.answer(view, h, req.Path)
	}
	key, err := state.RecordKey(req.Path)
	if err != nil {
		return queryErr(state.CodeInvalid, err, h), nil
	}
	val, proof, err := view.Prove(key)
	if err != nil {
		return queryErr(state.CodeInternal, err, h), nil
	}
	data, err := proof.Marshal()
	if err != nil {
		return queryErr(state.CodeInternal, fmt.Errorf("app: marshal proof: %w", err), h), nil
	}
	return &abci.ResponseQuery{Key: key, Value: val, Height: h,
		ProofOps: &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: ProofOpType, Key: key, Data: data}}}}, nil
}

func (a *App) answer(kv state.KV, h int64, path string) (*abci.ResponseQuery, error) {
	b, err := state.Query(kv, path)
	switch {
	case errors.Is(err, state.ErrNotFound):
		return queryErr(state.CodeNotFound, err, h), nil
	case errors.Is(err, state.ErrBadQuery):
		return queryErr(state.CodeInvalid, err, h), nil
	case err != nil:
		return queryErr(state.CodeInternal, err, h), nil
	}
	return &abci.ResponseQuery{Value: b, Height: h, Key: []byte(path)}, nil
}

func queryErr(c state.Code, err error, h int64) *abci.ResponseQuery {
	return &abci.ResponseQuery{Code: uint32(c), Log: err.Error(), Height: h, Codespace: "assay"}
}

func codespace(c state.Code) string {
	if c == state.CodeOK {
		return ""
	}
	return "assay"
}

func updates(us []state.ValidatorUpdate) []abci.ValidatorUpdate {
	out := make([]abci.ValidatorUpdate, len(us))
	for i, u := range us {
		out[i] = abci.Ed25519ValidatorUpdate(u.PubKey, u.Power)
	}
	return out
}

func events(es []state.Event) []abci.Event {
	out := make([]abci.Event, len(es))
	for i, e := range es {
		ev := abci.Event{Type: e.Type}
		index := state.Indexed(e.Type)
		for _, at := range e.Attrs {
			ev.Attributes = append(ev.Attributes, abci.EventAttribute{Key: at.Key, Value: at.Value, Index: index})
		}
		out[i] = ev
	}
	return out
}
