package state

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	cid "github.com/ipfs/go-cid"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/runtime/abi"
)

// Decoding of query answers: the inverse of the views in query.go, used
// by every client (the worker, the CLI, the devnet) so the JSON contract
// is read by one piece of code.

// Decode decodes the JSON answer b of a query into a value of type T
// (a *View, a slice of them, or AccountView).
func Decode[T any](b []byte) (T, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("state: decode %T: %w", v, err)
	}
	return v, nil
}

// DecodeParams decodes the answer of PathParams.
func DecodeParams(b []byte) (*pb.Params, error) {
	p := &pb.Params{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("state: decode params: %w", err)
	}
	return p, nil
}

// DecodeRecords decodes the answer of PathAssignedRecords: field 1 of a
// protobuf message, repeated, each a Round record. Anything else in it is
// an error.
func DecodeRecords(b []byte) ([]*pb.Round, error) {
	var out []*pb.Round
	for at := 0; at < len(b); {
		num, typ, n := protowire.ConsumeTag(b[at:])
		if n < 0 || num != 1 || typ != protowire.BytesType {
			return nil, fmt.Errorf("state: decode records: byte %d: not field 1 bytes", at)
		}
		rec, m := protowire.ConsumeBytes(b[at+n:])
		if m < 0 {
			return nil, fmt.Errorf("state: decode records: byte %d: %w", at+n, protowire.ParseError(m))
		}
		at += n + m
		r := &pb.Round{}
		if err := proto.Unmarshal(rec, r); err != nil {
			return nil, fmt.Errorf("state: decode records: %w", err)
		}
		out = append(out, r)
	}
	return out, nil
}

// ParsePhase is the inverse of a view's phase ("COMMIT", "RESOLVED", …).
func ParsePhase(s string) (pb.Phase, error) {
	p, ok := pb.Phase_value["PHASE_"+s]
	if !ok || s == "" {
		return 0, fmt.Errorf("state: unknown phase %q", s)
	}
	return pb.Phase(p), nil
}

func parseStatus(s string) (uint32, error) {
	if s == abi.StatusUnknown.String() {
		return uint32(abi.StatusUnknown), nil
	}
	st, ok := abi.ParseStatus(s)
	if !ok {
		return 0, fmt.Errorf("state: unknown status %q", s)
	}
	return uint32(st), nil
}

// parseCID is the inverse of cidString.
func parseCID(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if c, err := cid.Decode(s); err == nil {
		return c.Bytes(), nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("state: bad cid %q", s)
	}
	return b, nil
}

func parseHex(what, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("state: bad %s %q: %w", what, s, err)
	}
	return b, nil
}

// SourceSpec converts the view back to the spec record.
func (v SpecView) SourceSpec() (*pb.SourceSpec, error) {
	params, err := base64.StdEncoding.DecodeString(v.Params)
	if err != nil {
		return nil, fmt.Errorf("state: spec params: %w", err)
	}
	if len(params) == 0 {
		params = nil
	}
	fetch := &pb.FetchSpec{Kind: v.FetchKind}
	for _, kv := range v.FetchConfig {
		fetch.Config = append(fetch.Config, &pb.KeyValue{Key: kv[0], Value: kv[1]})
	}
	return &pb.SourceSpec{Fetch: fetch, CodeCid: v.CodeCID, Params: params, Every: v.Every, WindowSeconds: v.WindowSeconds,
		Replicas: v.Replicas, GasLimit: v.GasLimit, MaxOutputBytes: v.MaxOutputBytes, MemoryPages: v.MemoryPages}, nil
}

// Verdict converts the view back to the verdict record.
func (v *VerdictView) Verdict() (*pb.Verdict, error) {
	if v == nil {
		return nil, nil
	}
	st, err := parseStatus(v.Status)
	if err != nil {
		return nil, err
	}
	out, err := parseCID(v.OutputCID)
	if err != nil {
		return nil, err
	}
	in, err := parseCID(v.InputCID)
	if err != nil {
		return nil, err
	}
	return &pb.Verdict{Status: st, OutputCid: out, InputCid: in, GasUsed: v.GasUsed}, nil
}

// Round converts the view back to the round record it was made from.
func (v RoundView) Round() (*pb.Round, error) {
	where := func(err error) error { return fmt.Errorf("round %s/%d: %w", v.Source, v.ID, err) }
	phase, err := ParsePhase(v.Phase)
	if err != nil {
		return nil, where(err)
	}
	spec, err := v.Spec.SourceSpec()
	if err != nil {
		return nil, where(err)
	}
	r := &pb.Round{Source: v.Source, Round: v.ID, Phase: phase, CommitEnd: v.CommitEnd, RevealStart: v.RevealStart,
		RevealEnd: v.RevealEnd, ClosedAt: v.ClosedAt, Spec: spec}
	if v.Status != "" {
		if r.WinnerStatus, err = parseStatus(v.Status); err != nil {
			return nil, where(err)
		}
	}
	if r.WinnerOutputCid, err = parseCID(v.OutputCID); err != nil {
		return nil, where(err)
	}
	for _, a := range v.Assignees {
		pa := &pb.Assignee{Stake: a.Stake, CommitHeight: a.CommitHeight, RevealHeight: a.RevealHeight,
			BadReveals: a.BadReveals, Penalised: a.Penalised}
		for _, f := range []struct {
			name string
			s    string
			dst  *[]byte
		}{{"operator", a.Operator, &pa.Operator}, {"commit", a.Commit, &pa.Commit}, {"salt", a.Salt, &pa.Salt}} {
			if *f.dst, err = parseHex(f.name, f.s); err != nil {
				return nil, where(err)
			}
		}
		if pa.Verdict, err = a.Verdict.Verdict(); err != nil {
			return nil, where(err)
		}
		r.Assignees = append(r.Assignees, pa)
	}
	return r, nil
}

// IsOpen reports whether the round is in its commit or reveal phase.
func (v RoundView) IsOpen() bool {
	p, err := ParsePhase(v.Phase)
	return err == nil && PhaseOpen(p)
}

// PhaseOpen reports whether a round in phase p is open: in its commit or
// reveal phase.
func PhaseOpen(p pb.Phase) bool { return p == pb.Phase_PHASE_COMMIT || p == pb.Phase_PHASE_REVEAL }

// Bytes returns the code's original module bytes.
func (v CodeView) Bytes() ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(v.Wasm)
	if err != nil {
		return nil, fmt.Errorf("state: code %s wasm: %w", v.CID, err)
	}
	return b, nil
}
