package store_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	ics23 "github.com/cosmos/ics23/go"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consensus/store"
)

// block returns version v's deterministic changes: a counter, a record
// per version, and the deletion of the record of v-3; every fifth block
// also rewrites 60 records of 4 KiB, more than IAVL's default flush
// threshold of one batch (100 kB).
func block(v int64) []state.Change {
	cs := []state.Change{
		{Key: []byte("n"), Value: []byte(strconv.FormatInt(v, 10))},
		{Key: fmt.Appendf(nil, "r/%08d", v), Value: bytes.Repeat([]byte{byte(v)}, 1+int(v%300))},
	}
	for i := 0; v%5 == 0 && i < 60; i++ {
		cs = append(cs, state.Change{Key: fmt.Appendf(nil, "big/%02d", i), Value: bytes.Repeat([]byte{byte(v + int64(i))}, 4096)})
	}
	if v > 3 {
		cs = append(cs, state.Change{Key: fmt.Appendf(nil, "r/%08d", v-3), Delete: true})
	}
	return cs
}

func commit(t *testing.T, tr *store.Tree, v int64) []byte {
	t.Helper()
	h, err := tr.Stage(block(v))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Commit(); err != nil {
		t.Fatal(err)
	}
	if tr.Version() != v || !bytes.Equal(tr.Hash(), h) {
		t.Fatalf("after commit %d: version %d hash %x, staged %x", v, tr.Version(), tr.Hash(), h)
	}
	return h
}

