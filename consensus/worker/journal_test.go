package worker

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestJournalDurable(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := Entry{Source: "s", Round: 7, Status: 1, OutputCID: []byte{1, 2}, Salt: make([]byte, 32)}
	if _, err := j.Put(e); err != nil {
		t.Fatal(err)
	}
	// A second Put for the same round keeps the first salt.
	e2 := e
	e2.Salt = []byte("other")
	got, err := j.Put(e2)
	if err != nil || string(got.Salt) != string(e.Salt) {
		t.Fatalf("second put: %v %x", err, got.Salt)
	}
	// A write cut short leaves a .tmp file, which reopening removes.
	if err := os.WriteFile(filepath.Join(dir, "x.json.tmp"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	j2, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := j2.Get("s", 7); !ok || g.Status != 1 || len(g.Salt) != 32 {
		t.Fatalf("reopened: %+v %v", g, ok)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json.tmp")); !os.IsNotExist(err) {
		t.Errorf("tmp file kept: %v", err)
	}
	n, err := j2.Prune(100, func(string, uint64) bool { return false })
	if err != nil || n != 1 || j2.Len() != 0 {
		t.Fatalf("prune: %d %v len %d", n, err, j2.Len())
	}
	j3, err := OpenJournal(dir)
	if err != nil || j3.Len() != 0 {
		t.Fatalf("after prune: %v len %d", err, j3.Len())
	}
}

func TestJournalCorrupt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenJournal(dir); err == nil {
		t.Fatal("corrupt entry accepted")
	}
}

// TestStopJournalsNothing: a job cut short by shutdown leaves no entry, so
// the restarted node runs it again rather than committing UNAVAILABLE.
func TestStopJournalsNothing(t *testing.T) {
	f := newFixture(t, 1, 1)
	for i := 0; i < 3; i++ {
		f.chain.block()
	}
	w := f.newWorker(0, t.TempDir(), FaultNone)
	_, rounds, err := f.chain.Assigned(context.Background(), w.operator)
	if err != nil || len(rounds) == 0 {
		t.Fatalf("no rounds: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := w.execute(ctx, rounds[0]); err == nil {
		t.Fatal("a cancelled job reported success")
	}
	if w.cfg.Journal.Len() != 0 {
		t.Fatalf("cancelled job journaled %d entries", w.cfg.Journal.Len())
	}
	if _, err := w.execute(context.Background(), rounds[0]); err != nil || w.cfg.Journal.Len() != 1 {
		t.Fatalf("job after restart: %v, %d entries", err, w.cfg.Journal.Len())
	}
}

// TestJournalDeferred: entries written without fsync survive Sync and a
// reopen; a torn file (possible only after the last Sync) is dropped by
// the deferred journal and reported by the synced one.
func TestJournalDeferred(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournalDeferred(dir)
	if err != nil {
		t.Fatal(err)
	}
	for r := uint64(1); r <= 3; r++ {
		if _, err := j.Put(Entry{Source: "s", Round: r, Status: 1, Salt: make([]byte, 32)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
	torn := filepath.Join(dir, fileName("s", 4))
	if err := os.WriteFile(torn, []byte(`{"source":"s","rou`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenJournal(dir); err == nil {
		t.Fatal("synced journal accepted a torn entry")
	}
	j, err = OpenJournalDeferred(dir)
	if err != nil {
		t.Fatal(err)
	}
	if j.Len() != 3 {
		t.Fatalf("reopened with %d entries, want 3", j.Len())
	}
	if _, err := os.Stat(torn); !os.IsNotExist(err) {
		t.Fatalf("torn entry not removed: %v", err)
	}
}
