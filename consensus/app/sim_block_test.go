package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/app"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/seed"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

// workTxs builds each validator's commit and reveal batches for block h.
func (s *sim) workTxs(h uint64) (good [][]byte) {
	for _, v := range s.vals {
		var commits []*pb.CommitEntry
		var reveals []*pb.RevealEntry
		for _, k := range s.order {
			r := s.rounds[k]
			if r == nil || !r.has(v.hexAddr) {
				continue
			}
			if c := s.commitFor(v, r, h); c != nil {
				commits = append(commits, c)
			}
			if e := s.revealFor(v, r, h); e != nil {
				reveals = append(reveals, e)
			}
		}
		if len(commits) > 0 {
			good = append(good, s.sign(v, tx.CommitBody(commits...)))
		}
		if len(reveals) > 0 {
			good = append(good, s.sign(v, tx.RevealBody(reveals...)))
		}
	}
	return good
}

func (r *simRound) has(op string) bool {
	for _, a := range r.assignees {
		if a == op {
			return true
		}
	}
	return false
}

func (s *sim) commitFor(v *simVal, r *simRound, h uint64) *pb.CommitEntry {
	if h <= r.height || h > r.commitEnd || r.revealStart != 0 || r.committed[v.hexAddr] != nil || v.b == noCommit {
		return nil
	}
	var hash []byte
	if v.b == copyCommit {
		for _, a := range r.assignees { // copy the first commit seen on chain
			if a != v.hexAddr && r.committed[a] != nil {
				hash = r.committed[a]
				break
			}
		}
		if hash == nil {
			return nil // nothing to copy yet
		}
	} else {
		c := tx.CommitHash(simChain, r.source, r.height, v.addr, s.intended(v, r), saltFor(v, r))
		hash = c[:]
	}
	r.committed[v.hexAddr] = hash
	return &pb.CommitEntry{Source: r.source, Round: r.height, Hash: hash}
}

func (s *sim) revealFor(v *simVal, r *simRound, h uint64) *pb.RevealEntry {
	if r.revealStart == 0 || h < r.revealStart || h > r.revealEnd || r.committed[v.hexAddr] == nil || r.revealed[v.hexAddr] || v.b == noReveal {
		return nil
	}
	r.revealed[v.hexAddr] = true
	e := &pb.RevealEntry{Source: r.source, Round: r.height, Verdict: s.intended(v, r), Salt: saltFor(v, r)}
	if v.b == badReveal || v.b == copyCommit {
		e.Salt = make([]byte, 32) // does not open the commit
	}
	return e
}

// hostileTxs are replays of accepted txs and a badly signed tx.
func (s *sim) hostileTxs() [][]byte {
	var out [][]byte
	if len(s.oldTxs) > 0 {
		out = append(out, s.oldTxs[s.rng.IntN(len(s.oldTxs))])
	}
	bad := s.sign(s.attacker, tx.UnjailBody())
	s.attacker.seq-- // never accepted
	bad[len(bad)-1] ^= 0x01
	return append(out, bad)
}

