package state

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	cid "github.com/ipfs/go-cid"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/plugins/spec"
	"github.com/assaynet/assay/runtime/abi"
)

// Query errors.
var (
	ErrNotFound = errors.New("state: not found")
	ErrBadQuery = errors.New("state: bad query")
)

// Row caps of the lists that are not paged: validators are listed whole
// (up to a bound), the open rounds of an assignee up to maxAssignedRows,
// the most keys one query visits (section 6.1). An assignee's open rounds
// are its workload: 5,000 sources every 10 blocks give each of 4
// validators ~375 a block, open for up to commit_window + reveal_window
// blocks, ~3,000; a cap of 1,000 hid the newest from the worker.
const (
	maxAssignedRows = 10_000
	maxListRows     = 100_000
)

// Query answers an ABCI query path from the committed state in kv, as
// JSON (docs/protocol.md section 6).
func Query(kv KV, path string) ([]byte, error) {
	p, rawQuery, _ := strings.Cut(strings.TrimPrefix(path, "/"), "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadQuery, err)
	}
	head, rest, _ := strings.Cut(p, "/")
	var v any
	switch head {
	case "params":
		v, err = queryParams(kv)
	case "validators":
		v, err = listN(kv, prefixValidator, maxListRows, func(x *pb.Validator) any { return validatorView(x) }, &pb.Validator{})
	case "sources":
		v, err = querySources(kv, q)
	case "source":
		v, err = one(kv, keySource(rest), fmt.Sprintf("source %q", rest), &pb.Source{}, func(x *pb.Source) any { return sourceView(x) })
	case "code":
		v, err = one(kv, keyCode(rest), fmt.Sprintf("code %q", rest), &pb.Code{}, func(x *pb.Code) any { return codeView(x) })
	case "round":
		v, err = queryRound(kv, rest)
	case "rounds":
		v, err = queryRounds(kv, rest, q)
	case "datasets":
		v, err = queryDatasets(kv, rest, q)
	case "assigned":
		v, err = queryAssigned(kv, rest)
	case "assigned_records":
		return queryAssignedRecords(kv, rest)
	case "account":
		v, err = queryAccount(kv, rest)
	case "retrieval":
		v, err = queryRetrieval(kv, rest)
	case "retrievals":
		v, err = queryRetrievals(kv)
	case "evidence":
		v, err = queryEvidence(kv, q)
	default:
		return nil, fmt.Errorf("%w: unknown path %q", ErrBadQuery, p)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func queryParams(kv KV) (any, error) {
	p := DefaultParams()
	b, err := kv.Get(keyParams())
	if err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("%w: params: %w", ErrState, err)
	}
	out, err := protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}.Marshal(p)
	return json.RawMessage(out), err
}

// one answers the record at key as its view; what names the record in
// a NotFound error (never the raw key bytes).
func one[T proto.Message](kv KV, key []byte, what string, msg T, view func(T) any) (any, error) {
	b, err := kv.Get(key)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, what)
	}
	if err := proto.Unmarshal(b, msg); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	return view(msg), nil
}

func listN[T proto.Message](kv KV, prefix string, n int, view func(T) any, proto0 T) (any, error) {
	return listRange(kv, []byte(prefix), prefixEnd([]byte(prefix)), n, view, proto0)
}

func listRange[T proto.Message](kv KV, start, end []byte, n int, view func(T) any, proto0 T) (any, error) {
	out := []any{}
	var derr error
	err := kv.Iterate(start, end, func(_, v []byte) bool {
		msg := proto0.ProtoReflect().New().Interface().(T)
		if derr = proto.Unmarshal(v, msg); derr != nil {
			return false
		}
		out = append(out, view(msg))
		return len(out) < n
	})
	if err == nil {
		err = derr
	}
	return out, err
}

func queryRound(kv KV, rest string) (any, error) {
	id, hs, _ := strings.Cut(rest, "/")
	h, err := strconv.ParseUint(hs, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: round/{source}/{height}", ErrBadQuery)
	}
	return one(kv, keyRound(id, h), fmt.Sprintf("round %d of source %q", h, id), &pb.Round{}, func(x *pb.Round) any { return roundView(x) })
}

