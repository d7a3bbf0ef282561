package state_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/pb"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/tx"
)

func query[T any](t testing.TB, kv state.KV, path string) T {
	t.Helper()
	b, err := state.Query(kv, path)
	if err != nil {
		t.Fatalf("query %s: %v", path, err)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("query %s: %v", path, err)
	}
	return v
}

func validatorByOp(t testing.TB, kv state.KV, op []byte) state.ValidatorView {
	for _, v := range query[[]state.ValidatorView](t, kv, "validators") {
		if v.Operator == fmt.Sprintf("%x", op) {
			return v
		}
	}
	t.Fatalf("validator %x not found", op)
	return state.ValidatorView{}
}

// runRound assigns source at the next block and lets each assignee behave
// as act says; it returns the round height and the assignees.
func (c *chain) runRound(source string, act func(a *account) (commit, reveal *pb.Verdict)) (uint64, []*account) {
	c.t.Helper()
	res := c.block()
	rs, ops := assigned(res, source)
	if rs == "" {
		c.t.Fatalf("block %d: %s not assigned", c.height, source)
	}
	round := c.height
	var as []*account
	var commits, reveals [][]byte
	plan := map[string][2]*pb.Verdict{}
	for _, op := range ops {
		a := c.byAddr(op)
		as = append(as, a)
		cv, rv := act(a)
		plan[op] = [2]*pb.Verdict{cv, rv}
		if cv != nil {
			commits = append(commits, c.commitTx(a, source, round, cv))
		}
	}
	c.mustOK(c.block(commits...))
	for _, a := range as {
		p := plan[fmt.Sprintf("%x", a.addr)]
		if p[0] != nil && p[1] != nil {
			// reveal what act said, salted as the commit was
			reveals = append(reveals, c.revealTx(a, source, round, p[1]))
		}
	}
	c.mustOK(c.block(reveals...))
	for i := 0; i < 8; i++ { // let the reveal phase end if someone is silent
		c.block()
	}
	return round, as
}

func TestHonestRoundResolves(t *testing.T) {
	c := newChain(t, 100, 100, 100, 100)
	c.setupSource("feed", 100, 3)
	good := verdict(t, "good")
	round, as := c.runRound("feed", func(*account) (*pb.Verdict, *pb.Verdict) { return good, good })
	r := query[state.RoundView](t, c.kv, fmt.Sprintf("round/feed/%d", round))
	if r.Phase != "RESOLVED" || len(r.Assignees) != 3 {
		t.Fatalf("round %+v", r)
	}
	// every assignee committed in one block, so the reveal phase started early
	if r.RevealStart != round+2 {
		t.Fatalf("reveal start %d, want %d (early transition)", r.RevealStart, round+2)
	}
	ds := query[state.Page[state.DatasetView]](t, c.kv, "datasets/feed?from=1&to=1000").Items
	if len(ds) != 1 || ds[0].Status != "ACCEPTED" || len(ds[0].Attesters) != 3 || ds[0].GasUsed != 77 {
		t.Fatalf("datasets %+v", ds)
	}
	for _, a := range as {
		if v := validatorByOp(t, c.kv, a.addr); v.Stake != 100 || v.Jailed {
			t.Fatalf("honest validator penalised: %+v", v)
		}
	}
	if ev := query[state.Page[state.EvidenceView]](t, c.kv, "evidence").Items; len(ev) != 0 {
		t.Fatalf("evidence %+v", ev)
	}
}

