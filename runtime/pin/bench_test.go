package pin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	ipfspinner "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	cid "github.com/ipfs/go-cid"
	leveldb "github.com/ipfs/go-ds-leveldb"
)

// benchSize is the payload of the throughput benchmarks (issue 3: 64 MiB).
const benchSize = 64 << 20

// benchData returns benchSize deterministic pseudo-random bytes.
func benchData(b *testing.B) []byte {
	b.Helper()
	buf := make([]byte, benchSize)
	r := rand.NewChaCha8([32]byte{'a', 's', 's', 'a', 'y'})
	if _, err := io.ReadFull(r, buf); err != nil {
		b.Fatal(err)
	}
	return buf
}

// cost is the wall and CPU time spent in one measured part of a benchmark.
type cost struct{ wall, cpu time.Duration }

// measure adds the wall and process CPU time of fn to c.
func (c *cost) measure(fn func()) {
	wall, cpu := time.Now(), cpuTime()
	fn()
	c.wall += time.Since(wall)
	c.cpu += cpuTime() - cpu
}

// yardstick is crypto/sha256 over the same bytes: the physical limit of
// an import, which must hash every byte once.
func yardstick(c *cost, data []byte) {
	c.measure(func() { sha256.Sum256(data) })
}

// reportThroughput reports MB/s of the measured operation and of the
// sha256 yardstick, and their ratios (sha256 time / operation time; 1.0 =
// as fast as hashing alone) in wall time and in CPU time. The machine may
// be shared: the CPU ratio is the steadier one there.
func reportThroughput(b *testing.B, op, sha cost) {
	mbps := func(d time.Duration) float64 {
		return float64(b.N) * benchSize / 1e6 / d.Seconds()
	}
	b.ReportMetric(mbps(op.wall), "MB/s")
	b.ReportMetric(mbps(sha.wall), "sha256-MB/s")
	b.ReportMetric(sha.wall.Seconds()/op.wall.Seconds(), "x-sha256")
	if op.cpu > 0 {
		b.ReportMetric(sha.cpu.Seconds()/op.cpu.Seconds(), "x-sha256-cpu")
	}
}

// BenchmarkSum64MiB: CIDv1 of 64 MiB without storing, vs crypto/sha256.
func BenchmarkSum64MiB(b *testing.B) {
	data := benchData(b)
	b.SetBytes(benchSize)
	var op, sha cost
	for b.Loop() {
		yardstick(&sha, data)
		var err error
		op.measure(func() { _, err = SumBytes(data) })
		if err != nil {
			b.Fatal(err)
		}
	}
	reportThroughput(b, op, sha)
}