func cidString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	c, err := cid.Cast(b)
	if err != nil {
		return hex.EncodeToString(b)
	}
	return c.String()
}

// ValidatorView is the JSON form of a validator.
type ValidatorView struct {
	Operator        string `json:"operator"`
	ConsensusPubKey string `json:"consensus_pubkey"`
	Stake           uint64 `json:"stake"`
	InitialStake    uint64 `json:"initial_stake"`
	Power           uint64 `json:"power"`
	Jailed          bool   `json:"jailed"`
	JailedUntil     uint64 `json:"jailed_until"`
	Tombstoned      bool   `json:"tombstoned"`
	Misses          int    `json:"misses"`
	VRFPubKey       string `json:"vrf_pubkey"` // base64: verifies the validator's VRF proofs
}

func validatorView(v *pb.Validator) ValidatorView {
	return ValidatorView{hex.EncodeToString(v.Operator), base64.StdEncoding.EncodeToString(v.ConsensusPubkey),
		v.Stake, v.InitialStake, v.Power, v.Jailed, v.JailedUntil, v.Tombstoned, missCount(v),
		base64.StdEncoding.EncodeToString(v.VrfPubkey)}
}

// SourceView is the JSON form of a source.
type SourceView struct {
	ID      string   `json:"id"`
	Owner   string   `json:"owner"`
	Spec    SpecView `json:"spec"`
	Start   uint64   `json:"start"`
	Retired bool     `json:"retired"`
	Updated uint64   `json:"updated"`
	// Metadata says what the source's output means; absent when its
	// owner set none.
	Metadata *spec.Metadata `json:"metadata,omitempty"`
}

// SpecView is the JSON form of a source spec.
type SpecView struct {
	FetchKind      string      `json:"fetch_kind"`
	FetchConfig    [][2]string `json:"fetch_config"`
	CodeCID        string      `json:"code_cid"`
	Params         string      `json:"params"` // base64
	Every          uint64      `json:"every"`
	WindowSeconds  uint64      `json:"window_seconds"`
	Replicas       uint32      `json:"replicas"`
	GasLimit       uint64      `json:"gas_limit"`
	MaxOutputBytes uint64      `json:"max_output_bytes"`
	MemoryPages    uint32      `json:"memory_pages"`
}

func specView(s *pb.SourceSpec) SpecView {
	cfg := [][2]string{}
	for _, kv := range s.GetFetch().GetConfig() {
		cfg = append(cfg, [2]string{kv.Key, kv.Value})
	}
	// getters: a record without a spec answers an empty one, never a panic
	return SpecView{s.GetFetch().GetKind(), cfg, s.GetCodeCid(), base64.StdEncoding.EncodeToString(s.GetParams()),
		s.GetEvery(), s.GetWindowSeconds(), s.GetReplicas(), s.GetGasLimit(), s.GetMaxOutputBytes(), s.GetMemoryPages()}
}

func sourceView(s *pb.Source) SourceView {
	return SourceView{s.Id, hex.EncodeToString(s.Owner), specView(s.Spec), s.Start, s.Retired, s.Updated,
		spec.MetadataFromPB(s.Spec.GetMetadata())}
}

// CodeView is the JSON form of a stored code (without the bytes).
type CodeView struct {
	CID     string `json:"cid"`
	Creator string `json:"creator"`
	Height  uint64 `json:"height"`
	Size    int    `json:"size"`
	Wasm    string `json:"wasm"` // base64 of the original module
}

func codeView(c *pb.Code) CodeView {
	return CodeView{c.Cid, hex.EncodeToString(c.Creator), c.Height, len(c.Wasm), base64.StdEncoding.EncodeToString(c.Wasm)}
}

// VerdictView is the JSON form of a verdict.
type VerdictView struct {
	Status    string `json:"status"`
	OutputCID string `json:"output_cid"`
	InputCID  string `json:"input_cid"`
	GasUsed   uint64 `json:"gas_used"`
}

