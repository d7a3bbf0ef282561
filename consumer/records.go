package consumer

import (
	"context"
	"fmt"
	"sync"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/assaynet/assay/consensus/pb"
)

// Records serves the records a replay of a round reads (the Records of
// internal/replay, `assay dataset replay`), each one proven: the dataset
// record, the round record and the code record are proven against the
// app hash of one light-client verified header, the first proof's (the
// newest the nodes can prove when it is made), and the time of a block
// comes from its verified header. Every failure is an *Error. Make one
// with Verifier.Records; it is safe for concurrent use.
type Records struct {
	v *Verifier

	mu      sync.Mutex
	lb      *cmttypes.LightBlock // the header of every proof, fixed by the first
	proof   Proof
	codeCID string // the code CID the proven round names ("" before Round)
}

// Records returns a Records proving what it serves through v.
func (v *Verifier) Records() *Records { return &Records{v: v} }

// prove proves path against r's header, fixing it on the first call.
func (r *Records) prove(ctx context.Context, path string) (*Record, error) {
	r.mu.Lock()
	lb := r.lb
	r.mu.Unlock()
	if lb != nil {
		return r.v.proveAt(ctx, path, lb)
	}
	rec, lb, err := r.v.proveNewest(ctx, path)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lb == nil {
		r.lb, r.proof = lb, rec.Proof
	}
	return rec, nil
}

// Dataset returns the proven dataset record of source's round.
func (r *Records) Dataset(ctx context.Context, source string, round uint64) (*pb.Dataset, error) {
	rec, err := r.prove(ctx, fmt.Sprintf("dataset/%s/%d", source, round))
	if err != nil {
		return nil, err
	}
	d := &pb.Dataset{}
	if err := decode(rec, d); err != nil {
		return nil, err
	}
	if d.Source != source || d.Round != round {
		return nil, fail(PartRecord, nil, "proven dataset record is of %s round %d, asked %s round %d", d.Source, d.Round, source, round)
	}
	return d, nil
}

// Round returns the proven round record (round/{source}/{round}): the
// round's spec and its assignees' revealed verdicts.
func (r *Records) Round(ctx context.Context, source string, round uint64) (*pb.Round, error) {
	rec, err := r.prove(ctx, fmt.Sprintf("round/%s/%d", source, round))
	if err != nil {
		return nil, err
	}
	rd := &pb.Round{}
	if err := decode(rec, rd); err != nil {
		return nil, err
	}
	if rd.Source != source || rd.Round != round {
		return nil, fail(PartRecord, nil, "proven round record is of %s round %d, asked %s round %d", rd.Source, rd.Round, source, round)
	}
	r.mu.Lock()
	r.codeCID = rd.GetSpec().GetCodeCid()
	r.mu.Unlock()
	return rd, nil
}

// Code returns the wasm of the proven code record code/{id}. After Round,
// id must be the code CID the proven round names. (The replay also
// checks that the bytes hash to id.)
func (r *Records) Code(ctx context.Context, id string) ([]byte, error) {
	r.mu.Lock()
	want := r.codeCID
	r.mu.Unlock()
	if want != "" && id != want {
		return nil, fail(PartRecord, nil, "code %s asked, but the proven round names code %s", id, want)
	}
	rec, err := r.prove(ctx, "code/"+id)
	if err != nil {
		return nil, err
	}
	c := &pb.Code{}
	if err := decode(rec, c); err != nil {
		return nil, err
	}
	if c.Cid != id || len(c.Wasm) == 0 {
		return nil, fail(PartRecord, nil, "proven code record is of %q with %d bytes of wasm, asked %s", c.Cid, len(c.Wasm), id)
	}
	return c.Wasm, nil
}

// BlockTime returns the time of block h (unix nanoseconds) from its
// light-client verified header.
func (r *Records) BlockTime(ctx context.Context, h uint64) (int64, error) {
	if h == 0 || h > uint64(1<<63-1) {
		return 0, fail(PartRecord, nil, "block %d has no header", h)
	}
	lb, err := r.v.headerAt(ctx, int64(h))
	if err != nil {
		return 0, err
	}
	return lb.Time.UnixNano(), nil
}

// Proof returns where the records were proven (zero before the first).
func (r *Records) Proof() Proof {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.proof
}

// Provenance says where the records come from, for a replay's report:
// "proven at height H (app hash A of header H+1, light-client verified
// from ROOT)", and true.
func (r *Records) Provenance() (string, bool) {
	p := r.Proof()
	if p.HeaderHeight == 0 {
		return "proven (none read yet)", true
	}
	return fmt.Sprintf("proven at height %d (app hash %s of header %d, light-client verified from %s)",
		p.StateHeight, p.AppHash, p.HeaderHeight, r.v.root()), true
}
