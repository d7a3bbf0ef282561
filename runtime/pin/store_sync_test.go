package pin

import (
	"bytes"
	"context"
	"testing"
)

// TestDeferredSync: a store opened without per-block fsync keeps what it
// added across Sync, Close and reopen.
func TestDeferredSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenDeferredSync(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("assay"), 200000) // several blocks
	c, err := s.AddPinned(ctx, bytes.NewReader(data), "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Get(ctx, c)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %v (len %d)", err, len(got))
	}
	if ok, err := s.IsPinned(ctx, c); err != nil || !ok {
		t.Fatalf("pinned = %v, %v", ok, err)
	}
	mem, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if err := mem.Sync(); err != nil {
		t.Fatalf("memory store sync: %v", err)
	}
}