func verdictView(v *pb.Verdict) *VerdictView {
	if v == nil {
		return nil
	}
	return &VerdictView{abi.Status(v.Status).String(), cidString(v.OutputCid), cidString(v.InputCid), v.GasUsed}
}

// AssigneeView is the JSON form of an assignee.
type AssigneeView struct {
	Operator     string       `json:"operator"`
	Stake        uint64       `json:"stake"`
	Commit       string       `json:"commit"`
	CommitHeight uint64       `json:"commit_height"`
	Verdict      *VerdictView `json:"verdict"`
	Salt         string       `json:"salt"`
	RevealHeight uint64       `json:"reveal_height"`
	BadReveals   uint32       `json:"bad_reveals"`
	Penalised    bool         `json:"penalised"`
}

// RoundView is the JSON form of a round.
type RoundView struct {
	Source      string         `json:"source"`
	ID          uint64         `json:"height"` // the round id ("height" in JSON: outside tools read that name)
	Phase       string         `json:"phase"`
	CommitEnd   uint64         `json:"commit_end"`
	RevealStart uint64         `json:"reveal_start"`
	RevealEnd   uint64         `json:"reveal_end"`
	ClosedAt    uint64         `json:"closed_at"`
	Assignees   []AssigneeView `json:"assignees"`
	Status      string         `json:"status,omitempty"`
	OutputCID   string         `json:"output_cid,omitempty"`
	Spec        SpecView       `json:"spec"`
	Seed        string         `json:"seed"`       // hex: the assignment seed of block Height
	VRFOutput   string         `json:"vrf_output"` // hex: the VRF output that made it
}

func roundView(r *pb.Round) RoundView {
	v := RoundView{Source: r.Source, ID: r.Round, Phase: strings.TrimPrefix(r.Phase.String(), "PHASE_"),
		CommitEnd: r.CommitEnd, RevealStart: r.RevealStart, RevealEnd: r.RevealEnd, ClosedAt: r.ClosedAt,
		OutputCID: cidString(r.WinnerOutputCid), Spec: specView(r.Spec),
		Seed: hex.EncodeToString(r.Seed), VRFOutput: hex.EncodeToString(r.VrfOutput)}
	if r.Phase == pb.Phase_PHASE_RESOLVED {
		v.Status = abi.Status(r.WinnerStatus).String()
	}
	for _, a := range r.Assignees {
		v.Assignees = append(v.Assignees, AssigneeView{hex.EncodeToString(a.Operator), a.Stake, hex.EncodeToString(a.Commit),
			a.CommitHeight, verdictView(a.Verdict), hex.EncodeToString(a.Salt), a.RevealHeight, a.BadReveals, a.Penalised})
	}
	return v
}

// DatasetView is the JSON form of a dataset.
type DatasetView struct {
	Source    string   `json:"source"`
	Round     uint64   `json:"round"`
	Status    string   `json:"status"`
	OutputCID string   `json:"output_cid"`
	InputCIDs []string `json:"input_cids"`
	GasUsed   uint64   `json:"gas_used"`
	Attesters []string `json:"attesters"`
	Height    uint64   `json:"height"` // the block that resolved the round
	Time      string   `json:"time"`   // that block's time, RFC 3339 in UTC
}

// DatasetViewOf is the JSON form of dataset record d, as the queries
// answer it (a verifying consumer builds its view of a proven record
// with it).
func DatasetViewOf(d *pb.Dataset) DatasetView { return datasetView(d) }

func datasetView(d *pb.Dataset) DatasetView {
	v := DatasetView{Source: d.Source, Round: d.Round, Status: abi.Status(d.Status).String(), OutputCID: cidString(d.OutputCid), GasUsed: d.GasUsed, Height: d.Height, Time: formatTime(d.Time)}
	for _, c := range d.InputCids {
		v.InputCIDs = append(v.InputCIDs, cidString(c))
	}
	for _, a := range d.Attesters {
		v.Attesters = append(v.Attesters, hex.EncodeToString(a))
	}
	return v
}

