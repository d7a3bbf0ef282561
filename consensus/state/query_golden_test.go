package state_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

var update = flag.Bool("update", false, "rewrite testdata/query_golden.txt")

// TestQueryGolden pins the bytes of every query answer and every event a
// small history produces: outside tools script both (docs/protocol.md
// sections 3 and 6), so a change here is a protocol change. Regenerate
// with `go test ./consensus/state -run TestQueryGolden -update` only for
// a deliberate one.
func TestQueryGolden(t *testing.T) {
	var out bytes.Buffer
	c := newChain(t, 100, 100, 100, 100)
	c.onBlock = func(res *state.BlockResult) {
		fmt.Fprintf(&out, "== block %d events\n", c.height)
		writeEvents(&out, "", res.Events)
		for i, r := range res.TxResults {
			fmt.Fprintf(&out, "tx %d: code %d: %s\n", i, r.Code, r.Log)
			writeEvents(&out, "  ", r.Events)
		}
	}
	cc := c.setupSource("feed", 11, 4)
	good, bad := verdict(t, "good"), verdict(t, "bad")
	first := true
	round, _ := c.runRound("feed", func(*account) (*pb.Verdict, *pb.Verdict) {
		if first { // a wrong verdict in a resolved round
			first = false
			return bad, bad
		}
		return good, good
	})
	first = true
	round2, _ := c.runRound("feed", func(*account) (*pb.Verdict, *pb.Verdict) {
		if first { // no reveal
			first = false
			return good, nil
		}
		return good, good
	})
	// a second source whose round stays open with one commit
	c.mustOK(c.block(c.sign(c.owner, tx.RegisterSourceBody("open", spec(cc, 1000, 2)))))
	res := c.block()
	open, ops := assigned(res, "open")
	commit := c.commitTx(c.byAddr(ops[0]), "open", c.height, good)
	c.mustOK(c.block(commit))
	// a tx refused for its sequence
	stale := *c.owner
	stale.seq = 0
	c.block(c.sign(&stale, tx.RegisterSourceBody("late", spec(cc, 1000, 2))))

	paths := []string{
		"params", "/validators", "sources", "source/feed", "source/none",
		"code/" + cc, "code/none",
		fmt.Sprintf("round/feed/%d", round), fmt.Sprintf("round/feed/%d", round2), "round/feed/x", "round/feed/1", "rounds/feed", "rounds/open",
		"round/open/" + open,
		"datasets/feed", fmt.Sprintf("datasets/feed?from=%d&to=%d", round, round), "datasets/feed?from=x", "datasets/BAD ID",
		"datasets/feed/latest", "datasets/feed/latest?status=ACCEPTED", "datasets/feed/latest?status=NOPE", "datasets/feed/oldest",
		"datasets/none", "datasets/none/latest", "datasets/open/latest", "rounds/none",
		"datasets/feed?limit=1", "rounds/feed?limit=1", "datasets/feed?limit=0", "datasets/feed?limit=1001",
		"datasets/feed?cursor=zz", "datasets/feed?nosuch=1", "sources?limit=1", "evidence?limit=1",
		"evidence",
		fmt.Sprintf("account/%x", c.owner.addr), "account/" + strings.Repeat("00", 20), "account/zz",
		"assigned/zz", "nosuch/path",
	}
	for _, v := range c.vals {
		paths = append(paths, fmt.Sprintf("assigned/%x", v.addr))
	}
	for _, p := range paths {
		b, err := state.Query(c.kv, p)
		fmt.Fprintf(&out, "== %s\n", p)
		switch {
		case err == nil:
			out.Write(b)
			out.WriteByte('\n')
		case errors.Is(err, state.ErrNotFound), errors.Is(err, state.ErrBadQuery):
			fmt.Fprintf(&out, "error: %q\n", err.Error())
		default:
			t.Fatalf("query %s: %v", p, err)
		}
	}
	const golden = "testdata/query_golden.txt"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		gl, wl := strings.Split(out.String(), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s line %d:\n got %s\nwant %s", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: got %d lines, want %d", golden, len(gl), len(wl))
	}
}

func writeEvents(out *bytes.Buffer, indent string, es []state.Event) {
	for _, e := range es {
		fmt.Fprintf(out, "%s%s", indent, e.Type)
		for _, a := range e.Attrs {
			fmt.Fprintf(out, " %s=%q", a.Key, a.Value)
		}
		out.WriteByte('\n')
	}
}
