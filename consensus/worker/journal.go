package worker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

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

// Journal keeps entries in a directory, one file per round, each written
// with fsync (file and directory) before Put returns — or, opened with
// OpenJournalDeferred, written without fsync and made durable by Sync,
// which the worker calls before it broadcasts any commitment. It is safe
// for concurrent use.
type Journal struct {
	dir      string
	deferred bool
	mu       sync.Mutex
	mem      map[key]Entry
}

type key struct {
	source string
	round  uint64
}

// OpenJournal opens (creating if needed) the journal in dir and loads
// every entry. Files that do not decode are reported, not skipped.
func OpenJournal(dir string) (*Journal, error) {
	return openJournal(dir, false)
}

// OpenJournalDeferred is OpenJournal for a journal whose Puts are made
// durable in batches by Sync. A file that does not decode can only be one
// written after the last Sync, before a crash: no commitment to it was
// broadcast, so it is removed (and the job runs again).
func OpenJournalDeferred(dir string) (*Journal, error) {
	return openJournal(dir, true)
}

func openJournal(dir string, deferred bool) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJournal, err)
	}
	j := &Journal{dir: dir, deferred: deferred, mem: map[key]Entry{}}
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrJournal, err)
	}
	for _, de := range names {
		name := de.Name()
		if strings.HasSuffix(name, ".tmp") {
			_ = os.Remove(filepath.Join(dir, name)) // a write cut short
			continue
		}
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrJournal, err)
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			if deferred {
				_ = os.Remove(filepath.Join(dir, name)) // never synced, never committed
				continue
			}
			return nil, fmt.Errorf("%w: %s: %w", ErrJournal, name, err)
		}
		j.mem[key{e.Source, e.Round}] = e
	}
	return j, nil
}

func fileName(source string, round uint64) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", source, round))
	return fmt.Sprintf("%020d-%s.json", round, hex.EncodeToString(h[:8]))
}

// Put writes e durably. An existing entry for the same round is kept: a
// salt once journaled never changes, so a commit already sent can always
// be opened.
func (j *Journal) Put(e Entry) (Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	k := key{e.Source, e.Round}
	if old, ok := j.mem[k]; ok {
		return old, nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: %w", ErrJournal, err)
	}
	if err := writeFile(j.dir, fileName(e.Source, e.Round), b, !j.deferred); err != nil {
		return Entry{}, err
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
// false; it returns how many it deleted.
func (j *Journal) Prune(below uint64, keep func(source string, round uint64) bool) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var drop []key
	for k := range j.mem {
		if k.round < below && !keep(k.source, k.round) {
			drop = append(drop, k)
		}
	}
	sort.Slice(drop, func(a, b int) bool { return drop[a].round < drop[b].round })
	for _, k := range drop {
		err := os.Remove(filepath.Join(j.dir, fileName(k.source, k.round)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("%w: %w", ErrJournal, err)
		}
		delete(j.mem, k)
	}
	return len(drop), nil
}

// Sync makes every Put durable (syncfs(2) of the journal's file system).
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

// writeFile writes name in dir atomically: a temp file, rename; with
// sync, the file is fsynced before the rename and the directory after.
func writeFile(dir, name string, b []byte, sync bool) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	_, werr := f.Write(b)
	var serr error
	if sync {
		serr = f.Sync()
	}
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("%w: write %s: %w", ErrJournal, name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	if !sync {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("%w: sync dir: %w", ErrJournal, err)
	}
	return nil
}
