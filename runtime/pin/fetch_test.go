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

// stalledFetch starts a replica fetch of root from src into dst whose
// peer stalls: it returns once the fetch is waiting on the network, with
// a func that lets the peer go on and the channel of the fetch's result.
type stalledFetch func(t *testing.T, ctx context.Context, src, dst *Store, root cid.Cid) (release func(), done <-chan error)

// TestReplicaFetchLeavesTheStoreFree: while a replica fetch (bitswap, or
// a gateway's CAR) waits on a slow peer, a concurrent GC starts and ends
// and a job adds and pins content; the fetch then ends with its DAG
// pinned. The fetches held the store's shared lock across the network
// wait, so the GC's exclusive start waited for the peer, and every add
// and pin waited behind the GC.
func TestReplicaFetchLeavesTheStoreFree(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start stalledFetch
	}{
		{"bitswap", stallBitswap},
		{"gateway CAR", stallCAR},
	} {
		t.Run(tc.name, func(t *testing.T) {
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
			release, done := tc.start(t, ctx, src, dst, root)
			defer release() // on failure too, before the stores close: the fetch may hold a lock
			local := assertStoreFree(t, dst)
			release()
			if err := <-done; err != nil {
				t.Fatalf("fetch: %v", err)
			}
			wantPins(t, dst, Pinned{root, "remote"}, Pinned{local, "job"})
			mustGet(t, dst, root, content)
		})
	}
}

// stallBitswap is FetchPinned from a stalledExchange.
func stallBitswap(t *testing.T, ctx context.Context, src, dst *Store, root cid.Cid) (func(), <-chan error) {
	ex := &stalledExchange{src: src, asked: make(chan struct{}, 1), release: make(chan struct{})}
	var once sync.Once
	release := func() { once.Do(func() { close(ex.release) }) }
	done := make(chan error, 1)
	go func() { done <- dst.FetchPinned(ctx, root, "remote", ex) }()
	select {
	case <-ex.asked:
	case err := <-done:
		t.Fatalf("fetch ended before asking the peer: %v", err)
	}
	return release, done
}

// stallCAR is ImportCARPinned from a sender that stops halfway.
func stallCAR(t *testing.T, ctx context.Context, src, dst *Store, root cid.Cid) (func(), <-chan error) {
	var car bytes.Buffer
	if err := src.ExportCAR(ctx, root, &car); err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	half, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(resume) }) }
	go func() {
		b := car.Bytes()
		_, err := pw.Write(b[:len(b)/2])
		close(half)
		<-resume
		if err == nil {
			_, err = pw.Write(b[len(b)/2:])
		}
		pw.CloseWithError(err)
	}()
	done := make(chan error, 1)
	go func() { done <- dst.ImportCARPinned(ctx, pr, root, "remote") }()
	select {
	case <-half:
	case err := <-done:
		t.Fatalf("import ended before half the CAR: %v", err)
	}
	return release, done
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
