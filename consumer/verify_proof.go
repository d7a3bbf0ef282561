package consumer

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	rpcclient "github.com/cometbft/cometbft/rpc/client"
	cmttypes "github.com/cometbft/cometbft/types"
	ics23 "github.com/cosmos/ics23/go"
	cid "github.com/ipfs/go-cid"
	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/dataset"
)

// ProofOpType is the type of the one ProofOp that proves a record
// (docs/protocol.md section 4.2).
const ProofOpType = "ics23:iavl"

// Proof says where a record was proven: against the app hash of which
// light-client verified header.
type Proof struct {
	// StateHeight is the state the record was proven in (after block
	// StateHeight); HeaderHeight = StateHeight+1 is the verified header
	// whose app hash commits to it.
	StateHeight  int64  `json:"state_height"`
	HeaderHeight int64  `json:"header_height"`
	HeaderHash   string `json:"header_hash"` // hex
	AppHash      string `json:"app_hash"`    // hex
	Key          string `json:"key"`         // hex state key
	ChainID      string `json:"chain_id"`
}

// Record is a proven record: the stored bytes (the deterministic
// protobuf of docs/protocol.md section 4) under the key of a record path
// (section 4.2), and where they were proven.
type Record struct {
	Proof
	Path  string `json:"path"`
	Value []byte `json:"-"`
}

// Prove proves the record at path (a record path of docs/protocol.md
// section 4.2: dataset/{id}/{round}, round/{id}/{height}, code/{cid},
// source/{id}…) in the newest state the nodes can prove. A record absent
// there is looked for once more one block later (a record written in the
// newest block is proven in the next); still absent, the error is
// PartAbsent, its absence proven. Any failure is an *Error.
func (v *Verifier) Prove(ctx context.Context, path string) (*Record, error) {
	rec, _, err := v.proveNewest(ctx, path)
	return rec, err
}

