package verdict

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/runtime/abi"
	"github.com/assaynet/assay/runtime/pin"
	"github.com/assaynet/assay/runtime/sandbox"
)

// TestJobOfRound: every field of a round's spec and the block time reach
// the sandbox job; the round id is its height.
func TestJobOfRound(t *testing.T) {
	r := &pb.Round{Source: "s", Round: 42, Spec: &pb.SourceSpec{Params: []byte("p"), GasLimit: 7, MaxOutputBytes: 9, MemoryPages: 3}}
	got := Job(r, []byte("in"), 1234, DefaultTimeout)
	want := sandbox.Job{Source: "s", Input: []byte("in"), Params: []byte("p"), Height: 42, Time: 1234, GasLimit: 7, MaxOutput: 9, MemoryPages: 3, Timeout: DefaultTimeout}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("job %+v, want %+v", got, want)
	}
}

// TestCodeAndVerdict: code is loaded only under its own CID; a run's
// verdict names input and output by pin.SumBytes (Sum) and the same as a
// pin store pinning them (Pinned); UNAVAILABLE is no verdict.
func TestCodeAndVerdict(t *testing.T) {
	ctx := context.Background()
	wasm, err := os.ReadFile("../testdata/minimal.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := sandbox.New(ctx, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	id, _ := pin.SumBytes(wasm)
	other, _ := pin.SumBytes([]byte("other"))
	if _, err := Code(ctx, rt, other.String(), wasm); !errors.Is(err, ErrCodeMismatch) {
		t.Fatalf("code under another CID: %v, want ErrCodeMismatch", err)
	}
	code, err := Code(ctx, rt, id.String(), wasm)
	if err != nil {
		t.Fatal(err)
	}
	r := &pb.Round{Source: "s", Round: 5, Spec: &pb.SourceSpec{GasLimit: 1_000_000}}
	res := Run(ctx, rt, code, r, []byte("input"), 1, DefaultTimeout)
	store, err := pin.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	summed, err := Of(ctx, Sum, []byte("input"), res)
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := Of(ctx, Pinned(store, "s", 5), []byte("input"), res)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := pin.SumBytes([]byte("ok"))
	if summed.String() != pinned.String() || summed.Status != uint32(abi.StatusAccepted) || string(summed.OutputCid) != string(out.Bytes()) || summed.GasUsed == 0 {
		t.Fatalf("verdicts %v and %v; want ACCEPTED %s", summed, pinned, out)
	}
	if _, err := Of(ctx, Sum, nil, sandbox.Result{Status: abi.StatusUnavailable, Err: errors.New("x")}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("UNAVAILABLE: %v", err)
	}
}
