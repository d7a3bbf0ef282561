package pin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	cid "github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	"golang.org/x/sys/unix"
)

// mountTmpfs mounts a tmpfs of size (mount(8) syntax: "1m") on a fresh
// directory, unmounted when the test ends. It skips the test where the
// process may not mount.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			t.Skipf("cannot mount a tmpfs here (needs CAP_SYS_ADMIN): %v", err)
		}
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillDisk appends to a file under dir until the file system is full.
// Calling it again takes back whatever was freed since (a background
// compaction that failed and removed its partial file, say).
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "filler"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for range 1 << 14 { // at most 1 GiB
		if _, err = f.Write(chunk); err != nil {
			break
		}
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling %s: err %v, want ENOSPC", dir, err)
	}
}

// TestPinningRecoversAfterDiskFull: the pin store on a 1 MB tmpfs that
// fills up. Pinning fails (disk full, said loudly) and starts working
// again, with no restart, once the tmpfs grows to 20 MB; every pin made
// before or after is kept. goleveldb keeps a failed journal write's
// error, so without a reopen every later pin failed until a restart.
func TestPinningRecoversAfterDiskFull(t *testing.T) {
	for _, syncFiles := range []bool{false, true} { // the node's OpenDeferredSync, Open
		t.Run(fmt.Sprintf("fsync=%v", syncFiles), func(t *testing.T) {
			ctx := context.Background()
			mnt := mountTmpfs(t, "1m")
			dir := filepath.Join(mnt, "store")
			s, err := openDir(dir, syncFiles)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { s.Close() }()
			// small contents whose blocks are stored before the disk fills,
			// so pinning them writes to the pin database only
			const n = 40
			var roots []cid.Cid
			for i := range n {
				c, err := s.AddBytes(ctx, []byte(fmt.Sprintf("content %d", i)))
				if err != nil {
					t.Fatal(err)
				}
				roots = append(roots, c)
			}
			fillDisk(t, mnt)

			pinned := map[string]cid.Cid{} // name -> root of every pin that succeeded
			// a pin whose call failed may or may not have reached the
			// database (the write can land before the error): either is
			// allowed, as after a crash
			failed := map[string]cid.Cid{}
			next := 0
			var pinErr error
			for ; next < n && pinErr == nil; next++ {
				fillDisk(t, mnt)
				name := fullDiskPinName(next)
				if pinErr = s.Pin(ctx, roots[next], name); pinErr == nil {
					pinned[name] = roots[next]
				} else {
					failed[name] = roots[next]
				}
			}
			if pinErr == nil {
				t.Fatalf("%d pins on a full disk all succeeded", n)
			}
			if !strings.Contains(pinErr.Error(), "no space left on device") {
				t.Fatalf("pin on a full disk: %v, want no space left on device", pinErr)
			}
			if h := s.Health(); !h.DiskFull || h.WriteErrors == 0 {
				t.Fatalf("disk full: Health %+v, want DiskFull and WriteErrors", h)
			}
			fillDisk(t, mnt)
			if err := s.Pin(ctx, roots[next], "still-full"); err == nil {
				t.Fatal("pin succeeded while the disk is still full")
			}
			failed["still-full"] = roots[next]

			if err := unix.Mount("tmpfs", mnt, "tmpfs", unix.MS_REMOUNT, "size=20m"); err != nil {
				t.Fatalf("grow tmpfs: %v", err)
			}
			for ; next < n; next++ {
				name := fullDiskPinName(next)
				if err := s.Pin(ctx, roots[next], name); err != nil {
					t.Fatalf("pin %s after space returned: %v", name, err)
				}
				pinned[name] = roots[next]
			}
			big := data(t, "after", 3*ChunkSize)
			c, err := s.AddPinned(ctx, bytes.NewReader(big), "big")
			if err != nil {
				t.Fatalf("AddPinned after space returned: %v", err)
			}
			pinned["big"] = c
			if h := s.Health(); h.DiskFull || h.PinReopens == 0 {
				t.Fatalf("space returned: Health %+v, want !DiskFull, PinReopens > 0", h)
			}
			assertPins(t, s, pinned, failed)
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if s, err = openDir(dir, syncFiles); err != nil {
				t.Fatal(err)
			}
			assertPins(t, s, pinned, failed)
			mustGet(t, s, c, big)
		})
	}
}