// TestRevealPhaseEndsWithoutNonCommitters: an assignee that never
// committed cannot reveal, so once every assignee that did commit has
// revealed the round closes at once, not at reveal_end; the absent one
// takes a miss, not a penalty.
func TestRevealPhaseEndsWithoutNonCommitters(t *testing.T) {
	c := newChain(t, 100, 100, 100, 100)
	c.setupSource("feed", 100, 4)
	good := verdict(t, "good")
	_, ops := assigned(c.block(), "feed")
	round := c.height
	absent := c.byAddr(ops[0])
	var commits, reveals [][]byte
	for _, op := range ops[1:] {
		commits = append(commits, c.commitTx(c.byAddr(op), "feed", round, good))
		reveals = append(reveals, c.revealTx(c.byAddr(op), "feed", round, good))
	}
	c.mustOK(c.block(commits...))
	r := query[state.RoundView](t, c.kv, fmt.Sprintf("round/feed/%d", round))
	for i := 0; i < 10 && r.Phase == "COMMIT"; i++ { // the commit window runs out
		c.block()
		r = query[state.RoundView](t, c.kv, fmt.Sprintf("round/feed/%d", round))
	}
	if r.Phase != "REVEAL" || r.RevealEnd <= c.height+1 {
		t.Fatalf("round %+v at %d, want a reveal phase ending after the next block", r, c.height)
	}
	c.mustOK(c.block(reveals...))
	r = query[state.RoundView](t, c.kv, fmt.Sprintf("round/feed/%d", round))
	if r.Phase != "RESOLVED" || r.ClosedAt != c.height {
		t.Fatalf("round %+v: want RESOLVED at %d, when the last committed assignee revealed (reveal_end %d)", r, c.height, r.RevealEnd)
	}
	if v := validatorByOp(t, c.kv, absent.addr); v.Misses != 1 || v.Stake != 100 || v.Jailed {
		t.Fatalf("absent assignee %+v, want one miss and no penalty", v)
	}
}

func TestWrongVerdictSlashedAndJailed(t *testing.T) {
	c := newChain(t, 100, 100, 100, 100)
	c.setupSource("feed", 100, 4)
	good, bad := verdict(t, "good"), verdict(t, "bad")
	var liar *account
	round, _ := c.runRound("feed", func(a *account) (*pb.Verdict, *pb.Verdict) {
		if liar == nil {
			liar = a
			return bad, bad
		}
		return good, good
	})
	v := validatorByOp(t, c.kv, liar.addr)
	if v.Stake != 95 || !v.Jailed || v.Power != 0 {
		t.Fatalf("liar %+v, want stake 95 jailed power 0", v)
	}
	ev := query[state.Page[state.EvidenceView]](t, c.kv, "evidence").Items
	if len(ev) != 1 || ev[0].Kind != "WRONG_VERDICT" || ev[0].Round != round || ev[0].Revealed == nil || ev[0].Agreed == nil {
		t.Fatalf("evidence %+v", ev)
	}
	// the evidence lets anyone recompute the commit
	h := tx.CommitHash(chainID, "feed", round, liar.addr, bad, salt(liar, "feed", round))
	if ev[0].Commit != fmt.Sprintf("%x", h) {
		t.Fatalf("evidence commit %s, want %x", ev[0].Commit, h)
	}
}

func TestNoRevealAndMismatch(t *testing.T) {
	c := newChain(t, 100, 100, 100, 100)
	c.setupSource("feed", 100, 4)
	good := verdict(t, "good")
	n := 0
	var silent, mism *account
	c.runRound("feed", func(a *account) (*pb.Verdict, *pb.Verdict) {
		n++
		switch n {
		case 1:
			silent = a
			return good, nil
		case 2:
			mism = a
			return good, verdict(t, "other") // does not open the commit
		}
		return good, good
	})
	for _, a := range []*account{silent, mism} {
		if v := validatorByOp(t, c.kv, a.addr); v.Stake != 99 || !v.Jailed {
			t.Fatalf("%x: %+v, want stake 99 (1%% slash) and jailed", a.addr, v)
		}
	}
}

