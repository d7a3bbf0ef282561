package replay

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/sandbox"
)

// TestReplayMatches: the datasets a real node agreed on (ACCEPTED with
// params, REJECTED, ACCEPTED of a program ignoring its input) replay to
// the same status, output CID and gas on both engines, from the node's
// gateway; Print says MATCH and exits 0.
func TestReplayMatches(t *testing.T) {
	tn := theNet(t)
	for _, src := range []string{srcAccepted, srcRejected, srcMinimal} {
		for _, eng := range []sandbox.Engine{sandbox.EngineCompiler, sandbox.EngineInterpreter} {
			t.Run(src+"/"+eng.String(), func(t *testing.T) {
				ds := tn.dataset(t, src)
				start := time.Now()
				rep, err := Replay(context.Background(), FromChain(tn.chain), Gateway(tn.gateway), src, ds.Round, Options{Engine: eng})
				t.Logf("replay %s/%d on %s took %v", src, ds.Round, eng, time.Since(start))
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Match || len(rep.Runs) != 1 {
					t.Fatalf("report %+v: want one matching run", rep)
				}
				run := rep.Runs[0]
				if run.Replayed.Status != ds.Status || run.Replayed.OutputCID != ds.OutputCID || run.Replayed.GasUsed != ds.GasUsed ||
					run.InputCID != ds.InputCIDs[0] || rep.Engine != eng.String() {
					t.Fatalf("run %+v, engine %s; want the dataset %+v", run, rep.Engine, ds)
				}
				var out bytes.Buffer
				if code := Print(&out, src, ds.Round, rep, err, false); code != ExitMatch || !strings.Contains(out.String(), "MATCH") {
					t.Fatalf("exit %d, output %q", code, out.String())
				}
			})
		}
	}
	if ds := tn.dataset(t, srcRejected); ds.Status != "REJECTED" {
		t.Fatalf("the empty input's dataset is %s, want REJECTED", ds.Status)
	}
}