// fullDiskPinName names the i-th pin of TestPinningRecoversAfterDiskFull.
// A pin is one small database record, and a full tmpfs still takes
// writes into the last page of a file it has already allocated (up to
// 4 KiB), and space that a failed background write frees comes back:
// 40 pins with short names could fit there, and then no pin failed (seen
// in CI). Names of 1 KiB make the 40 pins need ten times that page, and
// the test fills the disk again before each pin.
func fullDiskPinName(i int) string {
	return fmt.Sprintf("p%d-%s", i, strings.Repeat("x", 1<<10))
}

// assertPins checks that s holds every pin of want, and no other pin
// except, with the same root, those of maybe.
func assertPins(t *testing.T, s *Store, want, maybe map[string]cid.Cid) {
	t.Helper()
	ctx := context.Background()
	list, err := s.ListPins(ctx)
	if err != nil {
		t.Fatalf("ListPins: %v", err)
	}
	got := map[string]cid.Cid{}
	for _, p := range list {
		got[p.Name] = p.Cid
	}
	for name, c := range got {
		if _, ok := want[name]; ok {
			continue
		}
		if m, ok := maybe[name]; !ok || !m.Equals(c) {
			t.Errorf("unexpected pin %s: %s", name, c)
		}
	}
	for name, c := range want {
		if !got[name].Equals(c) {
			t.Errorf("pin %s: %s, want %s", name, got[name], c)
		}
		if _, err := s.Get(ctx, c); err != nil {
			t.Errorf("Get pin %s: %v", name, err)
		}
	}
}

// fakeDisk is the shared state of faultyDS instances: whether the disk
// they write to is full.
type fakeDisk struct{ full atomic.Bool }

// faultyDS fails writes as goleveldb does when its disk fills: the first
// write made while the disk is full fails with ENOSPC, and so does every
// later one, even after space returns, until the database is reopened (a
// new faultyDS).
type faultyDS struct {
	ds.Batching
	disk   *fakeDisk
	mu     sync.Mutex
	broken error
}

func (d *faultyDS) fault() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.broken == nil && d.disk.full.Load() {
		d.broken = &fs.PathError{Op: "write", Path: "pins/000018.log", Err: syscall.ENOSPC}
	}
	return d.broken
}

func (d *faultyDS) Put(ctx context.Context, k ds.Key, v []byte) error {
	if err := d.fault(); err != nil {
		return err
	}
	return d.Batching.Put(ctx, k, v)
}

func (d *faultyDS) Delete(ctx context.Context, k ds.Key) error {
	if err := d.fault(); err != nil {
		return err
	}
	return d.Batching.Delete(ctx, k)
}

func (d *faultyDS) Batch(ctx context.Context) (ds.Batch, error) {
	b, err := d.Batching.Batch(ctx)
	if err != nil {
		return nil, err
	}
	return faultyBatch{b, d}, nil
}

type faultyBatch struct {
	ds.Batch
	d *faultyDS
}

func (b faultyBatch) Commit(ctx context.Context) error {
	if err := b.d.fault(); err != nil {
		return err
	}
	return b.Batch.Commit(ctx)
}

