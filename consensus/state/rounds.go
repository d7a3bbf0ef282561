package state

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/assign"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/runtime/abi"
)

// due reports whether source s has a round at height h.
func due(s *pb.Source, h uint64) bool {
	return !s.Retired && h >= s.Start && (h-s.Start)%s.Spec.Every == 0
}

// pool returns the assignment pool: validators not jailed, not
// tombstoned, with stake > 0.
func (m *Machine) pool() (*assign.Pool, error) {
	ms := make([]assign.Member, 0, len(m.vals))
	for _, v := range m.vals {
		if !v.Jailed && !v.Tombstoned && v.Stake > 0 {
			ms = append(ms, assign.Member{Operator: v.Operator, Stake: v.Stake})
		}
	}
	return assign.NewPool(ms)
}

// assign opens a round for every due source (docs/protocol.md section 1), using
// the validators as committed at the previous height.
func (m *Machine) assign(seed [32]byte, vrfOutput []byte) error {
	var pool *assign.Pool
	var picks []int
	for _, s := range m.sources {
		if !due(s, m.height) {
			continue
		}
		if pool == nil {
			var err error
			if pool, err = m.pool(); err != nil {
				return fmt.Errorf("state: assignment pool: %w", err)
			}
		}
		picks = pool.Pick(seed, s.Id, int(s.Spec.Replicas), picks[:0])
		if len(picks) == 0 {
			continue
		}
		m.openNewRound(s, pool, picks, seed, vrfOutput)
	}
	return nil
}

// roundSpec is the copy of a source's spec a new round keeps: all of it
// but the metadata, which no round needs (a source's metadata is read
// from the source).
func roundSpec(s *pb.SourceSpec) *pb.SourceSpec {
	c := proto.Clone(s).(*pb.SourceSpec)
	c.Metadata = nil
	return c
}

func (m *Machine) openNewRound(s *pb.Source, pool *assign.Pool, picks []int, seed [32]byte, vrfOutput []byte) {
	r := &pb.Round{
		Source:    s.Id,
		Round:     m.height,
		Phase:     pb.Phase_PHASE_COMMIT,
		CommitEnd: m.height + m.params.CommitWindow,
		Spec:      roundSpec(s.Spec),
		Seed:      bytes.Clone(seed[:]),
		VrfOutput: bytes.Clone(vrfOutput),
	}
	ops := make([]string, len(picks))
	for i, p := range picks {
		mem := pool.Members()[p]
		r.Assignees = append(r.Assignees, &pb.Assignee{Operator: mem.Operator, Stake: mem.Stake})
		ops[i] = hex.EncodeToString(mem.Operator)
	}
	m.open = append(m.open, r)
	m.saveRound(r)
	m.st.set(keyRoundIndex(r.Source, r.Round), indexValue)
	for _, a := range r.Assignees {
		m.st.set(keyOpen(a.Operator, r.Source, r.Round), indexValue)
	}
	m.emit(EventAssign, AttrSource, s.Id, AttrRound, u64(m.height), AttrCommitEnd, u64(r.CommitEnd), AttrAssignees, strings.Join(ops, ","))
}

func u64(v uint64) string { return strconv.FormatUint(v, 10) }

// advanceRounds moves open rounds through their phases at the end of the
// block and tallies the ones whose reveal phase is over.
func (m *Machine) advanceRounds() {
	keep := m.open[:0]
	for _, r := range m.open {
		if m.step(r) {
			keep = append(keep, r)
		}
	}
	clear(m.open[len(keep):])
	m.open = keep
}

// step advances r by at most one phase and reports whether it stays open.
func (m *Machine) step(r *pb.Round) bool {
	switch r.Phase {
	case pb.Phase_PHASE_COMMIT:
		committed := 0
		for _, a := range r.Assignees {
			if len(a.Commit) != 0 {
				committed++
			}
		}
		if committed < len(r.Assignees) && m.height < r.CommitEnd {
			return true
		}
		if committed == 0 { // nothing can be revealed: close now
			m.tally(r)
			return false
		}
		r.Phase = pb.Phase_PHASE_REVEAL
		r.RevealStart, r.RevealEnd = m.height+1, m.height+m.params.RevealWindow
		m.saveRound(r)
		m.emit(EventRevealPhase, AttrSource, r.Source, AttrRound, u64(r.Round), AttrRevealStart, u64(r.RevealStart), AttrRevealEnd, u64(r.RevealEnd))
		return true
	case pb.Phase_PHASE_REVEAL:
		// wait only for assignees that committed: one that did not can
		// never reveal, and waiting for it would hold the round for the
		// whole reveal window
		for _, a := range r.Assignees {
			if len(a.Commit) != 0 && a.Verdict == nil && m.height < r.RevealEnd {
				return true
			}
		}
		m.tally(r)
		return false
	}
	return false
}

