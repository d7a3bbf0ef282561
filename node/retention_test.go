package node

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/plugins"
	"github.com/assaynet/assay/runtime/pin"
)

// fakePins names one distinct CID per name (the policy reads names only).
func fakePins(t *testing.T, names ...string) []pin.Pinned {
	t.Helper()
	out := make([]pin.Pinned, len(names))
	for i, n := range names {
		c, err := pin.SumBytes([]byte(n))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = pin.Pinned{Cid: c, Name: n}
	}
	return out
}

func names(ps []pin.Pinned) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// TestPlanRetention: each source keeps its last N rounds' outputs and last
// M rounds' inputs; rounds near the head and rounds the journal owes stay
// whatever the policy; other pins are never touched.
func TestPlanRetention(t *testing.T) {
	// source a: rounds 100..600 step 100; source b: 590, 595
	var all []string
	for r := 100; r <= 600; r += 100 {
		all = append(all, fmt.Sprintf("assay/a/%d/output", r), fmt.Sprintf("assay/a/%d/input", r))
	}
	all = append(all, "assay/b/590/output", "assay/b/595/input/0", "assay/b/595/input/1", "my-own-pin", "assay/x/notanumber/output")
	pins := fakePins(t, all...)
	tests := []struct {
		name string
		r    RetentionConfig
		head uint64
		owed func(string, uint64) bool
		want []string
	}{
		{"keep all", RetentionConfig{}, 700, nil, nil},
		{"outputs 2 inputs 1", RetentionConfig{OutputRounds: 2, InputRounds: 1}, 10_000, nil,
			[]string{"assay/a/100/input", "assay/a/100/output", "assay/a/200/input", "assay/a/200/output",
				"assay/a/300/input", "assay/a/300/output", "assay/a/400/input", "assay/a/400/output", "assay/a/500/input"}},
		{"inputs only", RetentionConfig{InputRounds: 3}, 10_000, nil,
			[]string{"assay/a/100/input", "assay/a/200/input", "assay/a/300/input"}},
		{"near the head kept", RetentionConfig{OutputRounds: 1, InputRounds: 1}, 500 + RetentionMinBlocks - 1, nil,
			[]string{"assay/a/100/input", "assay/a/100/output", "assay/a/200/input", "assay/a/200/output",
				"assay/a/300/input", "assay/a/300/output", "assay/a/400/input", "assay/a/400/output"}},
		{"head too low to drop anything", RetentionConfig{OutputRounds: 1, InputRounds: 1}, RetentionMinBlocks - 1, nil, nil},
		{"journal owes round 200", RetentionConfig{OutputRounds: 1, InputRounds: 1}, 10_000,
			func(s string, r uint64) bool { return s == "a" && r == 200 },
			[]string{"assay/a/100/input", "assay/a/100/output", "assay/a/300/input", "assay/a/300/output",
				"assay/a/400/input", "assay/a/400/output", "assay/a/500/input", "assay/a/500/output", "assay/b/590/output"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl := planRetention(tc.r, pins, tc.head, tc.owed)
			got := names(pl.Unpin)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("unpin %v\nwant  %v", got, tc.want)
			}
			if pl.Other != 2 {
				t.Errorf("other = %d, want 2 (my-own-pin, assay/x/notanumber/output)", pl.Other)
			}
			if pl.Kept+len(pl.Unpin)+pl.Other != len(pins) {
				t.Errorf("kept %d + unpin %d + other %d != %d pins", pl.Kept, len(pl.Unpin), pl.Other, len(pins))
			}
		})
	}
}

// TestRetentionConfig: [retention] defaults, and out-of-range values are
// errors naming the key.
func TestRetentionConfig(t *testing.T) {
	c := Default("")
	if r := c.Retention; !r.Enabled || r.OutputRounds != DefaultOutputRounds || r.InputRounds != DefaultInputRounds ||
		time.Duration(r.Interval) != DefaultRetentionInterval {
		t.Errorf("defaults %+v", r)
	}
	for _, tc := range []struct {
		r    RetentionConfig
		want string
	}{
		{RetentionConfig{Enabled: true, Interval: plugins.Duration(0)}, "retention.interval"},
		{RetentionConfig{Enabled: true, Interval: plugins.Duration(time.Minute), OutputRounds: -1}, "retention.output_rounds"},
		{RetentionConfig{Enabled: true, Interval: plugins.Duration(time.Minute), InputRounds: -3}, "retention.input_rounds"},
	} {
		c := Default("")
		c.Retention = tc.r
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want one naming %s", tc.r, err, tc.want)
		}
	}
}

