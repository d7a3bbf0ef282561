package state

import (
	"fmt"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/plugins/spec"
	"github.com/assaynet/assay/runtime/abi"
)

// Limits on names (docs/protocol.md section 2); the fetch spec's are
// package spec's.
const (
	MaxIDLen       = 64
	MaxCIDBytes    = 128
	MaxCodeCIDText = 128
)

// ValidID reports whether id is a valid source id: 1–64 characters from
// [a-z0-9._-], starting with a letter or digit.
func ValidID(id string) bool {
	return validName(id, MaxIDLen, "._-")
}

func validName(s string, maxLen int, extra string) bool {
	if len(s) == 0 || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
		if alnum {
			continue
		}
		if i == 0 || !containsByte(extra, c) {
			return false
		}
	}
	return true
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// validateBasic runs the stateless checks of a tx body.
func (m *Machine) validateBasic(b *pb.TxBody) error {
	switch k := b.Kind.(type) {
	case *pb.TxBody_StoreCode:
		if len(k.StoreCode.GetWasm()) == 0 {
			return fail(CodeInvalid, "store_code: empty wasm")
		}
	case *pb.TxBody_RegisterSource:
		return m.validateSource(k.RegisterSource.GetId(), k.RegisterSource.GetSpec())
	case *pb.TxBody_UpdateSource:
		return m.validateSource(k.UpdateSource.GetId(), k.UpdateSource.GetSpec())
	case *pb.TxBody_RetireSource:
		if !ValidID(k.RetireSource.GetId()) {
			return fail(CodeInvalid, "retire_source: invalid id %q", k.RetireSource.GetId())
		}
	case *pb.TxBody_Commit:
		return m.validateCommits(k.Commit.GetEntries())
	case *pb.TxBody_Reveal:
		return m.validateReveals(k.Reveal.GetEntries())
	case *pb.TxBody_Unjail:
	case *pb.TxBody_AnnounceRetrieval:
		return validateRetrieval(k.AnnounceRetrieval)
	default:
		return fail(CodeDecode, "unknown tx kind")
	}
	return nil
}

func (m *Machine) validateSource(id string, s *pb.SourceSpec) error {
	p := m.params
	switch {
	case !ValidID(id):
		return fail(CodeInvalid, "source: invalid id %q (1-64 of [a-z0-9._-], starting alphanumeric)", id)
	case s == nil:
		return fail(CodeInvalid, "source: missing spec")
	case s.Every < 1:
		return fail(CodeInvalid, "source: every must be ≥ 1")
	case s.Replicas < 1 || s.Replicas > p.MaxReplicas:
		return fail(CodeInvalid, "source: replicas must be in 1..%d", p.MaxReplicas)
	case s.GasLimit < 1 || s.GasLimit > p.MaxGasLimit:
		return fail(CodeInvalid, "source: gas_limit must be in 1..%d", p.MaxGasLimit)
	case s.MaxOutputBytes < 1 || s.MaxOutputBytes > p.MaxOutputBytes:
		return fail(CodeInvalid, "source: max_output_bytes must be in 1..%d", p.MaxOutputBytes)
	case s.MemoryPages < 1 || s.MemoryPages > p.MaxMemoryPages:
		return fail(CodeInvalid, "source: memory_pages must be in 1..%d", p.MaxMemoryPages)
	case uint64(len(s.Params)) > p.MaxParamsBytes:
		return fail(CodeInvalid, "source: params exceed %d bytes", p.MaxParamsBytes)
	case s.CodeCid == "" || len(s.CodeCid) > MaxCodeCIDText:
		return fail(CodeInvalid, "source: missing code_cid")
	}
	if err := m.validateFetch(s.Fetch); err != nil {
		return err
	}
	if err := spec.ValidateMetadataPB(s.Metadata); err != nil {
		return fail(CodeInvalid, "source: %v", err)
	}
	return nil
}

// validateFetch applies the fetch spec rule of package spec with this
// chain's max_fetch_config_bytes and the protocol's template rule.
func (m *Machine) validateFetch(f *pb.FetchSpec) error {
	if err := spec.ValidatePB(f, m.params.MaxFetchConfigBytes, m.cfg.Template); err != nil {
		return fail(CodeInvalid, "source: %v", err)
	}
	return nil
}

func (m *Machine) validateCommits(es []*pb.CommitEntry) error {
	if err := m.checkBatch(len(es)); err != nil {
		return err
	}
	for i, e := range es {
		if err := checkEntryKey(i, e.Source, e.Round); err != nil {
			return err
		}
		if len(e.Hash) != 32 {
			return fail(CodeInvalid, "commit entry %d: hash must be 32 bytes", i)
		}
		if i > 0 && !entryLess(es[i-1].Source, es[i-1].Round, e.Source, e.Round) {
			return fail(CodeInvalid, "commit entry %d: entries must be sorted by (source, round) and unique", i)
		}
	}
	return nil
}

func (m *Machine) validateReveals(es []*pb.RevealEntry) error {
	if err := m.checkBatch(len(es)); err != nil {
		return err
	}
	for i, e := range es {
		if err := checkEntryKey(i, e.Source, e.Round); err != nil {
			return err
		}
		if len(e.Salt) != tx.SaltLen {
			return fail(CodeInvalid, "reveal entry %d: salt must be 32 bytes", i)
		}
		if err := ValidateVerdict(e.Verdict); err != nil {
			return fail(CodeInvalid, "reveal entry %d: %v", i, err)
		}
		if i > 0 && !entryLess(es[i-1].Source, es[i-1].Round, e.Source, e.Round) {
			return fail(CodeInvalid, "reveal entry %d: entries must be sorted by (source, round) and unique", i)
		}
	}
	return nil
}

func (m *Machine) checkBatch(n int) error {
	if n == 0 || n > int(m.params.MaxBatchEntries) {
		return fail(CodeInvalid, "batch must hold 1..%d entries, has %d", m.params.MaxBatchEntries, n)
	}
	return nil
}

func checkEntryKey(i int, source string, round uint64) error {
	if !ValidID(source) || round == 0 {
		return fail(CodeInvalid, "entry %d: invalid source id or round", i)
	}
	return nil
}

func entryLess(s1 string, r1 uint64, s2 string, r2 uint64) bool {
	if s1 != s2 {
		return s1 < s2
	}
	return r1 < r2
}

// ValidateVerdict checks a verdict's shape: a known status and, except
// for UNAVAILABLE, binary output and input CIDs.
func ValidateVerdict(v *pb.Verdict) error {
	if v == nil {
		return fmt.Errorf("state: missing verdict")
	}
	st := abi.Status(v.Status)
	if v.Status > 255 || st < abi.StatusAccepted || st > abi.StatusUnavailable {
		return fmt.Errorf("state: unknown verdict status %d", v.Status)
	}
	if st == abi.StatusUnavailable {
		if len(v.OutputCid) != 0 || len(v.InputCid) != 0 || v.GasUsed != 0 {
			return fmt.Errorf("state: an UNAVAILABLE verdict carries no CIDs or gas")
		}
		return nil
	}
	for _, c := range [][]byte{v.OutputCid, v.InputCid} {
		if len(c) == 0 || len(c) > MaxCIDBytes {
			return fmt.Errorf("state: verdict CIDs must be 1..%d bytes", MaxCIDBytes)
		}
		if _, err := cid.Cast(c); err != nil {
			return fmt.Errorf("state: verdict CID: %w", err)
		}
	}
	return nil
}
