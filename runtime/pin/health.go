package pin

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	cid "github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
)

// logEvery is how often at most a Store logs each kind of repeated error
// (a failing write, a corrupt block read); it counts the ones it holds back.
const logEvery = time.Minute

// Health is what a Store has met since it was opened: failed writes (a
// full disk above all), corrupt blocks found and corrupt blocks repaired.
// The node exports it as metrics (docs/node.md).
type Health struct {
	// DiskFull is true while the last write to the block files, or to the
	// pin database, failed for lack of space (ENOSPC or EDQUOT). It turns
	// false when a write to the same part succeeds again.
	DiskFull bool
	// WriteErrors counts writes to the block files or the pin database
	// that failed, whatever the cause, including failed reopens of the pin
	// database.
	WriteErrors uint64
	// PinReopens counts reopens of the pin database after a write to it
	// failed (goleveldb keeps a failed journal write's error until it is
	// closed, so the Store reopens it before the next pin operation).
	PinReopens uint64
	// CorruptBlocks counts reads that found a stored block whose bytes do
	// not hash to its CID.
	CorruptBlocks uint64
	// RepairedBlocks counts corrupt blocks rewritten with good bytes when
	// their content was added again.
	RepairedBlocks uint64
}

// health keeps a Store's Health and logs what goes wrong, each kind of
// repeated error at most once per logEvery.
type health struct {
	log atomic.Pointer[slog.Logger]
	now func() time.Time // time.Now; tests replace it before use

	blocksFull, pinsFull          atomic.Bool
	writeErrors, reopens          atomic.Uint64
	corruptBlocks, repairedBlocks atomic.Uint64

	mu   sync.Mutex
	last map[string]time.Time // kind -> when it was last logged
	held map[string]int       // kind -> errors not logged since
}

func newHealth() *health {
	h := &health{now: time.Now, last: map[string]time.Time{}, held: map[string]int{}}
	h.log.Store(slog.Default())
	return h
}

func (h *health) snapshot() Health {
	return Health{
		DiskFull:       h.blocksFull.Load() || h.pinsFull.Load(),
		WriteErrors:    h.writeErrors.Load(),
		PinReopens:     h.reopens.Load(),
		CorruptBlocks:  h.corruptBlocks.Load(),
		RepairedBlocks: h.repairedBlocks.Load(),
	}
}

// wrote records the outcome of a write to part ("blocks" or "pins"),
// whose disk-full state is full. It reports whether the write failed (a
// cancelled or timed-out write does not count).
func (h *health) wrote(part string, full *atomic.Bool, err error) (failed bool) {
	if err == nil {
		if full.Load() && full.CompareAndSwap(true, false) {
			h.log.Load().Warn("pin store: writes succeed again", "part", part)
		}
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	h.writeErrors.Add(1)
	noSpace := isDiskFull(err)
	if noSpace {
		full.Store(true)
	}
	held, ok := h.due("write " + part)
	if !ok {
		return true
	}
	msg := "pin store: write failed; jobs cannot pin until it succeeds again"
	if noSpace {
		msg = "pin store: disk full; jobs cannot pin until space is freed (pinning resumes by itself)"
	}
	h.log.Load().Error(msg, "part", part, "err", err, "failures_not_logged", held)
	return true
}

// corrupt records a block read whose bytes do not hash to c.
func (h *health) corrupt(c cid.Cid) {
	h.corruptBlocks.Add(1)
	if held, ok := h.due("corrupt"); ok {
		h.log.Load().Error("pin store: corrupt block; adding its content again repairs it",
			"cid", c.String(), "corrupt_not_logged", held)
	}
}

// repaired records a corrupt block rewritten with good bytes.
func (h *health) repaired(c cid.Cid) {
	h.repairedBlocks.Add(1)
	h.log.Load().Warn("pin store: repaired corrupt block", "cid", c.String())
}

// due reports whether an error of kind may be logged now, and how many
// of that kind were held back since the last one logged.
func (h *health) due(kind string) (held int, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	if last, seen := h.last[kind]; seen && now.Sub(last) < logEvery {
		h.held[kind]++
		return 0, false
	}
	held = h.held[kind]
	h.last[kind], h.held[kind] = now, 0
	return held, true
}

// isDiskFull reports whether err says the file system is out of space or
// quota.
func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	// some layers flatten errors to text (%v)
	msg := err.Error()
	return strings.Contains(msg, syscall.ENOSPC.Error()) || strings.Contains(msg, syscall.EDQUOT.Error())
}

// watchedDS reports the outcome of every write to a datastore.
type watchedDS struct {
	ds.Batching
	report func(error)
}

func (d watchedDS) Put(ctx context.Context, k ds.Key, v []byte) error {
	err := d.Batching.Put(ctx, k, v)
	d.report(err)
	return err
}

func (d watchedDS) Delete(ctx context.Context, k ds.Key) error {
	err := d.Batching.Delete(ctx, k)
	d.report(err)
	return err
}

func (d watchedDS) Sync(ctx context.Context, prefix ds.Key) error {
	err := d.Batching.Sync(ctx, prefix)
	if err != nil {
		d.report(err)
	}
	return err
}

func (d watchedDS) Batch(ctx context.Context) (ds.Batch, error) {
	b, err := d.Batching.Batch(ctx)
	if err != nil {
		d.report(err)
		return nil, err
	}
	return watchedBatch{b, d.report}, nil
}

// watchedBatch reports the outcome of its commit.
type watchedBatch struct {
	ds.Batch
	report func(error)
}

func (b watchedBatch) Commit(ctx context.Context) error {
	err := b.Batch.Commit(ctx)
	b.report(err)
	return err
}
