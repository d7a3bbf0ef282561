package state

import (
	"encoding/hex"
	"math/bits"

	"github.com/assaynet/assay/consensus/pb"
)

// slashAmount returns floor(stake · ppm / 10⁶) without overflow.
func slashAmount(stake, ppm uint64) uint64 {
	hi, lo := bits.Mul64(stake, ppm)
	q, _ := bits.Div64(hi, lo, PPM) // hi < ppm < PPM, so no panic
	return q
}

// active reports whether v holds voting power.
func active(v *pb.Validator) bool { return !v.Jailed && !v.Tombstoned && v.Stake > 0 }

// canRemove reports whether v may leave the set without emptying it.
func (m *Machine) canRemove(v *pb.Validator) bool {
	if !active(v) {
		return true
	}
	for _, o := range m.vals {
		if o != v && active(o) {
			return true
		}
	}
	return false
}

// penalise slashes v by ppm, jails it (tombstones it for duplicate votes)
// unless that would empty the set, and records the evidence.
func (m *Machine) penalise(v *pb.Validator, kind pb.EvidenceKind, ppm uint64, r *pb.Round, a *pb.Assignee) {
	amount := slashAmount(v.Stake, ppm)
	ev := &pb.Evidence{Id: m.meta.NextEvidence, Height: m.height, Kind: kind, Operator: v.Operator, Slashed: amount}
	removable := m.canRemove(v)
	v.Stake -= amount
	switch {
	case kind == pb.EvidenceKind_EVIDENCE_DUPLICATE_VOTE && removable:
		v.Tombstoned, v.Jailed = true, true
		ev.Tombstoned = true
	case removable:
		v.Jailed = true
		v.JailedUntil = max(v.JailedUntil, m.height+m.params.JailBlocks)
		ev.JailedUntil = v.JailedUntil
	}
	if r != nil {
		ev.Source, ev.Round = r.Source, r.Round
		ev.AgreedStatus, ev.AgreedOutputCid = r.WinnerStatus, r.WinnerOutputCid
	}
	if a != nil {
		ev.Revealed, ev.Commit, ev.Salt = a.Verdict, a.Commit, a.Salt
	}
	m.meta.NextEvidence++
	m.put(keyEvidence(ev.Id), ev)
	m.saveValidator(v)
	m.emit(EventPenalty, AttrOperator, hex.EncodeToString(v.Operator), AttrKind, kind.String(),
		AttrSlashed, u64(amount), AttrStake, u64(v.Stake), AttrJailedUntil, u64(ev.JailedUntil))
}

// recordMiss shifts one assignment into v's miss bitmap and jails v when
// its misses in the window exceed miss_max.
func (m *Machine) recordMiss(v *pb.Validator, missed bool) {
	var bit uint64
	if missed {
		bit = 1
	}
	v.MissesHi = v.MissesHi<<1 | v.MissesLo>>63
	v.MissesLo = v.MissesLo<<1 | bit
	w := m.params.MissWindow
	if w <= 64 {
		v.MissesHi = 0
		if w < 64 {
			v.MissesLo &= 1<<w - 1
		}
	} else if w < 128 {
		v.MissesHi &= 1<<(w-64) - 1
	}
	m.saveValidator(v)
	if missCount(v) > int(m.params.MissMax) {
		v.MissesLo, v.MissesHi = 0, 0
		m.penalise(v, pb.EvidenceKind_EVIDENCE_MISSED, m.params.SlashMissedPpm, nil, nil)
	}
}

func missCount(v *pb.Validator) int {
	return bits.OnesCount64(v.MissesLo) + bits.OnesCount64(v.MissesHi)
}

// misbehavior slashes and tombstones validators that signed duplicate votes.
func (m *Machine) misbehavior(list []Misbehavior) {
	for _, mb := range list {
		if !mb.DuplicateVote {
			continue
		}
		if v := m.byConsensusAddress(mb.ConsensusAddress); v != nil && !v.Tombstoned {
			m.penalise(v, pb.EvidenceKind_EVIDENCE_DUPLICATE_VOTE, m.params.SlashDoubleSignPpm, nil, nil)
		}
	}
}

func (m *Machine) unjail(signer []byte) error {
	v := m.validator(signer)
	switch {
	case v == nil:
		return fail(CodeNotFound, "%x is not a validator operator", signer)
	case v.Tombstoned:
		return fail(CodeJailed, "validator is tombstoned")
	case !v.Jailed:
		return fail(CodeJailed, "validator is not jailed")
	case m.height < v.JailedUntil:
		return fail(CodeJailed, "jailed until height %d", v.JailedUntil)
	case v.Stake == 0:
		return fail(CodeJailed, "validator has no stake")
	}
	v.Jailed = false
	v.MissesLo, v.MissesHi = 0, 0
	m.saveValidator(v)
	m.emit(EventUnjail, AttrOperator, hex.EncodeToString(v.Operator))
	return nil
}

// validatorUpdates returns one update per validator whose voting power
// changed in this block, in operator order.
func (m *Machine) validatorUpdates() []ValidatorUpdate {
	var out []ValidatorUpdate
	for _, v := range m.vals {
		want := uint64(0)
		if active(v) {
			want = v.Stake
		}
		if want == v.Power {
			continue
		}
		v.Power = want
		m.saveValidator(v)
		out = append(out, ValidatorUpdate{PubKey: v.ConsensusPubkey, Power: int64(want)})
	}
	return out
}