// EvidenceView is the JSON form of an evidence record.
type EvidenceView struct {
	ID          uint64       `json:"id"`
	Height      uint64       `json:"height"`
	Kind        string       `json:"kind"`
	Operator    string       `json:"operator"`
	Source      string       `json:"source,omitempty"`
	Round       uint64       `json:"round,omitempty"`
	Slashed     uint64       `json:"slashed"`
	JailedUntil uint64       `json:"jailed_until"`
	Tombstoned  bool         `json:"tombstoned"`
	Revealed    *VerdictView `json:"revealed,omitempty"`
	Commit      string       `json:"commit,omitempty"`
	Salt        string       `json:"salt,omitempty"`
	Agreed      *VerdictView `json:"agreed,omitempty"`
}

func evidenceView(e *pb.Evidence) EvidenceView {
	v := EvidenceView{ID: e.Id, Height: e.Height, Kind: strings.TrimPrefix(e.Kind.String(), "EVIDENCE_"),
		Operator: hex.EncodeToString(e.Operator), Source: e.Source, Round: e.Round, Slashed: e.Slashed,
		JailedUntil: e.JailedUntil, Tombstoned: e.Tombstoned, Revealed: verdictView(e.Revealed),
		Commit: hex.EncodeToString(e.Commit), Salt: hex.EncodeToString(e.Salt)}
	if e.AgreedStatus != 0 {
		v.Agreed = &VerdictView{Status: abi.Status(e.AgreedStatus).String(), OutputCID: cidString(e.AgreedOutputCid)}
	}
	return v
}

// AccountView is the JSON form of an account: the next sequence to sign.
type AccountView struct {
	Address  string `json:"address"`
	Sequence uint64 `json:"sequence"`
}

func queryAccount(kv KV, h string) (any, error) {
	addr, err := hex.DecodeString(h)
	if err != nil || len(addr) != 20 {
		return nil, fmt.Errorf("%w: account/{hex address}", ErrBadQuery)
	}
	b, err := kv.Get(keyAccount(addr))
	if err != nil {
		return nil, err
	}
	var a pb.Account
	if err := proto.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	return AccountView{Address: h, Sequence: a.Sequence}, nil
}

// queryAssigned lists the open rounds (commit or reveal phase) that
// operator hex op is assigned to, oldest first.
func queryAssigned(kv KV, op string) (any, error) {
	out := []any{}
	err := eachAssigned(kv, op, func(b []byte) error {
		var r pb.Round
		if err := proto.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%w: %w", ErrState, err)
		}
		out = append(out, roundView(&r))
		return nil
	})
	return out, err
}

// queryAssignedRecords answers assigned_records/{operator}: the rounds of
// assigned/{operator}, in its order, as their state records (the bytes
// under their r/ keys) in the wire form of a protobuf message whose field
// 1 repeats them (`repeated Round rounds = 1`). It skips the JSON views
// both ways: the worker reads it at every block.
func queryAssignedRecords(kv KV, op string) ([]byte, error) {
	var out []byte
	err := eachAssigned(kv, op, func(b []byte) error {
		out = protowire.AppendTag(out, 1, protowire.BytesType)
		out = protowire.AppendBytes(out, b)
		return nil
	})
	return out, err
}

// eachAssigned calls fn with the record of every open round that lists
// operator op (hex), by the o/ index: oldest first, at most
// maxAssignedRows.
func eachAssigned(kv KV, op string, fn func(record []byte) error) error {
	addr, err := hex.DecodeString(op)
	if err != nil || len(addr) != 20 {
		return fmt.Errorf("%w: assigned/{hex operator}", ErrBadQuery)
	}
	prefix := append([]byte(prefixOpen), addr...)
	var keys [][]byte
	err = kv.Iterate(prefix, prefixEnd(prefix), func(k, _ []byte) bool {
		keys = append(keys, bytes.Clone(k))
		return len(keys) < maxAssignedRows
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		rest := k[len(prefix):]
		if len(rest) < 9 {
			continue
		}
		b, err := kv.Get(keyRound(string(rest[8:]), binary.BigEndian.Uint64(rest[:8])))
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}