func TestUnresolvedNobodySlashedForDisagreeing(t *testing.T) {
	c := newChain(t, 100, 100, 100)
	c.setupSource("feed", 100, 3)
	n := 0
	round, _ := c.runRound("feed", func(a *account) (*pb.Verdict, *pb.Verdict) {
		n++
		v := verdict(t, fmt.Sprint("out", n))
		return v, v
	})
	if r := query[state.RoundView](t, c.kv, fmt.Sprintf("round/feed/%d", round)); r.Phase != "UNRESOLVED" {
		t.Fatalf("phase %s", r.Phase)
	}
	for _, v := range query[[]state.ValidatorView](t, c.kv, "validators") {
		if v.Stake != 100 || v.Jailed {
			t.Fatalf("penalised in an unresolved round: %+v", v)
		}
	}
}

func TestCheckTxSequences(t *testing.T) {
	c := newChain(t, 100)
	a := newAccount("sender")
	t0 := c.sign(a, tx.UnjailBody())
	t1 := c.sign(a, tx.UnjailBody())
	bad, _ := tx.Sign("other-chain", a.key, 2, tx.UnjailBody())
	tests := []struct {
		name string
		raw  []byte
		want state.Code
	}{
		{"first", t0, state.CodeOK},
		{"replay of first", t0, state.CodeSequence},
		{"second while first pending", t1, state.CodeOK},
		{"wrong chain", bad, state.CodeSignature},
		{"garbage", []byte("garbage"), state.CodeDecode},
	}
	for _, tt := range tests {
		if got := c.m.CheckTx(tt.raw); got.Code != tt.want {
			t.Errorf("%s: code %d (%s), want %d", tt.name, got.Code, got.Log, tt.want)
		}
	}
	res := c.block(t0, t0)
	if res.TxResults[0].Code != state.CodeNotFound || res.TxResults[1].Code != state.CodeSequence {
		t.Fatalf("results %+v", res.TxResults)
	}
	if got := c.m.CheckTx(t0); got.Code != state.CodeSequence {
		t.Fatalf("replay after commit: %d", got.Code)
	}
}

func TestDuplicateVoteTombstonesButNeverEmptiesSet(t *testing.T) {
	c := newChain(t, 1000, 1000)
	res := c.blockWith([]state.Misbehavior{
		{ConsensusAddress: consAddr(c.vals[0]), Height: 1, DuplicateVote: true},
		{ConsensusAddress: consAddr(c.vals[1]), Height: 1, DuplicateVote: true},
	})
	if len(res.Updates) != 2 {
		t.Fatalf("updates %+v", res.Updates)
	}
	powered := 0
	for _, u := range res.Updates {
		if u.Power > 0 {
			powered++
			if u.Power != 950 {
				t.Fatalf("power %d, want 950", u.Power)
			}
		}
	}
	if powered != 1 {
		t.Fatalf("the set was emptied or not reduced: %+v", res.Updates)
	}
}

func TestOneUpdatePerKeyPerBlock(t *testing.T) {
	c := newChain(t, 100, 100, 100)
	cc, err := config().Code.Check(minimalWasm(t))
	if err != nil {
		t.Fatal(err)
	}
	c.mustOK(c.block(c.sign(c.owner, tx.StoreCodeBody(minimalWasm(t)))))
	c.mustOK(c.block(c.sign(c.owner, tx.RegisterSourceBody("a", spec(cc, 100, 3))),
		c.sign(c.owner, tx.RegisterSourceBody("b", spec(cc, 100, 3)))))
	res := c.block() // assigns a and b: every validator in both
	round := c.height
	if ra, _ := assigned(res, "a"); ra == "" {
		t.Fatal("a not assigned")
	}
	good, bad := verdict(t, "g"), verdict(t, "b")
	pick := func(a *account) *pb.Verdict {
		if a == c.vals[0] {
			return bad
		}
		return good
	}
	var commits, reveals [][]byte
	for _, a := range c.vals {
		commits = append(commits, c.sign(a, tx.CommitBody(
			commitEntry(a, "b", round, pick(a)), commitEntry(a, "a", round, pick(a)))))
	}
	c.mustOK(c.block(commits...))
	for _, a := range c.vals {
		reveals = append(reveals, c.sign(a, tx.RevealBody(
			&pb.RevealEntry{Source: "a", Round: round, Verdict: pick(a), Salt: salt(a, "a", round)},
			&pb.RevealEntry{Source: "b", Round: round, Verdict: pick(a), Salt: salt(a, "b", round)})))
	}
	res = c.block(reveals...)
	c.mustOK(res)
	if len(res.Updates) != 1 || res.Updates[0].Power != 0 {
		t.Fatalf("want exactly one update (jailed: power 0), got %+v", res.Updates)
	}
	if v := validatorByOp(t, c.kv, c.vals[0].addr); v.Stake != 100-5-4 || !v.Jailed {
		t.Fatalf("validator %+v, want stake 91 after two 5%% slashes, jailed", v)
	}
}

