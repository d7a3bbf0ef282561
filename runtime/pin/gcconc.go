package pin

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"

	cid "github.com/ipfs/go-cid"
)

// gcTrack records the blocks written, found or read while a concurrent
// GC runs: such a block may belong to a DAG that is being added or pinned
// after the GC listed the pins, so the GC must not delete it. The
// checked blockstore notes a block before it looks at the disk, and the
// GC deletes a block only while holding mu after checking that it was
// not noted: a block is either noted before its deletion (and kept) or
// found missing by the writer after it (and written again).
type gcTrack struct {
	on   atomic.Bool
	mu   sync.Mutex
	seen map[string]struct{} // multihashes noted since start
}

// note records c while a concurrent GC runs.
func (t *gcTrack) note(c cid.Cid) {
	if t == nil || !t.on.Load() {
		return
	}
	t.mu.Lock()
	if t.seen != nil {
		t.seen[string(c.Hash())] = struct{}{}
	}
	t.mu.Unlock()
}

func (t *gcTrack) start() {
	t.mu.Lock()
	t.seen = map[string]struct{}{}
	t.mu.Unlock()
	t.on.Store(true)
}

func (t *gcTrack) stop() {
	t.on.Store(false)
	t.mu.Lock()
	t.seen = nil
	t.mu.Unlock()
}

// CollectConcurrent removes, like GC, every block that no pin's DAG
// contains, without stopping other operations: adds, pins, unpins and
// reads go on while it lists the blocks, walks the pins and deletes. Only
// its start takes the exclusive lock, for as long as the adds then in
// flight take to finish. A block added, found or read after the start is
// kept until the next collection, so a DAG added and pinned meanwhile is
// never cut. One collection runs at a time; Close waits for it.
func (s *Store) CollectConcurrent(ctx context.Context) (GCResult, error) {
	s.gcMu.Lock()
	defer s.gcMu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return GCResult{}, ErrClosed
	}
	if err := s.reopenPins(); err != nil {
		s.mu.Unlock()
		return GCResult{}, err
	}
	s.track.start()
	s.mu.Unlock()
	defer s.track.stop()

	dead, err := s.garbage(ctx, nil)
	if err != nil {
		return GCResult{}, err
	}
	if err := s.rlock(); err != nil {
		return GCResult{}, err
	}
	defer s.mu.RUnlock()
	var res GCResult
	for _, c := range dead {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, err := s.sweep(ctx, c)
		if err != nil {
			return res, err
		}
		if n >= 0 {
			res.Blocks++
			res.Bytes += int64(n)
		}
	}
	return res, nil
}

// sweep deletes block c unless it was noted since the collection began;
// it returns the block's size, or -1 when it kept or no longer found it.
func (s *Store) sweep(ctx context.Context, c cid.Cid) (int, error) {
	s.track.mu.Lock()
	defer s.track.mu.Unlock()
	if _, ok := s.track.seen[string(c.Hash())]; ok {
		return -1, nil
	}
	size, err := s.blocks.GetSize(ctx, c)
	if err != nil {
		return -1, nil // gone already
	}
	if err := s.blocks.DeleteBlock(ctx, c); err != nil {
		return -1, fmt.Errorf("pin: gc delete %s: %w", c, err)
	}
	return size, nil
}

// Garbage returns what GC would remove if the pins in without were
// removed first: the blocks no other pin's DAG contains, and their size.
// It changes nothing (assay pin gc --dry-run).
func (s *Store) Garbage(ctx context.Context, without []cid.Cid) (GCResult, error) {
	skip := make(map[string]bool, len(without))
	for _, c := range without {
		skip[c.KeyString()] = true
	}
	dead, err := s.garbage(ctx, skip)
	if err != nil {
		return GCResult{}, err
	}
	if err := s.rlock(); err != nil {
		return GCResult{}, err
	}
	defer s.mu.RUnlock()
	var res GCResult
	for _, c := range dead {
		size, err := s.blocks.GetSize(ctx, c)
		if err != nil {
			continue
		}
		res.Blocks++
		res.Bytes += int64(size)
	}
	return res, nil
}

// garbage lists the blocks, then the live set of every pin not in skip
// (keyed by CID KeyString), each under the shared lock only, and returns
// the blocks listed that are not live.
func (s *Store) garbage(ctx context.Context, skip map[string]bool) ([]cid.Cid, error) {
	if err := s.rlockPins(); err != nil {
		return nil, err
	}
	var all []cid.Cid
	err := s.eachBlock(ctx, func(c cid.Cid) error { all = append(all, c); return nil })
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	if err := s.rlockPins(); err != nil {
		return nil, err
	}
	live, err := s.liveSetSkip(ctx, skip, false)
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	var dead []cid.Cid
	for _, c := range all {
		if !live[string(c.Hash())] {
			dead = append(dead, c)
		}
	}
	return dead, nil
}

// DiskUsage is the space the store's files take on disk (allocated
// blocks, so a small block file counts its file system block); 0 for a
// memory store.
func (s *Store) DiskUsage() (int64, error) {
	if s.dir == "" {
		return 0, nil
	}
	return DirUsage(s.dir)
}

// DirUsage sums the allocated size of every file under dir (like du).
func DirUsage(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errorsIsNotExist(err) {
				return nil // removed while walking (a GC)
			}
			return err
		}
		info, err := d.Info()
		if err != nil {
			if errorsIsNotExist(err) {
				return nil
			}
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		} else {
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("pin: disk usage of %s: %w", dir, err)
	}
	return total, nil
}

// FreeBytes is the space left to unprivileged users on the file system
// that holds the store (0 for a memory store).
func (s *Store) FreeBytes() (uint64, error) {
	if s.dir == "" {
		return 0, nil
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.dir, &st); err != nil {
		return 0, fmt.Errorf("pin: statfs %s: %w", s.dir, err)
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// Dir is the store's directory ("" for a memory store).
func (s *Store) Dir() string { return s.dir }

func errorsIsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