// group is the stake behind one (status, output CID).
type group struct {
	status uint32
	cid    []byte
	stake  uint64
}

// winner returns the (status, CID) group holding at least two thirds of
// the assignees' stake, or nil.
func winner(r *pb.Round) *group {
	var total uint64
	var groups []*group
	for _, a := range r.Assignees {
		total += a.Stake
		v := a.Verdict
		if v == nil || abi.Status(v.Status) == abi.StatusUnavailable {
			continue
		}
		i := sort.Search(len(groups), func(i int) bool { return groupCmp(groups[i], v.Status, v.OutputCid) >= 0 })
		if i == len(groups) || groupCmp(groups[i], v.Status, v.OutputCid) != 0 {
			groups = append(groups, nil)
			copy(groups[i+1:], groups[i:])
			groups[i] = &group{status: v.Status, cid: v.OutputCid}
		}
		groups[i].stake += a.Stake
	}
	for _, g := range groups {
		if total > 0 && 3*g.stake >= 2*total {
			return g
		}
	}
	return nil
}

func groupCmp(g *group, status uint32, c []byte) int {
	if g.status != status {
		if g.status < status {
			return -1
		}
		return 1
	}
	return bytes.Compare(g.cid, c)
}

// winnerStatus names the verdict status of a resolved round ("" if not).
func winnerStatus(r *pb.Round) string {
	if r.Phase != pb.Phase_PHASE_RESOLVED {
		return ""
	}
	return abi.Status(r.WinnerStatus).String()
}

func agrees(v *pb.Verdict, g *group) bool {
	return v != nil && g != nil && v.Status == g.status && bytes.Equal(v.OutputCid, g.cid)
}

// tally closes r: a dataset if resolved, then misses and penalties.
func (m *Machine) tally(r *pb.Round) {
	g := winner(r)
	for _, a := range r.Assignees {
		m.st.del(keyOpen(a.Operator, r.Source, r.Round))
	}
	r.ClosedAt = m.height
	r.Phase = pb.Phase_PHASE_UNRESOLVED
	if g != nil {
		r.Phase = pb.Phase_PHASE_RESOLVED
		r.WinnerStatus, r.WinnerOutputCid = g.status, g.cid
		m.storeDataset(r, g)
	}
	m.emit(EventRoundClosed, AttrSource, r.Source, AttrRound, u64(r.Round), AttrPhase, r.Phase.String(),
		AttrStatus, winnerStatus(r), AttrOutputCID, cidString(r.WinnerOutputCid))
	for _, a := range r.Assignees {
		v := m.validator(a.Operator)
		if v == nil {
			continue
		}
		m.recordMiss(v, len(a.Commit) == 0)
		switch {
		case len(a.Commit) != 0 && a.Verdict == nil:
			a.Penalised = true
			m.penalise(v, pb.EvidenceKind_EVIDENCE_NO_REVEAL, m.params.SlashNoRevealPpm, r, a)
		case g != nil && a.Verdict != nil && abi.Status(a.Verdict.Status) != abi.StatusUnavailable && !agrees(a.Verdict, g):
			a.Penalised = true
			m.penalise(v, pb.EvidenceKind_EVIDENCE_WRONG_VERDICT, m.params.SlashWrongPpm, r, a)
		}
	}
	m.saveRound(r)
}

func (m *Machine) storeDataset(r *pb.Round, g *group) {
	d := &pb.Dataset{Source: r.Source, Round: r.Round, Status: g.status, OutputCid: g.cid, Height: m.height, Time: m.time}
	var att []*pb.Assignee
	for _, a := range r.Assignees {
		if agrees(a.Verdict, g) {
			att = append(att, a)
		}
	}
	sort.Slice(att, func(i, j int) bool { return bytes.Compare(att[i].Operator, att[j].Operator) < 0 })
	for _, a := range att {
		d.Attesters = append(d.Attesters, a.Operator)
		i := sort.Search(len(d.InputCids), func(i int) bool { return bytes.Compare(d.InputCids[i], a.Verdict.InputCid) >= 0 })
		if i == len(d.InputCids) || !bytes.Equal(d.InputCids[i], a.Verdict.InputCid) {
			d.InputCids = append(d.InputCids, nil)
			copy(d.InputCids[i+1:], d.InputCids[i:])
			d.InputCids[i] = a.Verdict.InputCid
		}
	}
	d.GasUsed = att[0].Verdict.GasUsed
	m.put(keyDataset(d.Source, d.Round), d)
	m.st.set(keyResolved(d.Source, d.Height, d.Round), indexValue)
}