// openFaulty opens a deferred-sync store in dir (as the node does) whose
// pin database fails on disk.
func openFaulty(t *testing.T, dir string, disk *fakeDisk) *Store {
	t.Helper()
	s, err := openDirWith(dir, false, func(b ds.Batching) ds.Batching {
		return &faultyDS{Batching: b, disk: disk}
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPinningRecoversAfterInjectedWriteFault: concurrent jobs pin while
// the pin database's disk fills and empties again (run it under -race).
// While it is full every pin fails with the disk-full error; once it has
// space every pin succeeds, with no restart; reads never stop; and no pin
// made before the fault is lost.
func TestPinningRecoversAfterInjectedWriteFault(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	disk := &fakeDisk{}
	s := openFaulty(t, dir, disk)
	defer func() { s.Close() }()
	base := data(t, "base", ChunkSize+1)
	baseCID, err := s.AddPinned(ctx, bytes.NewReader(base), "base")
	if err != nil {
		t.Fatal(err)
	}
	pinned := map[string]cid.Cid{"base": baseCID}

	const workers = 4
	// round runs one pin per worker and one read per worker at once and
	// returns the pin errors by name.
	round := func(r int) map[string]error {
		var mu sync.Mutex
		errs := map[string]error{}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(2)
			go func() {
				defer wg.Done()
				name := fmt.Sprintf("w%d/r%d", w, r)
				c, err := s.AddPinned(ctx, bytes.NewReader([]byte(name)), name)
				mu.Lock()
				defer mu.Unlock()
				errs[name] = err
				if err == nil {
					pinned[name] = c
				}
			}()
			go func() {
				defer wg.Done()
				if _, err := s.Get(ctx, baseCID); err != nil {
					t.Errorf("read during round %d: %v", r, err)
				}
			}()
		}
		wg.Wait()
		return errs
	}

	for name, err := range round(0) {
		if err != nil {
			t.Fatalf("pin %s before the fault: %v", name, err)
		}
	}
	disk.full.Store(true)
	for name, err := range round(1) {
		if err == nil || !isDiskFull(err) {
			t.Fatalf("pin %s on a full disk: err %v, want no space left on device", name, err)
		}
	}
	if h := s.Health(); !h.DiskFull || h.WriteErrors < workers {
		t.Fatalf("disk full: Health %+v, want DiskFull, WriteErrors >= %d", h, workers)
	}
	disk.full.Store(false)
	for name, err := range round(2) {
		if err != nil {
			t.Fatalf("pin %s after space returned: %v", name, err)
		}
	}
	if h := s.Health(); h.DiskFull || h.PinReopens == 0 {
		t.Fatalf("space returned: Health %+v, want !DiskFull, PinReopens > 0", h)
	}
	assertPins(t, s, pinned, nil) // the injected fault fails a write whole
	if _, err := s.GC(ctx); err != nil {
		t.Fatalf("GC: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = openT(t, dir)
	assertPins(t, s, pinned, nil) // the injected fault fails a write whole
}

// recordingHandler keeps the slog records it is given.
type recordingHandler struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler            { return h }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

// errors returns the messages of the error records so far.
func (h *recordingHandler) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.records {
		if r.Level >= slog.LevelError {
			out = append(out, r.Message)
		}
	}
	return out
}

// TestDiskFullLogsOncePerMinute: a full disk is logged at error level at
// once, then at most once a minute however many pins fail.
func TestDiskFullLogsOncePerMinute(t *testing.T) {
	ctx := context.Background()
	disk := &fakeDisk{}
	s := openFaulty(t, t.TempDir(), disk)
	defer s.Close()
	logs := &recordingHandler{}
	s.SetLogger(slog.New(logs))
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s.health.now = func() time.Time { return now }

	disk.full.Store(true)
	for i := range 5 {
		if _, err := s.AddPinned(ctx, bytes.NewReader([]byte{byte(i)}), "x"); err == nil {
			t.Fatal("pin on a full disk succeeded")
		}
	}
	if got := logs.errors(); len(got) != 1 || !strings.Contains(got[0], "disk full") {
		t.Fatalf("after 5 failed pins within a minute: error logs %q, want one saying disk full", got)
	}
	now = now.Add(59 * time.Second)
	if _, err := s.AddPinned(ctx, bytes.NewReader([]byte("a")), "x"); err == nil {
		t.Fatal("pin on a full disk succeeded")
	}
	if got := logs.errors(); len(got) != 1 {
		t.Fatalf("59 s later: %d error logs, want 1", len(got))
	}
	now = now.Add(2 * time.Second)
	if _, err := s.AddPinned(ctx, bytes.NewReader([]byte("b")), "x"); err == nil {
		t.Fatal("pin on a full disk succeeded")
	}
	if got := logs.errors(); len(got) != 2 {
		t.Fatalf("61 s later: %d error logs, want 2", len(got))
	}
}
