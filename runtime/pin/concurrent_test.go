package pin

import (
	"context"
	"fmt"
	"sync"
	"testing"

	cid "github.com/ipfs/go-cid"
)

// TestConcurrentAdds runs adds of the same and of different data, pins,
// reads and GCs from several goroutines at once (run it under -race).
func TestConcurrentAdds(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	defer s.Close()

	const workers, rounds = 6, 4
	same := data(t, "same", ChunkSize+123)
	sameCID, err := SumBytes(same)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, workers*rounds)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				errs <- concurrentRound(ctx, s, w, r, same, sameCID)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}

	if _, err := s.GC(ctx); err != nil {
		t.Fatalf("final GC: %v", err)
	}
	mustGet(t, s, sameCID, same)
	for w := range workers {
		for r := range rounds {
			b := data(t, fmt.Sprintf("diff-%d-%d", w, r), 1000*(w+1)+r)
			c, _ := SumBytes(b)
			mustGet(t, s, c, b)
		}
	}
}

// concurrentRound adds and pins the shared data and one worker-specific
// blob, adds one unpinned blob, reads the pinned ones back, and runs a GC on every other round.
func concurrentRound(ctx context.Context, s *Store, w, r int, same []byte, sameCID cid.Cid) error {
	c, err := s.AddPinned(ctx, bytesReader(same), "same")
	if err != nil || !c.Equals(sameCID) {
		return fmt.Errorf("worker %d: add same = %s, %v; want %s", w, c, err, sameCID)
	}
	// Unpinned adds race with GC by design: only the CID is checked.
	loose := same[:ChunkSize/2+w]
	wantLoose, _ := SumBytes(loose)
	if c, err := s.AddBytes(ctx, loose); err != nil || !c.Equals(wantLoose) {
		return fmt.Errorf("worker %d: add loose = %s, %v; want %s", w, c, err, wantLoose)
	}
	b, _ := readAllGenerated(fmt.Sprintf("diff-%d-%d", w, r), 1000*(w+1)+r)
	d, err := s.AddPinned(ctx, bytesReader(b), fmt.Sprintf("w%d", w))
	if err != nil {
		return fmt.Errorf("worker %d: add different: %w", w, err)
	}
	for _, x := range []struct {
		c    cid.Cid
		want []byte
	}{{sameCID, same}, {d, b}} {
		got, err := s.Get(ctx, x.c)
		if err != nil || string(got) != string(x.want) {
			return fmt.Errorf("worker %d: read back %s: %d bytes, %v", w, x.c, len(got), err)
		}
	}
	if (w+r)%2 == 0 {
		if _, err := s.GC(ctx); err != nil {
			return fmt.Errorf("worker %d: gc: %w", w, err)
		}
	}
	return nil
}