// TestGCHome: `assay pin gc` over a stopped node's home: the dry run
// reports what would go and changes nothing; the real run removes
// exactly that, keeps the window, the journal's rounds and other pins.
func TestGCHome(t *testing.T) {
	homes, err := WriteTestnet(t.TempDir(), TestnetOptions{ChainID: "c1", Nodes: 1, Stake: 100})
	if err != nil {
		t.Fatal(err)
	}
	home := homes[0].Dir
	cfg, err := Load(home)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Retention.OutputRounds, cfg.Retention.InputRounds = 2, 1
	if err := cfg.Write(home); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := pin.Open(Path(home, cfg.Pin.Dir))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]cid.Cid{}
	add := func(name string) {
		c, err := s.AddPinned(ctx, strings.NewReader("content of "+name), name)
		if err != nil {
			t.Fatal(err)
		}
		byName[name] = c
	}
	const top = 1000
	for r := uint64(100); r <= top; r += 100 {
		add(fmt.Sprintf("assay/feed/%d/output", r))
		add(fmt.Sprintf("assay/feed/%d/input", r))
	}
	add("operator/kept")
	if _, err := s.AddBytes(ctx, []byte("loose")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	dry, err := GCHome(ctx, home, true)
	if err != nil {
		t.Fatal(err)
	}
	// kept: outputs 900, 1000 (and 800 within 128 blocks of the head
	// 1000: no, 800+128 < 1000), inputs 1000 (and 900: within 128 blocks)
	wantGone := []string{}
	for r := 100; r <= 800; r += 100 {
		wantGone = append(wantGone, fmt.Sprintf("assay/feed/%d/input", r), fmt.Sprintf("assay/feed/%d/output", r))
	}
	got := names(dry.Plan.Unpin)
	slices.Sort(got)
	slices.Sort(wantGone)
	if !slices.Equal(got, wantGone) {
		t.Errorf("dry run unpins %v\nwant %v", got, wantGone)
	}
	if dry.Freed.Blocks != len(wantGone)+1 { // and the loose block
		t.Errorf("dry run frees %d blocks, want %d", dry.Freed.Blocks, len(wantGone)+1)
	}
	again, err := GCHome(ctx, home, true)
	if err != nil || len(again.Plan.Unpin) != len(wantGone) {
		t.Fatalf("second dry run: %v, %d pins; the dry run must change nothing", err, len(again.Plan.Unpin))
	}
	done, err := GCHome(ctx, home, false)
	if err != nil {
		t.Fatal(err)
	}
	if done.Freed != dry.Freed {
		t.Errorf("gc freed %+v, the dry run said %+v", done.Freed, dry.Freed)
	}
	if done.DiskAfter >= done.DiskBefore {
		t.Errorf("disk %d → %d bytes; want less", done.DiskBefore, done.DiskAfter)
	}
	s, err = pin.Open(Path(home, cfg.Pin.Dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, c := range byName {
		gone := slices.Contains(wantGone, name)
		if ok, _ := s.Has(ctx, c); ok == gone {
			t.Errorf("%s: present %v after gc, want %v", name, ok, !gone)
		}
	}
}

// TestRetentionPassSkipsIdleGC: a pass that unpins nothing skips the GC,
// except every RetentionGCEvery passes, which collect a block no pin
// holds; a pass that unpins collects at once.
func TestRetentionPassSkipsIdleGC(t *testing.T) {
	ctx := context.Background()
	head := uint64(1000)
	r, s := testRetainer(t, &head)
	loose, err := s.AddBytes(ctx, []byte("loose"))
	if err != nil {
		t.Fatal(err)
	}
	has := func() bool {
		ok, err := s.Has(ctx, loose)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for i := 1; i < RetentionGCEvery; i++ {
		if _, res, err := r.pass(ctx); err != nil || res.Blocks != 0 || !has() {
			t.Fatalf("idle pass %d: %v, collected %d blocks, loose block kept %v; want no GC", i, err, res.Blocks, has())
		}
	}
	if _, res, err := r.pass(ctx); err != nil || res.Blocks != 1 || has() {
		t.Fatalf("pass %d: %v, collected %d blocks; want the loose block collected", RetentionGCEvery, err, res.Blocks)
	}
	for _, round := range []int{100, 200} {
		if _, err := s.AddPinned(ctx, strings.NewReader(fmt.Sprint("out ", round)), fmt.Sprintf("assay/feed/%d/output", round)); err != nil {
			t.Fatal(err)
		}
	}
	if _, res, err := r.pass(ctx); err != nil || res.Blocks != 1 {
		t.Fatalf("pass that unpins round 100: %v, collected %d blocks; want 1 at once", err, res.Blocks)
	}
}

// TestRetentionPassBeforeMinBlocks: below RetentionMinBlocks nothing can
// be unpinned, so a pass neither lists the pins nor collects; at the
// bound it runs.
func TestRetentionPassBeforeMinBlocks(t *testing.T) {
	ctx := context.Background()
	head := uint64(RetentionMinBlocks - 1)
	r, s := testRetainer(t, &head)
	for _, round := range []int{1, 2} {
		if _, err := s.AddPinned(ctx, strings.NewReader(fmt.Sprint("in ", round)), fmt.Sprintf("assay/feed/%d/input", round)); err != nil {
			t.Fatal(err)
		}
	}
	for range RetentionGCEvery {
		if pl, _, err := r.pass(ctx); err != nil || pl.Kept != 0 || len(pl.Unpin) != 0 {
			t.Fatalf("pass at head %d: %v, plan %+v; want it skipped", head, err, pl)
		}
	}
	if st := r.Stats(); st.Passes != RetentionGCEvery {
		t.Errorf("passes = %d, want %d", st.Passes, RetentionGCEvery)
	}
	head = RetentionMinBlocks + 2
	if pl, _, err := r.pass(ctx); err != nil || pl.Kept != 1 || len(pl.Unpin) != 1 {
		t.Fatalf("pass at head %d: %v, plan %+v; want round 1's input unpinned, round 2's kept", head, err, pl)
	}
}

// testRetainer is a retainer keeping each source's last round, over a
// fresh pin store, at the chain height *head.
func testRetainer(t *testing.T, head *uint64) (*retainer, *pin.Store) {
	t.Helper()
	s, err := pin.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &retainer{cfg: RetentionConfig{Enabled: true, OutputRounds: 1, InputRounds: 1}, store: s, log: slog.New(slog.DiscardHandler),
		head: func(context.Context) (uint64, error) { return *head, nil }}, s
}

// TestRetentionKeepsSharedContent: content pinned under several names
// (an echo validator's input and output are the same bytes; a round's
// input may be another round's, or another source's, output) loses only
// the names that fall out of the window, and stays, with its blocks,
// while one name keeps it. With one name per root, the last name given
// (here round 200's input, a job that stopped before its output) was the
// only one, and its unpinning dropped round 100's output.
func TestRetentionKeepsSharedContent(t *testing.T) {
	ctx := context.Background()
	head := uint64(1000)
	r, s := testRetainer(t, &head)
	r.cfg.OutputRounds, r.cfg.InputRounds = 3, 1
	pinAs := func(content string, names ...string) cid.Cid {
		t.Helper()
		var c cid.Cid
		for _, n := range names {
			var err error
			if c, err = s.AddPinned(ctx, strings.NewReader(content), n); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	x := pinAs("echoed", "assay/feed/100/input", "assay/feed/100/output", "assay/feed/200/input")
	pinAs("newest", "assay/feed/300/input", "assay/feed/300/output")
	z := pinAs("shared", "assay/other/100/output", "assay/feed/200/output")
	gone := pinAs("old input only", "assay/other/50/input")
	pinAs("other newest", "assay/other/300/input", "assay/other/300/output")

	pl, res, err := r.pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := names(pl.Unpin)
	slices.Sort(got)
	if want := []string{"assay/feed/100/input", "assay/feed/200/input", "assay/other/50/input"}; !slices.Equal(got, want) {
		t.Fatalf("unpinned %v, want %v", got, want)
	}
	if res.Blocks != 1 {
		t.Errorf("GC collected %d blocks, want 1 (the old input no name keeps)", res.Blocks)
	}
	for c, want := range map[cid.Cid]bool{x: true, z: true, gone: false} {
		if ok, err := s.IsPinned(ctx, c); err != nil || ok != want {
			t.Errorf("IsPinned(%s) = %v, %v; want %v", c, ok, err, want)
		}
		if ok, err := s.Has(ctx, c); err != nil || ok != want {
			t.Errorf("Has(%s) after GC = %v, %v; want %v", c, ok, err, want)
		}
	}
}
