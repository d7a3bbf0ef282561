package explorer

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/abi"
)

// events streams each new block as a Server-Sent Event "block" whose data
// is the Block's JSON, until the client leaves or the explorer stops.
func (x *Explorer) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := x.f.subscribe()
	if ch == nil {
		http.Error(w, "too many live pages; reload later", http.StatusServiceUnavailable)
		return
	}
	defer x.f.unsubscribe(ch)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = fmt.Fprint(w, "retry: 2000\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case b, ok := <-ch:
			if !ok {
				return
			}
			j, _ := json.Marshal(b)
			if _, err := fmt.Fprintf(w, "event: block\ndata: %s\n\n", j); err != nil {
				return
			}
			fl.Flush()
		}
	}
}

// recomputeCommit recomputes an evidence record's commit from its
// revealed verdict and salt (docs/protocol.md, "Commit hash"); false
// when the record holds no reveal to recompute from.
func recomputeCommit(chainID string, e state.EvidenceView) ([32]byte, bool) {
	if e.Revealed == nil || e.Salt == "" || e.Commit == "" {
		return [32]byte{}, false
	}
	op, err1 := hex.DecodeString(e.Operator)
	salt, err2 := hex.DecodeString(e.Salt)
	st, ok := abi.ParseStatus(e.Revealed.Status)
	out, err3 := cidBytes(e.Revealed.OutputCID)
	in, err4 := cidBytes(e.Revealed.InputCID)
	if err1 != nil || err2 != nil || !ok || err3 != nil || err4 != nil {
		return [32]byte{}, false
	}
	v := &pb.Verdict{Status: uint32(st), OutputCid: out, InputCid: in, GasUsed: e.Revealed.GasUsed}
	return tx.CommitHash(chainID, e.Source, e.Round, op, v, salt), true
}

// cidBytes is the binary form of a CID as the chain shows it (a CID
// string, or hex where the bytes were not a CID).
func cidBytes(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if c, err := cid.Decode(s); err == nil {
		return c.Bytes(), nil
	}
	return hex.DecodeString(s)
}