func commitEntry(a *account, source string, round uint64, v *pb.Verdict) *pb.CommitEntry {
	h := tx.CommitHash(chainID, source, round, a.addr, v, salt(a, source, round))
	return &pb.CommitEntry{Source: source, Round: round, Hash: h[:]}
}

func TestRestartFromKV(t *testing.T) {
	c := newChain(t, 100, 100, 100, 100)
	c.setupSource("feed", 2, 3)
	good := verdict(t, "good")
	c.runRound("feed", func(*account) (*pb.Verdict, *pb.Verdict) { return good, good })
	m2, err := state.Open(c.kv, config())
	if err != nil {
		t.Fatal(err)
	}
	if m2.Height() != c.m.Height() || !bytes.Equal(m2.AppHash(), c.m.AppHash()) {
		t.Fatalf("reopened at %d/%x, want %d/%x", m2.Height(), m2.AppHash(), c.m.Height(), c.m.AppHash())
	}
	fork := &chain{t: t, kv: c.kv.Clone(), m: nil, height: c.height, vals: c.vals}
	if fork.m, err = state.Open(fork.kv, config()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		a, b := c.block(), fork.block()
		if !bytes.Equal(a.AppHash, b.AppHash) {
			t.Fatalf("block %d: app hash diverged after reopen", c.height)
		}
	}
}

func TestRegisterSourceErrors(t *testing.T) {
	c := newChain(t, 100)
	cc := c.setupSource("taken", 10, 1)
	other := newAccount("other")
	tests := []struct {
		name string
		who  *account
		body *pb.TxBody
		want state.Code
	}{
		{"bad id", c.owner, tx.RegisterSourceBody("Bad/Id", spec(cc, 1, 1)), state.CodeInvalid},
		{"every 0", c.owner, tx.RegisterSourceBody("x", spec(cc, 0, 1)), state.CodeInvalid},
		{"replicas 0", c.owner, tx.RegisterSourceBody("x", spec(cc, 1, 0)), state.CodeInvalid},
		{"unknown code", c.owner, tx.RegisterSourceBody("x", spec("bafkreinope", 1, 1)), state.CodeNotFound},
		{"exists", c.owner, tx.RegisterSourceBody("taken", spec(cc, 1, 1)), state.CodeExists},
		{"not owner", other, tx.RetireSourceBody("taken"), state.CodeUnauthorized},
		{"no fetch kind", c.owner, tx.RegisterSourceBody("x", &pb.SourceSpec{CodeCid: cc, Every: 1, Replicas: 1, GasLimit: 1, MaxOutputBytes: 1, MemoryPages: 1, Fetch: &pb.FetchSpec{}}), state.CodeInvalid},
		{"garbage wasm", c.owner, tx.StoreCodeBody([]byte("nope")), state.CodeWasm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.block(c.sign(tt.who, tt.body))
			tt.who.seq = query[state.AccountView](t, c.kv, fmt.Sprintf("account/%x", tt.who.addr)).Sequence
			if got := res.TxResults[0]; got.Code != tt.want {
				t.Fatalf("code %d (%s), want %d", got.Code, got.Log, tt.want)
			}
		})
	}
}

