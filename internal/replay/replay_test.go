package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
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
				rep, err := Replay(context.Background(), FromChain(tn.chain, "the test node"), Gateway(tn.gateway), src, ds.Round, Options{Engine: eng})
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

// fakeRecords serves a real node's records through edits, as a lying
// node (or a buggy record source) would.
type fakeRecords struct {
	Records
	dataset func(*pb.Dataset)
	round   func(*pb.Round)
	code    []byte // served for every code CID when set
}

func (f fakeRecords) Dataset(ctx context.Context, source string, round uint64) (*pb.Dataset, error) {
	d, err := f.Records.Dataset(ctx, source, round)
	if err == nil && f.dataset != nil {
		f.dataset(d)
	}
	return d, err
}

func (f fakeRecords) Round(ctx context.Context, source string, round uint64) (*pb.Round, error) {
	r, err := f.Records.Round(ctx, source, round)
	if err == nil && f.round != nil {
		f.round(r)
	}
	return r, err
}

func (f fakeRecords) Code(ctx context.Context, id string) ([]byte, error) {
	if f.code != nil {
		return f.code, nil
	}
	return f.Records.Code(ctx, id)
}

func mustCID(t *testing.T, b []byte) cid.Cid {
	t.Helper()
	c, err := pin.SumBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReplayMismatch: against records altered in a fake record source
// (the agreed status, output CID or gas; the round's output limit, so
// the program fails where the node accepted) the replay runs, reports
// MISMATCH naming the fields that differ with both sides, and Print
// exits 1.
func TestReplayMismatch(t *testing.T) {
	tn := theNet(t)
	other := mustCID(t, []byte("another output")).Bytes()
	tests := []struct {
		name    string
		f       fakeRecords
		differ  string
		printed []string
	}{
		{"output", fakeRecords{dataset: func(d *pb.Dataset) { d.OutputCid = other }}, "output_cid", []string{mustCID(t, []byte("another output")).String()}},
		{"status", fakeRecords{dataset: func(d *pb.Dataset) { d.Status = uint32(abi.StatusRejected) }}, "status", []string{"agreed    REJECTED", "replayed  ACCEPTED"}},
		{"gas", fakeRecords{dataset: func(d *pb.Dataset) { d.GasUsed += 7 }}, "gas_used", []string{"differ    gas_used"}},
		{"spec", fakeRecords{round: func(r *pb.Round) { r.Spec.MaxOutputBytes = 3 }}, "status, output_cid", []string{"(output_limit)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Records = FromChain(tn.chain, "the test node")
			ds := tn.dataset(t, srcAccepted)
			rep, err := Replay(context.Background(), tt.f, Gateway(tn.gateway), srcAccepted, ds.Round, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Match || len(rep.Runs) != 1 || !strings.HasPrefix(strings.Join(rep.Runs[0].Differ, ", "), tt.differ) {
				t.Fatalf("report %+v: want a mismatch of %s", rep, tt.differ)
			}
			var out bytes.Buffer
			code := Print(&out, srcAccepted, ds.Round, rep, err, false)
			t.Logf("%s", out.String())
			if code != ExitMismatch || !strings.Contains(out.String(), "MISMATCH") {
				t.Fatalf("exit %d, output %q", code, out.String())
			}
			for _, want := range append(tt.printed, ds.OutputCID) {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			out.Reset()
			if code := Print(&out, srcAccepted, ds.Round, rep, err, true); code != ExitMismatch || !strings.Contains(out.String(), `"match":false`) {
				t.Fatalf("--json: exit %d, %s", code, out.String())
			}
		})
	}
}

// TestReplayCannotRun: a gateway serving wrong bytes or nothing, code
// bytes of another module, a round without a dataset: exit 2 with a
// reason naming what was wrong.
func TestReplayCannotRun(t *testing.T) {
	tn := theNet(t)
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"height":1}`)) }))
	defer liar.Close()
	empty := httptest.NewServer(http.NotFoundHandler())
	defer empty.Close()
	ds := tn.dataset(t, srcAccepted)
	chainRecs := FromChain(tn.chain, "the test node")
	tests := []struct {
		name  string
		recs  Records
		in    Inputs
		round uint64
		want  []string
	}{
		{"wrong input bytes", chainRecs, Gateway(liar.URL), ds.Round, []string{"input " + ds.InputCIDs[0], "does not match the CID"}},
		{"input not found", chainRecs, Gateway(empty.URL), ds.Round, []string{"input " + ds.InputCIDs[0], "HTTP 404"}},
		{"wrong code", fakeRecords{Records: chainRecs, code: tn.minimal}, Gateway(tn.gateway), ds.Round, []string{"code bytes do not match the code CID"}},
		{"no dataset", chainRecs, Gateway(tn.gateway), ds.Round + 1, []string{"has no dataset"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Replay(context.Background(), tt.recs, tt.in, srcAccepted, tt.round, Options{})
			if !errors.Is(err, ErrCannotRun) {
				t.Fatalf("report %+v, err %v: want ErrCannotRun", rep, err)
			}
			var out bytes.Buffer
			if code := Print(&out, srcAccepted, tt.round, rep, err, false); code != ExitCannotRun {
				t.Fatalf("exit %d, want %d", code, ExitCannotRun)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output %q lacks %q", out.String(), w)
				}
			}
			out.Reset()
			if code := Print(&out, srcAccepted, tt.round, rep, err, true); code != ExitCannotRun || !strings.Contains(out.String(), `"error":"replay: cannot run`) {
				t.Fatalf("--json: exit %d, %s", code, out.String())
			}
		})
	}
}

