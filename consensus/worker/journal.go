package worker

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"golang.org/x/sys/unix"
)

// Entry is one journaled verdict: what the worker committed to (or will)
// for one round, with the salt that opens the commit.
type Entry struct {
	Source    string `json:"source"`
	Round     uint64 `json:"round"`
	Status    uint32 `json:"status"`
	OutputCID []byte `json:"output_cid,omitempty"`
	InputCID  []byte `json:"input_cid,omitempty"`
	GasUsed   uint64 `json:"gas_used"`
	Salt      []byte `json:"salt"`
}

// ErrJournal is wrapped by journal errors.
var ErrJournal = errors.New("worker: journal")

// Journal keeps entries in a leveldb database in a directory, each Put
// written with fsync before it returns — or, opened with
// OpenJournalDeferred, written without fsync and made durable by Sync,
// which the worker calls before it broadcasts any commitment. A killed
// process loses nothing either way (unsynced writes are in the kernel's
// page cache); a machine crash can lose only entries written after the
// last Sync, whose commitments were never broadcast. It is safe for
// concurrent use.
type Journal struct {
	dir   string
	db    *leveldb.DB
	write *opt.WriteOptions
	mu    sync.Mutex
	mem   map[key]Entry
}

type key struct {
	source string
	round  uint64
}

// OpenJournal opens (creating if needed) the journal in dir and loads
// every entry. Entries that do not decode are reported, not skipped.
func OpenJournal(dir string) (*Journal, error) {
	return openJournal(dir, false)
}

// OpenJournalDeferred is OpenJournal for a journal whose Puts are made
// durable in batches by Sync. An entry that does not decode can only be
// one written after the last Sync, before a crash: no commitment to it
// was broadcast, so it is removed (and the job runs again).
func OpenJournalDeferred(dir string) (*Journal, error) {
	return openJournal(dir, true)
}

func openJournal(dir string, deferred bool) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJournal, err)
	}
	db, err := leveldb.OpenFile(dir, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", ErrJournal, dir, err)
	}
	j := &Journal{dir: dir, db: db, write: &opt.WriteOptions{Sync: !deferred}, mem: map[key]Entry{}}
	if err := j.load(deferred); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := j.importFiles(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return j, nil
}

// load reads every entry into memory.
func (j *Journal) load(deferred bool) error {
	it := j.db.NewIterator(nil, nil)
	defer it.Release()
	var bad [][]byte
	for it.Next() {
		e, err := decodeEntry(it.Key(), it.Value())
		if err != nil {
			if !deferred {
				return fmt.Errorf("%w: %s: %w", ErrJournal, j.dir, err)
			}
			bad = append(bad, append([]byte(nil), it.Key()...))
			continue
		}
		j.mem[key{e.Source, e.Round}] = e
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("%w: read %s: %w", ErrJournal, j.dir, err)
	}
	for _, k := range bad { // never synced, never committed
		if err := j.db.Delete(k, j.write); err != nil {
			return fmt.Errorf("%w: %w", ErrJournal, err)
		}
	}
	return nil
}

// importFiles moves entries of the older one-file-per-entry journal
// (NNN-hash.json files in the same directory) into the database.
func (j *Journal) importFiles() error {
	names, err := os.ReadDir(j.dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	for _, de := range names {
		name := de.Name()
		path := filepath.Join(j.dir, name)
		switch {
		case strings.HasSuffix(name, ".json.tmp"):
			_ = os.Remove(path) // a write cut short
			continue
		case !strings.HasSuffix(name, ".json"):
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrJournal, err)
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrJournal, name, err)
		}
		if _, err := j.put(e, &opt.WriteOptions{Sync: true}); err != nil {
			return err
		}
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("%w: %w", ErrJournal, err)
		}
	}
	return nil
}

// dbKey orders entries by round, then source.
func dbKey(source string, round uint64) []byte {
	return append(binary.BigEndian.AppendUint64(nil, round), source...)
}

func decodeEntry(k, v []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(v, &e); err != nil {
		return e, err
	}
	if string(dbKey(e.Source, e.Round)) != string(k) {
		return e, fmt.Errorf("entry for %s round %d stored under another key", e.Source, e.Round)
	}
	return e, nil
}

// Put writes e (durably unless the journal is deferred). An existing
// entry for the same round is kept: a salt once journaled never changes,
// so a commit already sent can always be opened.
func (j *Journal) Put(e Entry) (Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.put(e, j.write)
}

func (j *Journal) put(e Entry, wo *opt.WriteOptions) (Entry, error) {
	k := key{e.Source, e.Round}
	if old, ok := j.mem[k]; ok {
		return old, nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: %w", ErrJournal, err)
	}
	if err := j.db.Put(dbKey(e.Source, e.Round), b, wo); err != nil {
		return Entry{}, fmt.Errorf("%w: write: %w", ErrJournal, err)
	}
	j.mem[k] = e
	return e, nil
}

// Get returns the entry of a round.
func (j *Journal) Get(source string, round uint64) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.mem[key{source, round}]
	return e, ok
}

// Len returns the number of entries.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.mem)
}

// Prune deletes the entries of rounds below height that keep reports
// false; it returns how many it deleted. Deletes are not synced: one lost
// in a crash is deleted again by the next Prune.
func (j *Journal) Prune(below uint64, keep func(source string, round uint64) bool) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var b leveldb.Batch
	var drop []key
	for k := range j.mem {
		if k.round < below && !keep(k.source, k.round) {
			b.Delete(dbKey(k.source, k.round))
			drop = append(drop, k)
		}
	}
	if len(drop) == 0 {
		return 0, nil
	}
	if err := j.db.Write(&b, &opt.WriteOptions{Sync: false}); err != nil {
		return 0, fmt.Errorf("%w: prune: %w", ErrJournal, err)
	}
	for _, k := range drop {
		delete(j.mem, k)
	}
	return len(drop), nil
}

// Sync makes every Put durable (syncfs(2) of the journal's file system,
// which holds leveldb's log).
func (j *Journal) Sync() error {
	d, err := os.Open(j.dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("%w: sync: %w", ErrJournal, err)
	}
	return nil
}

// Close closes the database. The journal must not be used afterwards.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("%w: close: %w", ErrJournal, err)
	}
	return nil
}
