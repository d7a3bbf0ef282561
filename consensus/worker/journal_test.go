package worker

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/syndtr/goleveldb/leveldb"
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
	mustClose(t, j)
	j2, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := j2.Get("s", 7); !ok || g.Status != 1 || len(g.Salt) != 32 || string(g.OutputCID) != "\x01\x02" {
		t.Fatalf("reopened: %+v %v", g, ok)
	}
	n, err := j2.Prune(100, func(string, uint64) bool { return false })
	if err != nil || n != 1 || j2.Len() != 0 {
		t.Fatalf("prune: %d %v len %d", n, err, j2.Len())
	}
	mustClose(t, j2)
	j3, err := OpenJournal(dir)
	if err != nil || j3.Len() != 0 {
		t.Fatalf("after prune: %v len %d", err, j3.Len())
	}
	mustClose(t, j3)
}

func mustClose(t *testing.T, j *Journal) {
	t.Helper()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
}

// putRaw stores value under key straight into the journal's database.
func putRaw(t *testing.T, dir string, key, value []byte) {
	t.Helper()
	db, err := leveldb.OpenFile(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Put(key, value, nil); err != nil {
		t.Fatal(err)
	}
}

// TestJournalCorrupt: an entry that does not decode, or sits under
// another round's key, is reported by the synced journal and dropped by
// the deferred one (it can only have been written after the last Sync).
func TestJournalCorrupt(t *testing.T) {
	good, _ := json.Marshal(Entry{Source: "s", Round: 2, Salt: make([]byte, 32)})
	for _, tc := range []struct {
		name       string
		key, value []byte
	}{
		{"not json", dbKey("s", 1), []byte("{not json")},
		{"wrong key", dbKey("s", 1), good},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			putRaw(t, dir, tc.key, tc.value)
			if _, err := OpenJournal(dir); !errors.Is(err, ErrJournal) {
				t.Fatalf("synced journal: err = %v, want ErrJournal", err)
			}
			j, err := OpenJournalDeferred(dir)
			if err != nil || j.Len() != 0 {
				t.Fatalf("deferred journal: %v, %d entries", err, j.Len())
			}
			mustClose(t, j)
			j, err = OpenJournal(dir) // the bad entry is gone
			if err != nil {
				t.Fatal(err)
			}
			mustClose(t, j)
		})
	}
}

// TestJournalTornLog: a write cut short (the tail of leveldb's log) is
// dropped on reopen; the entries before it are intact.
func TestJournalTornLog(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	for r := uint64(1); r <= 3; r++ {
		if _, err := j.Put(Entry{Source: "s", Round: r, Status: 1, Salt: make([]byte, 32)}); err != nil {
			t.Fatal(err)
		}
	}
	mustClose(t, j)
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(logs) != 1 {
		t.Fatalf("leveldb logs: %v", logs)
	}
	st, err := os.Stat(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(logs[0], st.Size()-10); err != nil {
		t.Fatal(err)
	}
	j, err = OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, j)
	_, ok1 := j.Get("s", 1)
	_, ok3 := j.Get("s", 3)
	if !ok1 || ok3 || j.Len() != 2 {
		t.Fatalf("after a torn write: round 1 %v, round 3 %v, %d entries; want the first two", ok1, ok3, j.Len())
	}
}

// TestJournalImportFiles: entries of the older one-file-per-entry
// journal are moved into the database; a torn .tmp file is removed, an
// undecodable .json reported.
func TestJournalImportFiles(t *testing.T) {
	dir := t.TempDir()
	e := Entry{Source: "s", Round: 9, Status: 2, Salt: make([]byte, 32)}
	b, _ := json.Marshal(e)
	files := map[string][]byte{"00000000000000000009-abcd.json": b, "x.json.tmp": []byte("{")}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := j.Get("s", 9); !ok || g.Status != 2 {
		t.Fatalf("imported: %+v %v", g, ok)
	}
	mustClose(t, j)
	for name := range files {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s kept: %v", name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenJournal(dir); !errors.Is(err, ErrJournal) {
		t.Fatalf("bad old entry: err = %v", err)
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

// TestJournalDeferred: entries written without fsync survive Sync, Close
// and a reopen.
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
	mustClose(t, j)
	j, err = OpenJournalDeferred(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, j)
	if j.Len() != 3 {
		t.Fatalf("reopened with %d entries, want 3", j.Len())
	}
}
