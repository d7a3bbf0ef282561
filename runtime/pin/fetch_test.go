package pin

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	blocks "github.com/ipfs/go-block-format"
	cid "github.com/ipfs/go-cid"
)

// stalledExchange serves the blocks of a source store, but each request
// first reports itself on asked and then waits for release: a peer that
// answers slowly (or, with release never closed, not at all).
type stalledExchange struct {
	src     *Store
	asked   chan struct{}
	release chan struct{}
}

func (e *stalledExchange) GetBlock(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	select {
	case e.asked <- struct{}{}:
	default:
	}
	select {
	case <-e.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return e.src.blocks.Get(ctx, c)
}

func (e *stalledExchange) GetBlocks(ctx context.Context, cs []cid.Cid) (<-chan blocks.Block, error) {
	out := make(chan blocks.Block, len(cs))
	go func() {
		defer close(out)
		for _, c := range cs {
			b, err := e.GetBlock(ctx, c)
			if err != nil {
				return
			}
			out <- b
		}
	}()
	return out, nil
}

func (e *stalledExchange) NotifyNewBlocks(context.Context, ...blocks.Block) error { return nil }
func (e *stalledExchange) Close() error                                           { return nil }

// TestFetchLeavesTheStoreFree: while a fetch waits on a slow peer, a
// concurrent GC starts and ends and a job adds and pins content; the
// fetch then ends with its DAG pinned. FetchPinned held the store's
// shared lock across the network wait, so the GC's exclusive start
// waited for the peer, and every add and pin waited behind the GC.
func TestFetchLeavesTheStoreFree(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src, dst := openT(t, t.TempDir()), openT(t, t.TempDir())
	defer src.Close()
	defer dst.Close()
	content := data(t, "remote", 3*ChunkSize)
	root, err := src.Add(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	ex := &stalledExchange{src: src, asked: make(chan struct{}, 1), release: make(chan struct{})}
	var once sync.Once
	release := func() { once.Do(func() { close(ex.release) }) }
	defer release() // on failure too, before the stores close: the fetch may hold a lock
	fetched := make(chan error, 1)
	go func() { fetched <- dst.FetchPinned(ctx, root, "remote", ex) }()
	select {
	case <-ex.asked:
	case err := <-fetched:
		t.Fatalf("fetch ended before asking the peer: %v", err)
	}

	local := assertStoreFree(t, dst)
	release()
	if err := <-fetched; err != nil {
		t.Fatalf("FetchPinned: %v", err)
	}
	wantPins(t, dst, Pinned{root, "remote"}, Pinned{local, "job"})
	mustGet(t, dst, root, content)
}

// assertStoreFree runs a GC and then a job's add and pin on s, while a
// fetch into s is stalled on the network, and returns the pin's root.
func assertStoreFree(t *testing.T, s *Store) cid.Cid {
	t.Helper()
	ctx := context.Background()
	gcDone := make(chan error, 1)
	go func() { _, err := s.CollectConcurrent(ctx); gcDone <- err }()
	select {
	case err := <-gcDone:
		if err != nil {
			t.Fatalf("GC during the fetch: %v", err)
		}
	case <-time.After(20 * time.Second): // a bound on failure, not a wait for success
		t.Fatal("the GC waited for a fetch stalled on the network")
	}
	c, err := s.AddPinned(ctx, bytes.NewReader([]byte("a job's output")), "job")
	if err != nil {
		t.Fatalf("AddPinned during the fetch: %v", err)
	}
	return c
}

// TestCARImportLeavesTheStoreFree: ImportCARPinned (the replicator's
// gateway fallback) reading a CAR whose sender stalls halfway lets a GC
// and a job's pin run meanwhile, and pins the whole DAG once the rest
// arrives.
func TestCARImportLeavesTheStoreFree(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src, dst := openT(t, t.TempDir()), openT(t, t.TempDir())
	defer src.Close()
	defer dst.Close()
	content := data(t, "remote car", 3*ChunkSize)
	root, err := src.Add(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	var car bytes.Buffer
	if err := src.ExportCAR(ctx, root, &car); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	half := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	releaseOnce := func() { once.Do(func() { close(release) }) }
	defer releaseOnce()
	go func() {
		b := car.Bytes()
		_, err := pw.Write(b[:len(b)/2])
		close(half)
		<-release
		if err == nil {
			_, err = pw.Write(b[len(b)/2:])
		}
		pw.CloseWithError(err)
	}()
	imported := make(chan error, 1)
	go func() { imported <- dst.ImportCARPinned(ctx, pr, root, "remote") }()
	select {
	case <-half:
	case err := <-imported:
		t.Fatalf("import ended before half the CAR: %v", err)
	}
	local := assertStoreFree(t, dst)
	releaseOnce()
	if err := <-imported; err != nil {
		t.Fatalf("ImportCARPinned: %v", err)
	}
	wantPins(t, dst, Pinned{root, "remote"}, Pinned{local, "job"})
	mustGet(t, dst, root, content)
}