// step runs one block through CheckTx, FinalizeBlock and Commit on every
// replica and checks the invariants.
func (s *sim) step() {
	s.height++
	h := s.height
	ctx := context.Background()
	var good [][]byte
	for _, raw := range append(s.workTxs(h), s.unjailTxs()...) {
		if r, _ := s.replicas[0].CheckTx(ctx, &abci.RequestCheckTx{Tx: raw}); r.Code != 0 {
			s.t.Fatalf("seed %d h %d: CheckTx rejected a worker tx: %d %s", s.seed, h, r.Code, r.Log)
		}
		good = append(good, raw)
	}
	// CometBFT's mempool can hold a signer's txs out of sequence order;
	// the proposer's PrepareProposal puts them back in order.
	s.rng.Shuffle(len(good), func(i, j int) { good[i], good[j] = good[j], good[i] })
	proposer := s.byzantineRounds(h, good)
	prep, err := s.replicas[0].PrepareProposal(ctx, &abci.RequestPrepareProposal{Txs: good, MaxTxBytes: 1 << 30, ProposerAddress: proposer.ca, Height: int64(h)})
	if err != nil || len(prep.Txs) != len(good)+1 || !seed.IsTx(prep.Txs[0]) {
		s.t.Fatalf("seed %d h %d: PrepareProposal kept %d of %d valid txs and a VRF tx (%v)", s.seed, h, len(prep.GetTxs()), len(good)+1, err)
	}
	txs := prep.Txs
	s.lastVRF = txs[0]
	for _, raw := range s.hostileTxs() {
		if r, _ := s.replicas[0].CheckTx(ctx, &abci.RequestCheckTx{Tx: raw}); r.Code == 0 {
			s.t.Fatalf("seed %d h %d: CheckTx accepted a replayed or badly signed tx", s.seed, h)
		}
		txs = append(txs, raw) // a faulty proposer includes them anyway
	}
	if h == 3 {
		txs = append(txs, s.setupTxs()...)
	}
	for i, a := range s.replicas {
		if st := s.processProposal(a, proposer, txs); st != abci.ResponseProcessProposal_ACCEPT {
			s.t.Fatalf("seed %d h %d: replica %d rejected the honest proposal", s.seed, h, i)
		}
	}
	req := &abci.RequestFinalizeBlock{Height: int64(h), Txs: txs, Hash: blockHash(s.seed, h), ProposerAddress: proposer.ca, Misbehavior: s.misbehavior(h)}
	var first *abci.ResponseFinalizeBlock
	for i, a := range s.replicas {
		res, err := a.FinalizeBlock(ctx, req)
		if err != nil {
			s.t.Fatalf("seed %d h %d replica %d: %v", s.seed, h, i, err)
		}
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			s.t.Fatal(err)
		}
		if i == 0 {
			first = res
		} else if !bytes.Equal(res.AppHash, first.AppHash) {
			s.t.Fatalf("seed %d h %d: replica %d app hash %x, want %x", s.seed, h, i, res.AppHash, first.AppHash)
		}
	}
	if first.TxResults[0].Code != 0 || first.Events[0].Type != state.EventSeed {
		s.t.Fatalf("seed %d h %d: VRF tx result %+v, first event %+v", s.seed, h, first.TxResults[0], first.Events[0])
	}
	first.TxResults = first.TxResults[1:]
	s.checkTxResults(txs[1:], first)
	s.process(first)
	s.checkStakes()
}

func (s *sim) processProposal(a *app.App, proposer *simVal, txs [][]byte) abci.ResponseProcessProposal_ProposalStatus {
	res, err := a.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: int64(s.height), Txs: txs, ProposerAddress: proposer.ca})
	if err != nil {
		s.t.Fatal(err)
	}
	return res.Status
}

// byzantineRounds plays the failed rounds of height h and returns the
// proposer of the round that decides the block. Every fifth height a
// byzantine proposer proposes first with a bad VRF tx (missing, over the
// wrong seed, someone else's key, replayed, a second one), in turn; every
// replica must reject it, and the next round's proposer proposes
// honestly. The seed then comes from that proposer's VRF output.
func (s *sim) byzantineRounds(h uint64, good [][]byte) *simVal {
	round := uint64(0)
	proposer := func() *simVal { return s.vals[(h+round)%uint64(len(s.vals))] }
	if h%5 == 0 && h > 1 {
		p, other := proposer(), s.vals[(h+1)%uint64(len(s.vals))]
		cur := seed.Genesis(simChain) // a wrong seed after block 1
		var vrf [][]byte
		switch (h / 5) % 5 {
		case 0:
			vrf = nil
		case 1:
			vrf = [][]byte{seed.EncodeTx(seed.Prove(p.vrf, cur))}
		case 2:
			vrf = [][]byte{seed.EncodeTx(seed.Prove(other.vrf, s.prevSeed()))}
		case 3:
			vrf = [][]byte{s.lastVRF}
		case 4:
			honest := seed.EncodeTx(seed.Prove(p.vrf, s.prevSeed()))
			vrf = [][]byte{honest, honest}
		}
		txs := append(vrf, good...)
		for i, a := range s.replicas {
			if st := s.processProposal(a, p, txs); st != abci.ResponseProcessProposal_REJECT {
				s.t.Fatalf("seed %d h %d: replica %d accepted a byzantine proposal (case %d)", s.seed, h, i, (h/5)%5)
			}
		}
		s.stats["byzantine proposals"]++
		round++
	}
	return proposer()
}

// prevSeed is the seed of the last block.
func (s *sim) prevSeed() [32]byte { return s.lastSeed }

func blockHash(seed, h uint64) []byte {
	b := sha256.Sum256(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, seed), h))
	return b[:]
}