// TestImportDirection keeps the state machine free of I/O: no direct
// imports of os, net, time or math/rand, and no runtime, CometBFT, wazero,
// go-plugin or boxo anywhere in its dependencies. Of package plugins it
// may use only the pure packages in pureFromPlugins.
func TestImportDirection(t *testing.T) {
	// plugins/spec owns the fetch spec rule the machine applies; it brings
	// plugins/template (the machine checks templates only through
	// Config.Template). plugins/spec's TestPureDeps keeps both pure.
	pureFromPlugins := map[string]bool{
		"github.com/assaynet/assay/plugins/spec":     true,
		"github.com/assaynet/assay/plugins/template": true,
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not in PATH")
	}
	// consensus/seed brings github.com/oasisprotocol/curve25519-voi (the
	// ECVRF of the seed chain), allowed deliberately: verifying a VRF proof
	// is pure computation, and curve25519-voi's packages the seed chain
	// uses import no os, net or clock of their own (ecvrf's crypto/rand is
	// only for ProveWithAddedRandomness, which the chain never calls).
	for _, pkg := range []string{".", "../assign", "../tx", "../seed"} {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, imp := range strings.Fields(string(out)) {
			switch imp {
			case "os", "net", "net/http", "time", "math/rand", "math/rand/v2", "unsafe", "os/exec":
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
		deps, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, d := range strings.Fields(string(deps)) {
			if pureFromPlugins[d] {
				continue
			}
			for _, bad := range []string{"github.com/tetratelabs/wazero", "github.com/cometbft/", "github.com/hashicorp/go-plugin", "github.com/ipfs/boxo", "github.com/assaynet/assay/runtime/meter", "github.com/assaynet/assay/runtime/pin", "github.com/assaynet/assay/plugins"} {
				if strings.HasPrefix(d, bad) {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
}

func TestAssignedQuery(t *testing.T) {
	c := newChain(t, 100, 100, 100, 100)
	c.setupSource("feed", 1000, 2)
	res := c.block()
	_, ops := assigned(res, "feed")
	if len(ops) != 2 {
		t.Fatalf("assignees %v", ops)
	}
	got := query[[]state.RoundView](t, c.kv, "assigned/"+ops[0])
	if len(got) != 1 || got[0].Source != "feed" || got[0].Phase != "COMMIT" || got[0].Spec.FetchKind != "http" {
		t.Fatalf("assigned %+v", got)
	}
	for _, v := range c.vals {
		h := fmt.Sprintf("%x", v.addr)
		if h != ops[0] && h != ops[1] {
			if got := query[[]state.RoundView](t, c.kv, "assigned/"+h); len(got) != 0 {
				t.Fatalf("unassigned validator sees %+v", got)
			}
		}
	}
	for i := 0; i < 10; i++ { // nobody commits: the round closes
		c.block()
	}
	if got := query[[]state.RoundView](t, c.kv, "assigned/"+ops[0]); len(got) != 0 {
		t.Fatalf("closed round still listed: %+v", got)
	}
	if v := validatorByOp(t, c.kv, c.byAddr(ops[0]).addr); v.Misses != 1 {
		t.Fatalf("misses %d, want 1", v.Misses)
	}
}

func TestTemplateHook(t *testing.T) {
	c := newChain(t, 100)
	cc := c.setupSource("ok", 10, 1)
	m, err := state.Open(c.kv, state.Config{Code: config().Code, MaxStoreCodes: config().MaxStoreCodes, Template: func(s string) error {
		if strings.Contains(s, "{{bad}}") {
			return fmt.Errorf("unknown variable bad")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	c.m = m
	sp := spec(cc, 1, 1)
	sp.Fetch.Config[0].Value = "http://127.0.0.1/{{bad}}"
	res := c.block(c.sign(c.owner, tx.RegisterSourceBody("x", sp)))
	if res.TxResults[0].Code != state.CodeInvalid || !strings.Contains(res.TxResults[0].Log, "unknown variable") {
		t.Fatalf("result %+v", res.TxResults[0])
	}
}

func TestStoreCodeGzipAndUnjail(t *testing.T) {
	c := newChain(t, 100, 100, 100)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(minimalWasm(t))
	zw.Close()
	c.mustOK(c.block(c.sign(c.owner, tx.StoreCodeBody(buf.Bytes()))))
	cc, _ := config().Code.Check(minimalWasm(t))
	code := query[state.CodeView](t, c.kv, "code/"+cc)
	if code.Size != len(minimalWasm(t)) {
		t.Fatalf("stored %d bytes, want the uncompressed %d", code.Size, len(minimalWasm(t)))
	}
	// a gzip bomb past max_code_bytes is refused with a bounded read
	buf.Reset()
	zw = gzip.NewWriter(&buf)
	zw.Write(make([]byte, 9<<20))
	zw.Close()
	if res := c.block(c.sign(c.owner, tx.StoreCodeBody(buf.Bytes()))); res.TxResults[0].Code != state.CodeInvalid {
		t.Fatalf("gzip bomb: %+v", res.TxResults[0])
	}
	// unjail: refused while not jailed, then after a wrong verdict and the jail period
	v := c.vals[0]
	if res := c.block(c.sign(v, tx.UnjailBody())); res.TxResults[0].Code != state.CodeJailed {
		t.Fatalf("unjail while active: %+v", res.TxResults[0])
	}
	c.mustOK(c.block(c.sign(c.owner, tx.RegisterSourceBody("feed", spec(cc, 1000, 3)))))
	good, bad := verdict(t, "good"), verdict(t, "bad")
	c.runRound("feed", func(a *account) (*pb.Verdict, *pb.Verdict) {
		if a == v {
			return bad, bad
		}
		return good, good
	})
	vv := validatorByOp(t, c.kv, v.addr)
	if !vv.Jailed {
		t.Fatalf("not jailed: %+v", vv)
	}
	if res := c.block(c.sign(v, tx.UnjailBody())); res.TxResults[0].Code != state.CodeJailed {
		t.Fatalf("early unjail: %+v", res.TxResults[0])
	}
	for c.height < vv.JailedUntil {
		c.block()
	}
	res := c.block(c.sign(v, tx.UnjailBody()))
	c.mustOK(res)
	if len(res.Updates) != 1 || res.Updates[0].Power != 95 {
		t.Fatalf("unjail updates %+v, want power 95", res.Updates)
	}
}

func TestUpdateAndRetireSource(t *testing.T) {
	c := newChain(t, 100, 100, 100, 100)
	cc := c.setupSource("feed", 1, 1) // a round every block
	if _, ops := assigned(c.block(), "feed"); len(ops) != 1 {
		t.Fatalf("assignees %v, want 1", ops)
	}
	res := c.block(c.sign(c.owner, tx.UpdateSourceBody("feed", spec(cc, 1, 3))))
	c.mustOK(res)
	if _, ops := assigned(c.block(), "feed"); len(ops) != 3 {
		t.Fatalf("after update: assignees %v, want 3", ops)
	}
	c.mustOK(c.block(c.sign(c.owner, tx.RetireSourceBody("feed"))))
	for i := 0; i < 3; i++ {
		if r, _ := assigned(c.block(), "feed"); r != "" {
			t.Fatalf("retired source assigned at %s", r)
		}
	}
	if s := query[state.SourceView](t, c.kv, "source/feed"); !s.Retired || s.Spec.Replicas != 3 {
		t.Fatalf("source %+v", s)
	}
	if res := c.block(c.sign(c.owner, tx.UpdateSourceBody("feed", spec(cc, 1, 1)))); res.TxResults[0].Code != state.CodeInvalid {
		t.Fatalf("update of a retired source: %+v", res.TxResults[0])
	}
}

// TestCheckTxRunsModuleCheck: a StoreCode whose module fails the
// store-time check is refused in CheckTx (it used to enter the mempool and
// a block, and fail only there), and the refused tx does not use up the
// signer's sequence.
func TestCheckTxRunsModuleCheck(t *testing.T) {
	c := newChain(t, 100)
	a := newAccount("author")
	junk := bytes.Repeat([]byte{0xa5}, 4<<20-1024) // just under max_tx_bytes
	gzipJunk := gzipBytes(t, junk)
	tests := []struct {
		name string
		body *pb.TxBody
		want state.Code
	}{
		{"4 MiB of junk", tx.StoreCodeBody(junk), state.CodeWasm},
		{"gzipped junk", tx.StoreCodeBody(gzipJunk), state.CodeWasm},
		{"not a gzip stream", tx.StoreCodeBody([]byte{0x1f, 0x8b, 0, 0}), state.CodeInvalid},
		{"too large", tx.StoreCodeBody(bytes.Repeat([]byte{0}, 8<<20+1)), state.CodeTooLarge},
		{"a valid module", tx.StoreCodeBody(minimalWasm(t)), state.CodeOK},
	}
	for _, tt := range tests {
		raw, err := tx.Sign(chainID, a.key, a.seq, tt.body)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.m.CheckTx(raw); got.Code != tt.want {
			t.Errorf("%s: code %d (%s), want %d", tt.name, got.Code, got.Log, tt.want)
		}
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHTTPURLScheme: a kind "http" source whose url does not start with
// http:// or https:// is refused with code 5 at CheckTx and in a block,
// on register and update; other kinds and keys are not checked.
func TestHTTPURLScheme(t *testing.T) {
	c := newChain(t, 100)
	cc := c.setupSource("feed", 10, 1)
	tests := []struct {
		name, kind, key, url string
		want                 state.Code
	}{
		{"http", "http", "url", "http://api.example/{{height}}", state.CodeOK},
		{"https upper case", "http", "url", "HTTPS://api.example/p", state.CodeOK},
		{"file", "http", "url", "file:///etc/passwd", state.CodeInvalid},
		{"gopher", "http", "url", "gopher://127.0.0.1:25/", state.CodeInvalid},
		{"scheme from a template", "http", "url", "{{source}}:///etc/passwd", state.CodeInvalid},
		{"relative", "http", "url", "/status", state.CodeInvalid},
		{"scheme only", "http", "url", "http://", state.CodeInvalid},
		{"leading space", "http", "url", " http://x/", state.CodeInvalid},
		{"json value", "http", "url", `{"a":"http://x/"}`, state.CodeInvalid},
		{"other key", "http", "urls", "file:///etc/passwd", state.CodeOK},
		{"other kind", "eth_block", "url", "ws://127.0.0.1:8546", state.CodeOK},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := spec(cc, 1, 1)
			sp.Fetch = &pb.FetchSpec{Kind: tt.kind, Config: []*pb.KeyValue{{Key: tt.key, Value: tt.url}}}
			a := newAccount(fmt.Sprintf("registrant-%d", i))
			for _, body := range []*pb.TxBody{tx.RegisterSourceBody(fmt.Sprintf("s%d", i), sp), tx.UpdateSourceBody("feed", sp)} {
				got := c.m.CheckTx(c.sign(a, body))
				if got.Code != tt.want {
					t.Errorf("CheckTx: code %d (%s), want %d", got.Code, got.Log, tt.want)
				}
				if tt.want == state.CodeInvalid && !strings.Contains(got.Log, "http:// or https://") {
					t.Errorf("log %q does not say what is wanted", got.Log)
				}
			}
		})
	}
	bad := spec(cc, 1, 1)
	bad.Fetch.Config[0].Value = "file:///etc/passwd"
	if res := c.block(c.sign(c.owner, tx.RegisterSourceBody("passwd", bad))); res.TxResults[0].Code != state.CodeInvalid {
		t.Fatalf("in a block: %+v", res.TxResults[0])
	}
}
