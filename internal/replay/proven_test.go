package replay

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/liar"
	"github.com/assaynet/assay/runtime/sandbox"
)

// trustHeight is the header the proven replays trust.
const trustHeight = 2

// verifier returns a Verifier of the test node through node (a proxy),
// trusting header trustHeight as read from the node in process.
func (tn *testNet) verifier(t *testing.T, node string) *consumer.Verifier {
	t.Helper()
	h := int64(trustHeight)
	c, err := tn.node.Client().Commit(context.Background(), &h)
	if err != nil {
		t.Fatal(err)
	}
	v, err := consumer.NewVerifier(consumer.Options{Nodes: []string{node}, TrustHeight: h, TrustHash: c.SignedHeader.Hash()})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReplayProven: replays from records proven against light-client
// verified headers (consumer.Records) match the datasets on both
// engines, and the report says the records were proven, at which
// height; the trusting replay says it trusted the node.
func TestReplayProven(t *testing.T) {
	tn := theNet(t)
	for _, src := range []string{srcAccepted, srcMinimal} {
		for _, eng := range []sandbox.Engine{sandbox.EngineCompiler, sandbox.EngineInterpreter} {
			t.Run(src+"/"+eng.String(), func(t *testing.T) {
				ds := tn.dataset(t, src)
				p := liar.RPC(t, tn.rpc, nil) // honest, counting the calls
				v := tn.verifier(t, p.URL)
				start := time.Now()
				rep, err := Replay(context.Background(), v.Records(), Gateway(tn.gateway), src, ds.Round, Options{Engine: eng})
				t.Logf("proven replay %s/%d on %s: %d RPC calls, %v", src, ds.Round, eng, p.Calls(), time.Since(start))
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Match || !rep.Proven || !strings.HasPrefix(rep.Records, "proven at height") || rep.Runs[0].Replayed.OutputCID != ds.OutputCID {
					t.Fatalf("report %+v: want a proven match", rep)
				}
				var out bytes.Buffer
				if code := Print(&out, src, ds.Round, rep, nil, false); code != ExitMatch || !strings.Contains(out.String(), "records: proven at height") {
					t.Fatalf("exit %d, output %q", code, out.String())
				}
			})
		}
	}
	rep, err := Replay(context.Background(), FromChain(tn.chain, "node-x"), Gateway(tn.gateway), srcAccepted, tn.rounds[srcAccepted], Options{})
	if err != nil || rep.Proven || !strings.HasPrefix(rep.Records, "trusted from node-x") {
		t.Fatalf("trusting replay: %+v, %v; want records trusted from node-x", rep, err)
	}
}

// editRound decodes a round record, edits it and encodes it again.
func editRound(b []byte, edit func(*pb.Round)) []byte {
	r := &pb.Round{}
	if proto.Unmarshal(b, r) != nil {
		return b
	}
	edit(r)
	out, _ := proto.MarshalOptions{Deterministic: true}.Marshal(r)
	return out
}

// TestReplayProvenLyingNode: a node that alters the round record (its
// output limit, so the program fails where the chain accepted; or its
// params, rewriting the proof's copy too) or a header fools a trusting
// replay (MISMATCH, blaming an honest chain, or a replay of params the
// chain never held), while the proven replay refuses to run: the record,
// proof or header does not verify, and Print exits ExitNotProven.
func TestReplayProvenLyingNode(t *testing.T) {
	tn := theNet(t)
	ds := tn.dataset(t, srcAccepted)
	rk, err := state.RecordKey(fmt.Sprintf("round/%s/%d", srcAccepted, ds.Round))
	if err != nil {
		t.Fatal(err)
	}
	roundKey := string(rk)
	tests := []struct {
		name     string
		lie      func(method string, res map[string]any)
		trusting string // the trusting replay's outcome: "MISMATCH", "MATCH" or "" (not run)
		part     consumer.Part
		want     string
	}{
		{name: "round spec", trusting: "MISMATCH", part: consumer.PartRecord, want: "is not the value the proof commits to",
			lie: func(m string, res map[string]any) {
				if m == "abci_query" {
					liar.Record(res, roundKey, func(b []byte) []byte {
						return editRound(b, func(r *pb.Round) { r.Spec.MaxOutputBytes = 3 })
					})
				}
			}},
		{name: "round params and proof", trusting: "MATCH", part: consumer.PartProof, want: "does not lead to app hash",
			lie: func(m string, res map[string]any) {
				if m != "abci_query" {
					return
				}
				var old, neu []byte
				if !liar.Record(res, roundKey, func(b []byte) []byte {
					old, neu = b, bytes.Replace(b, []byte(`{"p":1}`), []byte(`{"p":2}`), 1)
					return neu
				}) {
					return
				}
				if op := liar.Dig(res, "response", "proofOps", "ops"); op != nil {
					data, _ := base64.StdEncoding.DecodeString(op["data"].(string))
					op["data"] = base64.StdEncoding.EncodeToString(bytes.Replace(data, old, neu, 1))
				}
			}},
		{name: "commit signature", part: consumer.PartHeader, want: "does not verify from the trust root",
			lie: func(m string, res map[string]any) {
				if m == "commit" && liar.AboveTrust(res, trustHeight) {
					liar.FlipB64(liar.Dig(res, "signed_header", "commit", "signatures"), "signature")
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			p := liar.RPC(t, tn.rpc, tc.lie)
			if tc.trusting != "" {
				hc, err := rpchttp.New(p.URL, "/websocket")
				if err != nil {
					t.Fatal(err)
				}
				rep, err := Replay(ctx, FromChain(chain.New(hc), p.URL), Gateway(tn.gateway), srcAccepted, ds.Round, Options{})
				var out bytes.Buffer
				code := Print(&out, srcAccepted, ds.Round, rep, err, false)
				t.Logf("trusting replay, fooled (exit %d):\n%s", code, out.String())
				if err != nil || !strings.Contains(out.String(), ": "+tc.trusting+"\n") || !strings.Contains(out.String(), "records: trusted from") {
					t.Fatalf("trusting replay: %v, %q; want it fooled into %s", err, out.String(), tc.trusting)
				}
			}
			rep, err := Replay(ctx, tn.verifier(t, p.URL).Records(), Gateway(tn.gateway), srcAccepted, ds.Round, Options{})
			var out bytes.Buffer
			code := Print(&out, srcAccepted, ds.Round, rep, err, false)
			t.Logf("proven replay (exit %d):\n%s", code, out.String())
			if consumer.PartOf(err) != tc.part || !strings.Contains(err.Error(), tc.want) || code != ExitNotProven ||
				!strings.Contains(out.String(), "NOT PROVEN") {
				t.Fatalf("proven replay: exit %d, %v (part %q); want exit %d, part %q with %q", code, err, consumer.PartOf(err), ExitNotProven, tc.part, tc.want)
			}
		})
	}
}