func (s *sim) misbehavior(h uint64) []abci.Misbehavior {
	var out []abci.Misbehavior
	for _, v := range s.vals {
		if v.b == equivocator && !v.tomb && h%17 == 5 {
			out = append(out, abci.Misbehavior{Type: abci.MisbehaviorType_DUPLICATE_VOTE,
				Validator: abci.Validator{Address: v.ca, Power: int64(v.stake)}, Height: int64(h - 1)})
		}
	}
	return out
}

// setupTxs stores the code and registers a few sources.
func (s *sim) setupTxs() [][]byte {
	wasm, err := os.ReadFile("../testdata/minimal.wasm")
	if err != nil {
		s.t.Fatal(err)
	}
	cc, err := simConfig().Code.Check(wasm)
	if err != nil {
		s.t.Fatal(err)
	}
	out := [][]byte{s.sign(s.owner, tx.StoreCodeBody(wasm))}
	n := 2 + s.rng.IntN(4)
	for i := 0; i < n; i++ {
		sp := &pb.SourceSpec{Fetch: &pb.FetchSpec{Kind: "http"}, CodeCid: cc, Every: 1 + s.rng.Uint64N(3),
			Replicas: uint32(3 + s.rng.IntN(5)), GasLimit: 1000, MaxOutputBytes: 1000, MemoryPages: 1}
		out = append(out, s.sign(s.owner, tx.RegisterSourceBody(fmt.Sprintf("src-%d", i), sp)))
	}
	return out
}

func (s *sim) checkTxResults(txs [][]byte, res *abci.ResponseFinalizeBlock) {
	for i, r := range res.TxResults {
		d, err := tx.Decode(txs[i], 1<<22)
		isHostile := err != nil || bytes.Equal(d.Address, s.attacker.addr) || s.isOld(txs[i])
		switch {
		case isHostile && r.Code == 0:
			s.t.Fatalf("seed %d h %d: hostile tx %d accepted", s.seed, s.height, i)
		case !isHostile && r.Code != 0:
			s.t.Fatalf("seed %d h %d: tx %d failed: %d %s", s.seed, s.height, i, r.Code, r.Log)
		case !isHostile:
			s.oldTxs = append(s.oldTxs, txs[i])
		}
	}
}

func (s *sim) isOld(raw []byte) bool {
	for _, o := range s.oldTxs {
		if bytes.Equal(o, raw) {
			return true
		}
	}
	return false
}

func attrs(e abci.Event) map[string]string {
	m := map[string]string{}
	for _, a := range e.Attributes {
		m[a.Key] = a.Value
	}
	return m
}

// process updates the model from the block's events and checks rounds.
func (s *sim) process(res *abci.ResponseFinalizeBlock) {
	for _, e := range res.Events {
		a := attrs(e)
		round, _ := strconv.ParseUint(a["round"], 10, 64)
		switch e.Type {
		case state.EventSeed: // seed = Next(previous seed, vrf_output)
			out, _ := hex.DecodeString(a[state.AttrVRFOutput])
			next := seed.Next(s.lastSeed, out)
			if hex.EncodeToString(next[:]) != a[state.AttrSeed] {
				s.t.Fatalf("seed %d h %d: seed event %v does not follow %x", s.seed, s.height, a, s.lastSeed)
			}
			s.lastSeed = next
		case "assign":
			ce, _ := strconv.ParseUint(a["commit_end"], 10, 64)
			k := roundKey(a["source"], round)
			s.rounds[k] = &simRound{source: a["source"], height: round, assignees: strings.Split(a["assignees"], ","),
				commitEnd: ce, committed: map[string][]byte{}, revealed: map[string]bool{}}
			s.order = append(s.order, k)
		case "reveal_phase":
			r := s.rounds[roundKey(a["source"], round)]
			r.revealStart, _ = strconv.ParseUint(a["reveal_start"], 10, 64)
			r.revealEnd, _ = strconv.ParseUint(a["reveal_end"], 10, 64)
		case "round_closed":
			s.checkClosed(a["source"], round)
		case "penalty":
			s.checkPenalty(a)
		}
	}
}