// BenchmarkImportMemory64MiB: Add of 64 MiB into an in-memory store, vs
// crypto/sha256 (issue 3 goal: ≥ 0.9×).
func BenchmarkImportMemory64MiB(b *testing.B) {
	data := benchData(b)
	b.SetBytes(benchSize)
	var op, sha cost
	for b.Loop() {
		s, err := OpenMemory()
		if err != nil {
			b.Fatal(err)
		}
		yardstick(&sha, data)
		op.measure(func() { _, err = s.AddBytes(context.Background(), data) })
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	reportThroughput(b, op, sha)
}

// BenchmarkImportFlatfs64MiB: AddPinned of 64 MiB into a fresh persistent
// store (flatfs, leveldb pins), vs crypto/sha256; with fsync of every block
// file (what Open does) and without.
func BenchmarkImportFlatfs64MiB(b *testing.B) {
	for _, sync := range []bool{true, false} {
		b.Run(fmt.Sprintf("fsync=%v", sync), func(b *testing.B) { benchImportFlatfs(b, sync) })
	}
}

func benchImportFlatfs(b *testing.B, syncFiles bool) {
	data := benchData(b)
	b.SetBytes(benchSize)
	var op, sha cost
	for b.Loop() {
		s, err := openDir(b.TempDir(), syncFiles)
		if err != nil {
			b.Fatal(err)
		}
		yardstick(&sha, data)
		op.measure(func() { _, err = s.AddPinned(context.Background(), bytes.NewReader(data), "bench") })
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	reportThroughput(b, op, sha)
}

// BenchmarkReadFlatfs64MiB: streaming read-back (every block hash-checked)
// of 64 MiB from a persistent store, vs crypto/sha256.
func BenchmarkReadFlatfs64MiB(b *testing.B) {
	data := benchData(b)
	s := openT(b, b.TempDir())
	defer s.Close()
	ctx := context.Background()
	c, err := s.AddPinned(ctx, bytes.NewReader(data), "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchSize)
	var op, sha cost
	for b.Loop() {
		yardstick(&sha, data)
		var n int64
		op.measure(func() { n, err = catAll(ctx, s, c) })
		if err != nil || n != benchSize {
			b.Fatalf("read %d bytes, %v", n, err)
		}
	}
	reportThroughput(b, op, sha)
}

// catAll streams c to io.Discard and returns the byte count.
func catAll(ctx context.Context, s *Store, c cid.Cid) (int64, error) {
	f, err := s.Cat(ctx, c)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(io.Discard, f)
}

// BenchmarkRepinFlatfs64MiB: AddPinned of 64 MiB that the persistent
// store already holds (the worker re-pinning an output it pinned before),
// vs crypto/sha256. Each block already on disk is read back and compared
// with the new bytes, so a corrupted copy is rewritten (issue: repair on
// re-pin).
func BenchmarkRepinFlatfs64MiB(b *testing.B) {
	data := benchData(b)
	s, err := openDir(b.TempDir(), false)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.AddPinned(ctx, bytes.NewReader(data), "first"); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchSize)
	var op, sha cost
	for b.Loop() {
		yardstick(&sha, data)
		op.measure(func() { _, err = s.AddPinned(ctx, bytes.NewReader(data), "again") })
		if err != nil {
			b.Fatal(err)
		}
	}
	reportThroughput(b, op, sha)
}

// BenchmarkPinSmall: what pinning adds to a job's small output (200
// bytes, one block, as the worker pins per job), with the store's pin set
// and with boxo's dspinner (which the pin set replaced), against the
// import alone in the same loop, all on deferred-sync stores on disk.
// Reported: µs of CPU per op for each, and each pin's extra CPU over the
// import (pin-set-extra-us, dspinner-extra-us).
func BenchmarkPinSmall(b *testing.B) {
	ctx := context.Background()
	s, err := openDir(b.TempDir(), false)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	old, closeOld := openDSPinner(b, s)
	defer closeOld()
	payload := func(i int, kind string) []byte { return fmt.Appendf(make([]byte, 0, 200), "%s %0190d", kind, i) }
	var add, set, dsp cost
	i := 0
	for b.Loop() {
		i++
		add.measure(func() { _, err = s.Add(ctx, bytes.NewReader(payload(i, "add"))) })
		if err != nil {
			b.Fatal(err)
		}
		set.measure(func() { _, err = s.AddPinned(ctx, bytes.NewReader(payload(i, "set")), "feed/1") })
		if err != nil {
			b.Fatal(err)
		}
		dsp.measure(func() {
			var c cid.Cid
			if c, err = s.Add(ctx, bytes.NewReader(payload(i, "dsp"))); err == nil {
				if err = old.PinWithMode(ctx, c, ipfspinner.Recursive, "feed/1"); err == nil {
					err = old.Flush(ctx)
				}
			}
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	us := func(c cost) float64 { return float64(c.cpu.Microseconds()) / float64(b.N) }
	b.ReportMetric(us(add), "add-us")
	b.ReportMetric(us(set), "pin-set-us")
	b.ReportMetric(us(dsp), "dspinner-us")
	b.ReportMetric(us(set)-us(add), "pin-set-extra-us")
	b.ReportMetric(us(dsp)-us(add), "dspinner-extra-us")
}

// openDSPinner opens boxo's dspinner over an unsynced leveldb of its own,
// over s's blocks.
func openDSPinner(b *testing.B, s *Store) (ipfspinner.Pinner, func()) {
	b.Helper()
	d, err := leveldb.NewDatastore(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	p, err := dspinner.New(context.Background(), unsyncedLevelDB{d}, s.dag)
	if err != nil {
		b.Fatal(err)
	}
	return p, func() { _ = p.Close(); _ = d.Close() }
}
