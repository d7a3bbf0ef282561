package replica

import (
	"path/filepath"
	"testing"

	"github.com/assaynet/assay/consensus/state"
)

// TestCursorStaysBelowPending: the saved cursor never passes a dataset
// that is queued or in flight, so a restart lists it again; a new
// Replicator resumes from the saved cursor.
func TestCursorStaysBelowPending(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cursor")
	r := New(Config{Store: store(t), CursorFile: file})
	a := state.DatasetView{Source: "a", Round: 3, Height: 5}
	b := state.DatasetView{Source: "b", Round: 6, Height: 8}
	r.pending[pendingKey(a)], r.pending[pendingKey(b)] = a.Height, b.Height
	r.scanned = 10
	steps := []struct {
		done string
		want uint64
	}{
		{"", 4},             // below a
		{pendingKey(b), 4},  // b done, a still pending
		{pendingKey(a), 10}, // nothing pending: the scanned height
	}
	for _, s := range steps {
		delete(r.pending, s.done)
		if err := r.advance(); err != nil {
			t.Fatal(err)
		}
		if got := r.Stats().Cursor; got != s.want {
			t.Fatalf("after %q done: cursor %d, want %d", s.done, got, s.want)
		}
		again := New(Config{CursorFile: file})
		if got, err := again.loadCursor(); err != nil || got != s.want {
			t.Fatalf("restart after %q done: cursor %d (%v), want %d", s.done, got, err, s.want)
		}
	}
}
