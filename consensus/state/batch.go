package state

import (
	"bytes"
	"strconv"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
)

// Entry outcomes, as the commit/reveal events report them.
const (
	OutcomeOK       = "ok"
	OutcomeMismatch = "mismatch" // a reveal that does not open the commit: recorded
)

func assignee(r *pb.Round, op []byte) *pb.Assignee {
	for _, a := range r.Assignees {
		if bytes.Equal(a.Operator, op) {
			return a
		}
	}
	return nil
}

// commitBatch applies each entry that fits; the tx fails only if none does.
func (m *Machine) commitBatch(signer []byte, b *pb.CommitBatch) error {
	var first error
	applied := 0
	for _, e := range b.Entries {
		err := m.commitEntry(signer, e)
		m.entryEvent(EventCommit, e.Source, e.Round, err)
		if err == nil {
			applied++
		} else if first == nil {
			first = err
		}
	}
	if applied == 0 {
		return fail(CodeNoEntry, "no commit entry applied: %v", first)
	}
	return nil
}

func (m *Machine) commitEntry(signer []byte, e *pb.CommitEntry) error {
	r := m.openRound(e.Source, e.Round)
	if r == nil {
		return fail(CodeNotFound, "round %s/%d is not open", e.Source, e.Round)
	}
	if r.Phase != pb.Phase_PHASE_COMMIT || m.height > r.CommitEnd {
		return fail(CodeInvalid, "round %s/%d is past its commit phase", e.Source, e.Round)
	}
	a := assignee(r, signer)
	if a == nil {
		return fail(CodeUnauthorized, "%x is not assigned to %s/%d", signer, e.Source, e.Round)
	}
	if len(a.Commit) != 0 {
		return fail(CodeExists, "%s/%d already committed", e.Source, e.Round)
	}
	a.Commit = e.Hash
	a.CommitHeight = m.height
	m.saveRound(r)
	return nil
}

// revealBatch applies each entry that fits; the tx fails only if none does.
func (m *Machine) revealBatch(signer []byte, b *pb.RevealBatch) error {
	var first error
	applied := 0
	for _, e := range b.Entries {
		outcome, err := m.revealEntry(signer, e)
		if err == nil {
			m.emit(EventReveal, AttrSource, e.Source, AttrRound, strconv.FormatUint(e.Round, 10), AttrResult, outcome)
			applied++
		} else {
			m.entryEvent(EventReveal, e.Source, e.Round, err)
			if first == nil {
				first = err
			}
		}
	}
	if applied == 0 {
		return fail(CodeNoEntry, "no reveal entry applied: %v", first)
	}
	return nil
}

func (m *Machine) revealEntry(signer []byte, e *pb.RevealEntry) (string, error) {
	r := m.openRound(e.Source, e.Round)
	if r == nil {
		return "", fail(CodeNotFound, "round %s/%d is not open", e.Source, e.Round)
	}
	if r.Phase != pb.Phase_PHASE_REVEAL || m.height < r.RevealStart || m.height > r.RevealEnd {
		return "", fail(CodeInvalid, "round %s/%d is not in its reveal phase", e.Source, e.Round)
	}
	a := assignee(r, signer)
	switch {
	case a == nil:
		return "", fail(CodeUnauthorized, "%x is not assigned to %s/%d", signer, e.Source, e.Round)
	case len(a.Commit) == 0:
		return "", fail(CodeInvalid, "%s/%d has no commit to reveal", e.Source, e.Round)
	case a.Verdict != nil:
		return "", fail(CodeExists, "%s/%d already revealed", e.Source, e.Round)
	}
	h := tx.CommitHash(m.meta.ChainId, e.Source, e.Round, signer, e.Verdict, e.Salt)
	if !bytes.Equal(h[:], a.Commit) {
		a.BadReveals++
		m.saveRound(r)
		return OutcomeMismatch, nil
	}
	a.Verdict, a.Salt, a.RevealHeight = e.Verdict, e.Salt, m.height
	m.saveRound(r)
	return OutcomeOK, nil
}

func (m *Machine) entryEvent(typ, source string, round uint64, err error) {
	result := OutcomeOK
	if err != nil {
		result = "error: " + err.Error()
	}
	m.emit(typ, AttrSource, source, AttrRound, strconv.FormatUint(round, 10), AttrResult, result)
}
