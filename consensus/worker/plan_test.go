package worker

import (
	"bytes"
	"crypto/ed25519"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/tx"
	"github.com/assaynet/assay/runtime/abi"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata/plan/*.txt")

// TestPlan runs the planner scripts in testdata/plan, block by block, with
// no goroutines, no sleeps and no clock: the time of each block is an
// input. Each case is one or more commands, a line "----" and the plan
// they produce; `go test -run TestPlan -args -rewrite` writes the output
// back. Commands:
//
//	new [slots=N] [resend=N] [cap=N] [fault=NAME]
//	    a fresh planner (the journal is kept); defaults 4 slots,
//	    resend after 3 blocks, batches of 2000, honest
//	restart
//	    closes and reopens the journal and makes a fresh planner with the
//	    same settings, as a node restart does
//	block H [catchingup] [at=DURATION]
//	  SOURCE/ROUND commit|reveal end=N [committed] [revealed]
//	    one step at height H (seen at t0 + H s unless at= says otherwise)
//	    with the open rounds listed below it, indented; committed and
//	    revealed say the chain holds our commit and our verdict
//	journal SOURCE/ROUND [unavailable]
//	    a job's entry reaches the journal
//	finish SOURCE/ROUND [busy]
//	    the job returns; unless busy (a broadcast in flight), the loop
//	    then asks for the ready commits, shown as the plan's commit
//	ready
//	    the loop, its broadcast done, asks for the ready commits
//	sent commit|reveal
//	    the mempool accepted the last planned batch of that kind (a batch
//	    not reported was refused or lost)
//	resend
//	    the loop learnt that its txs were lost
//
// Every plan is checked against the journal: commit hashes open with the
// journaled verdict and salt, reveals carry them, batches are sorted and
// no larger than the cap.
func TestPlan(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "plan", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/plan: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runPlanScript(t, file)
		})
	}
}

// planT0 is the time of height 0 in the scripts.
var planT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// planRun is the state of one script: the planner, its journal and the
// batches of the last plans.
type planRun struct {
	t       *testing.T
	dir     string
	cfg     Config
	op      []byte
	p       *planner
	j       *Journal
	lastBat map[bool]*batch // by batch.Reveal
}

func runPlanScript(t *testing.T, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := &planRun{t: t, dir: t.TempDir(), lastBat: map[bool]*batch{}}
	r.op = tx.Address(operatorKey(0).Public().(ed25519.PublicKey))
	r.reset(nil)
	t.Cleanup(func() { _ = r.j.Close() })

	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	var out, cmds []string
	var got bytes.Buffer
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line != "----" {
			out = append(out, line)
			if line != "" && !strings.HasPrefix(line, "#") {
				cmds = append(cmds, line)
			}
			continue
		}
		if len(cmds) == 0 {
			t.Fatalf("%s:%d: ---- without commands", file, i+1)
		}
		got.Reset()
		for n, c := range cmds {
			if !strings.HasPrefix(c, "  ") {
				var args []string
				for _, a := range cmds[n+1:] {
					if !strings.HasPrefix(a, "  ") {
						break
					}
					args = append(args, strings.TrimSpace(a))
				}
				r.do(&got, c, args)
			}
		}
		ran := cmds
		cmds = nil
		var want []string
		for i+1 < len(lines) && lines[i+1] != "" {
			i++
			want = append(want, lines[i])
		}
		have := strings.Split(strings.TrimRight(got.String(), "\n"), "\n")
		if got.Len() == 0 {
			have = []string{"(nothing)"}
		}
		out = append(out, "----")
		out = append(out, have...)
		if !*rewrite && !slices.Equal(have, want) {
			t.Errorf("%s:%d:\n%s\ngot:\n%s\nwant:\n%s", file, i+1, strings.Join(ran, "\n"), strings.Join(have, "\n"), strings.Join(want, "\n"))
		}
	}
	if *rewrite {
		if err := os.WriteFile(file, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// reset makes a fresh planner from the settings in args (nil: the last
// ones) over a journal opened anew.
func (r *planRun) reset(args []string) {
	if args != nil || r.p == nil {
		r.cfg = Config{ChainID: testChainID, Concurrency: 4, ResendAfter: DefaultResendAfter, MaxBatch: DefaultMaxBatch}
		for _, a := range args {
			name, val, _ := strings.Cut(a, "=")
			switch name {
			case "slots":
				r.cfg.Concurrency = r.atoi(val)
			case "resend":
				r.cfg.ResendAfter = uint64(r.atoi(val))
			case "cap":
				r.cfg.MaxBatch = r.atoi(val)
			case "fault":
				f, err := ParseFault(val)
				if err != nil {
					r.t.Fatal(err)
				}
				r.cfg.Fault = f
			default:
				r.t.Fatalf("new: unknown setting %q", a)
			}
		}
	}
	if r.j != nil {
		if err := r.j.Close(); err != nil {
			r.t.Fatal(err)
		}
	}
	var err error
	if r.j, err = OpenJournal(r.dir); err != nil {
		r.t.Fatal(err)
	}
	r.p = newPlanner(r.cfg, r.op)
	clear(r.lastBat)
}

func (r *planRun) atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		r.t.Fatalf("bad number %q", s)
	}
	return n
}

// entryKey parses SOURCE/ROUND.
func (r *planRun) entryKey(s string) key {
	src, rnd, ok := strings.Cut(s, "/")
	if !ok {
		r.t.Fatalf("bad round %q, want SOURCE/ROUND", s)
	}
	return key{src, uint64(r.atoi(rnd))}
}

// round parses "SOURCE/ROUND commit|reveal end=N [committed] [revealed]".
func (r *planRun) round(s string) *pb.Round {
	f := strings.Fields(s)
	if len(f) < 3 {
		r.t.Fatalf("bad round line %q", s)
	}
	k := r.entryKey(f[0])
	rd := &pb.Round{Source: k.source, Round: k.round}
	switch f[1] {
	case "commit":
		rd.Phase = pb.Phase_PHASE_COMMIT
	case "reveal":
		rd.Phase = pb.Phase_PHASE_REVEAL
	default:
		r.t.Fatalf("bad phase in %q", s)
	}
	me := &pb.Assignee{Operator: r.op}
	for _, a := range f[2:] {
		switch {
		case strings.HasPrefix(a, "end="):
			rd.CommitEnd = uint64(r.atoi(strings.TrimPrefix(a, "end=")))
		case a == "committed":
			me.Commit = []byte{1}
		case a == "revealed":
			me.Verdict = &pb.Verdict{}
		default:
			r.t.Fatalf("bad round attribute %q in %q", a, s)
		}
	}
	rd.Assignees = []*pb.Assignee{{Operator: []byte("someone else")}, me}
	return rd
}

// do runs one command, writing what it produced to out.
func (r *planRun) do(out *bytes.Buffer, cmd string, args []string) {
	f := strings.Fields(cmd)
	switch f[0] {
	case "new":
		r.reset(f[1:])
	case "restart":
		r.reset(nil)
	case "block":
		h := uint64(r.atoi(f[1]))
		v := chainView{Height: h}
		now := planT0.Add(time.Duration(h) * time.Second)
		for _, a := range f[2:] {
			switch {
			case a == "catchingup":
				v.CatchingUp = true
			case strings.HasPrefix(a, "at="):
				d, err := time.ParseDuration(strings.TrimPrefix(a, "at="))
				if err != nil {
					r.t.Fatal(err)
				}
				now = planT0.Add(d)
			default:
				r.t.Fatalf("block: unknown argument %q", a)
			}
		}
		for _, a := range args {
			v.Rounds = append(v.Rounds, r.round(a))
		}
		r.render(out, r.p.step(v, r.j, now))
	case "journal":
		k := r.entryKey(f[1])
		e := Entry{Source: k.source, Round: k.round, Status: uint32(abi.StatusAccepted), OutputCID: []byte("out"), InputCID: []byte("in"), GasUsed: 7}
		if len(f) > 2 && f[2] == "unavailable" {
			e = Entry{Source: k.source, Round: k.round, Status: uint32(abi.StatusUnavailable)}
		}
		e.Salt = bytes.Repeat([]byte{byte(k.round)}, tx.SaltLen)
		if _, err := r.j.Put(e); err != nil {
			r.t.Fatal(err)
		}
	case "finish":
		pl := r.p.finished(r.entryKey(f[1]), r.j)
		if len(f) < 3 || f[2] != "busy" {
			pl.Commit = r.p.readyCommits()
		}
		r.render(out, pl)
	case "ready":
		r.render(out, plan{Commit: r.p.readyCommits()})
	case "sent":
		b := r.lastBat[f[1] == "reveal"]
		if b == nil {
			r.t.Fatalf("sent %s: no %s batch was planned", f[1], f[1])
		}
		r.p.sent(b)
	case "resend":
		r.p.resend()
	default:
		r.t.Fatalf("unknown command %q", cmd)
	}
}

// render writes a plan, one action a line, after checking its batches.
func (r *planRun) render(out *bytes.Buffer, pl plan) {
	for _, k := range pl.Dropped {
		fmt.Fprintf(out, "drop %s/%d\n", k.source, k.round)
	}
	for _, k := range pl.Cancel {
		fmt.Fprintf(out, "cancel %s/%d\n", k.source, k.round)
	}
	for _, j := range pl.Start {
		by := "no deadline"
		if !j.Deadline.IsZero() {
			by = "by " + j.Deadline.Sub(planT0).String()
		}
		fmt.Fprintf(out, "start %s/%d %s\n", j.Round.Source, j.Round.Round, by)
	}
	for _, b := range []*batch{pl.Commit, pl.Reveal} {
		if b == nil {
			continue
		}
		r.checkBatch(b)
		r.lastBat[b.Reveal] = b
		names := make([]string, len(b.Keys))
		for i, k := range b.Keys {
			names[i] = fmt.Sprintf("%s/%d", k.source, k.round)
		}
		fmt.Fprintf(out, "%s %s\n", b.kind(), strings.Join(names, " "))
	}
	for _, k := range pl.Lost {
		fmt.Fprintf(out, "lost %s/%d (no journal entry)\n", k.source, k.round)
	}
	if pl.Prune {
		n, err := r.j.Prune(pl.Height, r.p.keep)
		if err != nil {
			r.t.Fatal(err)
		}
		if n > 0 {
			fmt.Fprintf(out, "pruned %d journal entries\n", n)
		}
	}
}

// checkBatch checks b against the journal and the cap.
func (r *planRun) checkBatch(b *batch) {
	r.t.Helper()
	if len(b.Keys) == 0 || len(b.Keys) > r.p.maxEntries() || !slices.IsSortedFunc(b.Keys, entryCompare) {
		r.t.Fatalf("%s batch of %d entries (cap %d), sorted %v", b.kind(), len(b.Keys), r.p.maxEntries(), slices.IsSortedFunc(b.Keys, entryCompare))
	}
	for i, k := range b.Keys {
		e, ok := r.j.Get(k.source, k.round)
		if !ok {
			r.t.Fatalf("%s of %v without a journal entry", b.kind(), k)
		}
		if b.Reveal {
			re := b.Body.GetReveal().GetEntries()[i]
			if re.Source != k.source || re.Round != k.round || !bytes.Equal(re.Salt, e.Salt) || re.Verdict.GetStatus() != e.Status {
				r.t.Fatalf("reveal entry %v does not match the journal's %+v", re, e)
			}
			continue
		}
		ce := b.Body.GetCommit().GetEntries()[i]
		h := tx.CommitHash(testChainID, e.Source, e.Round, r.op, verdictOf(e), e.Salt)
		if ce.Source != k.source || ce.Round != k.round || !bytes.Equal(ce.Hash, h[:]) {
			r.t.Fatalf("commit entry %v does not open with the journal's %+v", ce, e)
		}
	}
}