// TestReplaySeveralInputs: a dataset whose attesters revealed different
// inputs (a live source answering each differently) replays every input;
// each must give the agreed verdict, with the gas its first attester
// revealed. The second input and attester are added to a real node's
// records of a program that ignores its input; the second input comes
// from another gateway.
func TestReplaySeveralInputs(t *testing.T) {
	tn := theNet(t)
	ctx := context.Background()
	store, err := pin.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	second, err := store.AddBytes(ctx, []byte(`{"height":"another answer"}`))
	if err != nil {
		t.Fatal(err)
	}
	h, err := store.Gateway()
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(h)
	defer gw.Close()
	in := func(ctx context.Context, id cid.Cid) ([]byte, error) {
		if id.Equals(second) {
			return Gateway(gw.URL)(ctx, id)
		}
		return Gateway(tn.gateway)(ctx, id)
	}
	other := bytes.Repeat([]byte{0xff}, 20) // sorts after the node's operator
	for _, tt := range []struct {
		name   string
		gas    func(uint64) uint64 // the second attester's revealed gas
		differ [2]string
	}{
		{"agree", func(g uint64) uint64 { return g }, [2]string{"", ""}},
		{"second gas differs", func(g uint64) uint64 { return g + 1 }, [2]string{"", "gas_used"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var agreed *pb.Verdict
			recs := fakeRecords{Records: FromChain(tn.chain, "the test node"),
				dataset: func(d *pb.Dataset) {
					d.InputCids = append(d.InputCids, second.Bytes())
					d.Attesters = append(d.Attesters, other)
					agreed = &pb.Verdict{Status: d.Status, OutputCid: d.OutputCid, InputCid: second.Bytes(), GasUsed: tt.gas(d.GasUsed)}
				},
				round: func(r *pb.Round) {
					r.Assignees = append(r.Assignees, &pb.Assignee{Operator: other, Stake: 1, Verdict: agreed})
				}}
			round := tn.rounds[srcMinimal]
			rep, err := Replay(ctx, recs, in, srcMinimal, round, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Runs) != 2 || rep.Runs[1].InputCID != second.String() || rep.Runs[1].Attester != fmt.Sprintf("%x", other) {
				t.Fatalf("runs %+v: want the second input replayed for the second attester", rep.Runs)
			}
			for i, r := range rep.Runs {
				if got := strings.Join(r.Differ, ","); got != tt.differ[i] {
					t.Errorf("run %d differs in %q, want %q: %+v", i, got, tt.differ[i], r)
				}
			}
			if rep.Match != (tt.differ == [2]string{}) {
				t.Fatalf("match %v, want %v", rep.Match, !rep.Match)
			}
		})
	}
}