// checkClosed: a resolved round has the honest verdict whenever honest
// stake is ≥ 2/3 of the assignees', and no honest validator was penalised.
func (s *sim) checkClosed(source string, round uint64) {
	b := s.query(fmt.Sprintf("round/%s/%d", source, round))
	var rv state.RoundView
	if err := json.Unmarshal(b, &rv); err != nil {
		s.t.Fatal(err)
	}
	var total, hon uint64
	for _, a := range rv.Assignees {
		total += a.Stake
		v := s.byHex[a.Operator]
		if v.b == honest || v.b == equivocator {
			hon += a.Stake
			if a.Penalised {
				s.t.Fatalf("seed %d: honest %s penalised in %s/%d", s.seed, a.Operator, source, round)
			}
		}
	}
	want := s.verdict(fmt.Sprintf("honest/%s/%d", source, round))
	s.stats["rounds"]++
	s.stats[rv.Phase]++
	if 3*hon >= 2*total {
		if rv.Phase != "RESOLVED" || rv.OutputCID != cidText(want.OutputCid) {
			s.t.Fatalf("seed %d: %s/%d honest stake %d/%d but phase %s output %s", s.seed, source, round, hon, total, rv.Phase, rv.OutputCID)
		}
	}
	delete(s.rounds, roundKey(source, round))
	keep := s.order[:0]
	for _, k := range s.order {
		if s.rounds[k] != nil {
			keep = append(keep, k)
		}
	}
	s.order = keep
}

func (s *sim) query(path string) []byte {
	res, err := s.replicas[0].Query(context.Background(), &abci.RequestQuery{Path: path})
	if err != nil || res.Code != 0 {
		s.t.Fatalf("query %s: %v %s", path, err, res.GetLog())
	}
	return res.Value
}

// checkPenalty checks a penalty event against the model: its kind fits
// the validator's behaviour and the amount is the documented fraction.
func (s *sim) checkPenalty(a map[string]string) {
	v := s.byHex[a["operator"]]
	ppm := map[string]uint64{"EVIDENCE_WRONG_VERDICT": 50_000, "EVIDENCE_NO_REVEAL": 10_000, "EVIDENCE_MISSED": 1_000, "EVIDENCE_DUPLICATE_VOTE": 50_000}[a["kind"]]
	allowed := map[behaviour]string{wrongOutput: "EVIDENCE_WRONG_VERDICT", noReveal: "EVIDENCE_NO_REVEAL", badReveal: "EVIDENCE_NO_REVEAL",
		copyCommit: "EVIDENCE_NO_REVEAL", noCommit: "EVIDENCE_MISSED", equivocator: "EVIDENCE_DUPLICATE_VOTE"}
	if v == nil || ppm == 0 {
		s.t.Fatalf("seed %d: penalty %v", s.seed, a)
	}
	if allowed[v.b] != a["kind"] && !(a["kind"] == "EVIDENCE_MISSED" && v.b != honest) {
		s.t.Fatalf("seed %d: %s validator penalised with %s", s.seed, behaviourNames[v.b], a["kind"])
	}
	slashed, _ := strconv.ParseUint(a["slashed"], 10, 64)
	if want := v.stake * ppm / 1_000_000; slashed != want {
		s.t.Fatalf("seed %d: slashed %d of %d, want %d", s.seed, slashed, v.stake, want)
	}
	v.stake -= slashed
	s.stats[a["kind"]]++
}

// checkStakes compares every validator's stake with the model: stake only
// falls by the documented slashes.
func (s *sim) checkStakes() {
	var vs []state.ValidatorView
	if err := json.Unmarshal(s.query("validators"), &vs); err != nil {
		s.t.Fatal(err)
	}
	for _, vv := range vs {
		v := s.byHex[vv.Operator]
		if vv.Stake != v.stake {
			s.t.Fatalf("seed %d h %d: %s stake %d, model %d", s.seed, s.height, vv.Operator, vv.Stake, v.stake)
		}
		v.jailed, v.jailedTil, v.tomb = vv.Jailed, vv.JailedUntil, vv.Tombstoned
	}
}

// unjailTxs lets jailed, non-tombstoned validators come back.
func (s *sim) unjailTxs() [][]byte {
	var out [][]byte
	for _, v := range s.vals {
		if v.jailed && !v.tomb && s.height >= v.jailedTil {
			out = append(out, s.sign(v, tx.UnjailBody()))
			v.jailed = false
		}
	}
	return out
}

func cidText(b []byte) string {
	c, err := cid.Cast(b)
	if err != nil {
		return ""
	}
	return c.String()
}