// proveNewest is Prove, also returning the header the record is proven
// against.
func (v *Verifier) proveNewest(ctx context.Context, path string) (*Record, *cmttypes.LightBlock, error) {
	lb, err := v.header(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	rec, err := v.proveAt(ctx, path, lb)
	if errors.Is(err, ErrAbsent) {
		if lb, err = v.header(ctx, lb.Height+1); err != nil {
			return nil, nil, err
		}
		rec, err = v.proveAt(ctx, path, lb)
	}
	if err != nil {
		return nil, nil, err
	}
	return rec, lb, nil
}

// proveAt asks the primary for the record at path in the state one block
// before lb and checks its proof against lb's app hash.
func (v *Verifier) proveAt(ctx context.Context, path string, lb *cmttypes.LightBlock) (*Record, error) {
	key, err := state.RecordKey(path)
	if err != nil {
		return nil, fail(PartRecord, err, "record path %q", path)
	}
	h := lb.Height - 1
	res, err := v.rpc.ABCIQueryWithOptions(ctx, path, nil, rpcclient.ABCIQueryOptions{Height: h, Prove: true})
	if err != nil {
		return nil, fail(PartUnavailable, err, "query %s at height %d from %s", path, h, v.o.Nodes[0])
	}
	r := res.Response
	switch {
	case state.Code(r.Code) != state.CodeOK:
		return nil, fail(PartUnavailable, nil, "%s at height %d: %s answered code %d: %s", path, h, v.o.Nodes[0], r.Code, r.Log)
	case r.Height != h:
		return nil, fail(PartProof, nil, "%s answered height %d, asked %d", v.o.Nodes[0], r.Height, h)
	case r.ProofOps == nil || len(r.ProofOps.Ops) != 1:
		return nil, fail(PartProof, nil, "%s at height %d: want one proof op, got %d", path, h, len(r.ProofOps.GetOps()))
	}
	op := r.ProofOps.Ops[0]
	if op.Type != ProofOpType || !bytes.Equal(op.Key, key) || !bytes.Equal(r.Key, key) {
		return nil, fail(PartProof, nil, "%s: proof op of type %q for key %x, want %q for key %x", path, op.Type, op.Key, ProofOpType, key)
	}
	var p ics23.CommitmentProof
	if err := p.Unmarshal(op.Data); err != nil {
		return nil, fail(PartProof, err, "%s: malformed proof (%d bytes)", path, len(op.Data))
	}
	appHash := []byte(lb.AppHash)
	if len(r.Value) == 0 {
		if !ics23.VerifyNonMembership(ics23.IavlSpec, appHash, &p, key) {
			return nil, fail(PartProof, nil, "%s: the node says there is no such record at height %d, but its proof of absence does not verify against app hash %X of header %d",
				path, h, appHash, lb.Height)
		}
		return nil, fail(PartAbsent, nil, "no record %s at height %d (absence proven against app hash %X of header %d)", path, h, appHash, lb.Height)
	}
	ex := p.GetExist()
	switch {
	case ex == nil:
		return nil, fail(PartProof, nil, "%s: the proof is not an existence proof", path)
	case !bytes.Equal(ex.Key, key):
		return nil, fail(PartProof, nil, "%s: the proof is of key %x, not %x", path, ex.Key, key)
	case !bytes.Equal(ex.Value, r.Value):
		return nil, fail(PartRecord, nil, "%s: the record returned (%d bytes) is not the value the proof commits to", path, len(r.Value))
	case !ics23.VerifyMembership(ics23.IavlSpec, appHash, &p, key, r.Value):
		return nil, fail(PartProof, nil, "%s: the proof does not lead to app hash %X of header %d (state %d)", path, appHash, lb.Height, h)
	}
	return &Record{Path: path, Value: r.Value, Proof: Proof{StateHeight: h, HeaderHeight: lb.Height,
		HeaderHash: hex.EncodeToString(lb.Hash()), AppHash: hex.EncodeToString(appHash), Key: hex.EncodeToString(key), ChainID: v.chainID}}, nil
}

// decode unmarshals a proven record's value into m (a record of the
// path's type); a value that is not one is a PartRecord error.
func decode(rec *Record, m proto.Message) error {
	if err := proto.Unmarshal(rec.Value, m); err != nil {
		return fail(PartRecord, err, "%s: the proven value is not a %s record", rec.Path, m.ProtoReflect().Descriptor().Name())
	}
	return nil
}

// checkRecord checks that the proven record is the dataset asked for,
// with CIDs that are CIDs, and fills in its view.
func checkRecord(d *Dataset, source string, round uint64) error {
	rec := d.Record
	if rec.Source != source || rec.Round != round {
		return fail(PartRecord, nil, "proven record is of %s round %d, asked %s round %d", rec.Source, rec.Round, source, round)
	}
	if len(rec.OutputCid) > 0 {
		if _, err := cid.Cast(rec.OutputCid); err != nil {
			return fail(PartRecord, err, "proven output CID %x", rec.OutputCid)
		}
	}
	for _, b := range rec.InputCids {
		if _, err := cid.Cast(b); err != nil {
			return fail(PartRecord, err, "proven input CID %x", b)
		}
	}
	d.DatasetView = state.DatasetViewOf(rec)
	return nil
}

// fetch downloads the output from the gateway and checks it against the
// proven CID.
func (v *Verifier) fetch(ctx context.Context, d *Dataset) error {
	id, err := cid.Decode(d.OutputCID)
	if err != nil {
		return fail(PartRecord, err, "proven output CID %s", d.OutputCID)
	}
	b, err := dataset.FromGateway(ctx, v.o.Gateway, id, false)
	switch {
	case errors.Is(err, dataset.ErrUnverified):
		return fail(PartBytes, err, "gateway %s served bytes for %s that are not its content", v.o.Gateway, id)
	case err != nil:
		return fail(PartUnavailable, err, "gateway %s: %s", v.o.Gateway, id)
	}
	d.Bytes, d.Size, d.Gateway = b, len(b), v.o.Gateway
	return nil
}

// String is a one-line summary of what was verified.
func (d *Dataset) String() string {
	s := fmt.Sprintf("%s round %d: %s %s (state %d, app hash %s in header %d)", d.Source, d.Round, d.Status, d.OutputCID,
		d.StateHeight, d.AppHash, d.HeaderHeight)
	if d.Bytes != nil {
		s += fmt.Sprintf(", %d bytes from %s", len(d.Bytes), d.Gateway)
	}
	return s
}