// TestStageCommit checks that reads see only committed state, that a
// second Stage replaces the first, that hashes are those of the content
// (two trees with the same blocks agree) and that At serves retained
// versions only.
func TestStageCommit(t *testing.T) {
	a, b := store.NewMemory(), store.NewMemory()
	if v, err := a.Get([]byte("n")); err != nil || v != nil || a.Hash() != nil {
		t.Fatalf("empty tree: %q %v %x", v, err, a.Hash())
	}
	if _, err := a.Stage([]state.Change{{Key: []byte("junk"), Value: []byte("x")}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Get([]byte("junk")); v != nil {
		t.Fatal("a staged change is visible before Commit")
	}
	for v := int64(1); v <= 5; v++ {
		if ha, hb := commit(t, a, v), commit(t, b, v); !bytes.Equal(ha, hb) {
			t.Fatalf("version %d: hashes %x and %x differ", v, ha, hb)
		}
	}
	if v, _ := a.Get([]byte("junk")); v != nil {
		t.Fatal("a replaced staged change was committed")
	}
	if v, _ := a.Get([]byte("n")); string(v) != "5" {
		t.Fatalf("n = %q", v)
	}
	old, err := a.At(2)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := old.Get([]byte("n")); string(v) != "2" || old.Version() != 2 {
		t.Fatalf("at 2: n = %q, version %d", v, old.Version())
	}
	val, p, err := old.Prove([]byte("r/00000002"))
	if err != nil || !ics23.VerifyMembership(ics23.IavlSpec, old.Hash(), p, []byte("r/00000002"), val) {
		t.Fatalf("prove at 2: %v", err)
	}
	if _, err := a.At(0); err != nil {
		t.Fatal(err)
	}
	for _, v := range []int64{-1, 6} {
		if _, err := a.At(v); !errors.Is(err, store.ErrVersion) {
			t.Fatalf("At(%d): %v, want ErrVersion", v, err)
		}
	}
}

// TestKeep checks that a tree keeping 3 versions serves exactly the last
// 3 after pruning, and reopens at the last one.
func TestKeep(t *testing.T) {
	dir := t.TempDir()
	tr, err := store.Open(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	var last []byte
	for v := int64(1); v <= 10; v++ {
		last = commit(t, tr, v)
	}
	if first, end := tr.Retained(); first != 8 || end != 10 {
		t.Fatalf("retained %d..%d, want 8..10", first, end)
	}
	for v := int64(1); v <= 10; v++ {
		_, err := tr.At(v)
		if (v >= 8) != (err == nil) {
			t.Fatalf("At(%d): %v", v, err)
		}
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	tr, err = store.Open(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if tr.Version() != 10 || !bytes.Equal(tr.Hash(), last) {
		t.Fatalf("reopened at %d/%x, want 10/%x", tr.Version(), tr.Hash(), last)
	}
}

// TestCrashBetweenBlocks runs a writer process that commits blocks to a
// disk tree and stages the next, kills it with SIGKILL at some point, and
// reopens the tree: it must hold a complete version at least as recent
// as the last one the writer reported, with that version's hash, and
// accept the following block.
func TestCrashBetweenBlocks(t *testing.T) {
	if dir := os.Getenv("ASSAY_STORE_CRASH_DIR"); dir != "" {
		crashWriter(t, dir)
		return
	}
	want := map[int64][]byte{} // the hashes of a memory tree given the same blocks
	mem := store.NewMemory()
	for v := int64(1); v <= 400; v++ {
		want[v] = commit(t, mem, v)
	}
	for _, stopAt := range []int64{1, 37, 150} {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBetweenBlocks$")
		cmd.Env = append(os.Environ(), "ASSAY_STORE_CRASH_DIR="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		in, err := cmd.StdinPipe() // held open: the writer waits on it
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var reported int64
		sc := bufio.NewScanner(out)
		for sc.Scan() && reported < stopAt {
			f := strings.Fields(sc.Text())
			if len(f) == 3 && f[0] == "committed" {
				reported, _ = strconv.ParseInt(f[1], 10, 64)
				if f[2] != hex.EncodeToString(want[reported]) {
					t.Fatalf("writer's hash at %d is %s, want %x", reported, f[2], want[reported])
				}
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // killed: the error is expected
		in.Close()
		tr, err := store.Open(dir, 0)
		if err != nil {
			t.Fatalf("reopen after a kill past %d: %v", reported, err)
		}
		v := tr.Version()
		if v < reported || v >= 400 || !bytes.Equal(tr.Hash(), want[v]) {
			t.Fatalf("reopened at %d/%x after a kill past %d, want >= %d with hash %x", v, tr.Hash(), reported, reported, want[v])
		}
		t.Logf("killed past %d: reopened at %d", reported, v)
		if got := commit(t, tr, v+1); !bytes.Equal(got, want[v+1]) {
			t.Fatalf("block %d after the restart: hash %x, want %x", v+1, got, want[v+1])
		}
		tr.Close()
	}
}

// crashWriter is the writer process of TestCrashBetweenBlocks: it commits
// up to 399 blocks, reporting each, and stages block 400 without
// committing it, then waits to be killed.
func crashWriter(t *testing.T, dir string) {
	tr, err := store.Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	for v := int64(1); v < 400; v++ {
		h := commit(t, tr, v)
		fmt.Printf("committed %d %x\n", v, h)
	}
	if _, err := tr.Stage(block(400)); err != nil {
		t.Fatal(err)
	}
	fmt.Println("staged 400")
	_, _ = io.Copy(io.Discard, os.Stdin) // until killed
}

// TestViewsDuringBlocks reads saved versions (At, then Get, Iterate and
// Prove) from other goroutines while blocks stage and commit, as the
// node's queries do beside consensus. It is a specification for the race
// detector (make test runs this package with -race): IAVL's Set clones
// the saved path and clears the cloned nodes' child pointers, so views
// that shared the writer's nodes raced with every block (seen in CI).
func TestViewsDuringBlocks(t *testing.T) {
	tr := store.NewMemory()
	changes := make([]state.Change, 500)
	for i := range changes {
		changes[i] = state.Change{Key: fmt.Appendf(nil, "k/%04d", i), Value: []byte{0}}
	}
	stage := func(v int64) {
		for i := range changes {
			changes[i].Value = fmt.Appendf(nil, "%d", v)
		}
		if _, err := tr.Stage(changes); err != nil {
			t.Fatal(err)
		}
		if err := tr.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	stage(1)
	const blocks, readers = 30, 2
	done := make(chan struct{})
	errs := make(chan error, readers)
	for r := range readers {
		go func() { errs <- readViews(tr, r, done) }()
	}
	for v := int64(2); v <= blocks; v++ {
		stage(v)
	}
	close(done)
	for range readers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// readViews reads the last saved version until done is closed, checking
// that every key of a view holds that view's version number.
func readViews(tr *store.Tree, seed int, done <-chan struct{}) error {
	for i := seed; ; i++ {
		select {
		case <-done:
			return nil
		default:
		}
		view, err := tr.At(0)
		if err != nil {
			return err
		}
		want := strconv.FormatInt(view.Version(), 10)
		key := fmt.Appendf(nil, "k/%04d", i*37%500)
		got, err := view.Get(key)
		if err != nil || string(got) != want {
			return fmt.Errorf("version %d: Get %s = %q, %v; want %q", view.Version(), key, got, err, want)
		}
		n := 0
		err = view.Iterate([]byte("k/"), []byte("k0"), func(_, v []byte) bool {
			if string(v) != want {
				err = fmt.Errorf("version %d: iterate: value %q", view.Version(), v)
				return false
			}
			n++
			return true
		})
		if err != nil || n != 500 {
			return fmt.Errorf("version %d: iterated %d keys of 500: %v", view.Version(), n, err)
		}
		if _, _, err := view.Prove(key); err != nil {
			return fmt.Errorf("version %d: prove %s: %w", view.Version(), key, err)
		}
	}
}
