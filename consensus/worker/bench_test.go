package worker

import (
	"context"
	"fmt"
	"testing"

	"github.com/assaynet/assay/runtime/pin"
)

// BenchmarkJob measures one assignment end to end on this machine: HTTP
// fetch from loopback, pin input, run echo.wasm, pin output, salt and
// journal (fsync). Yardstick: hashing the same input to its CID, the
// least any job must do.
//
//	go test ./consensus/worker -run '^$' -bench Job -benchtime 200x
func BenchmarkJob(b *testing.B) {
	f := newFixtureB(b)
	w := f.newWorkerB(b, 0, b.TempDir())
	_, rounds, err := f.chain.Assigned(context.Background(), w.operator)
	if err != nil || len(rounds) == 0 {
		b.Fatalf("no rounds: %v", err)
	}
	b.Run("job", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r := rounds[0]
			r.Round = uint64(1_000_000 + i) // a fresh journal entry each time
			if _, err := w.execute(context.Background(), r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("yardstick-cid", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := pin.SumBytes(fmt.Appendf(nil, "%s%d", f.input, i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkJournalPut measures one durable journal write (a synced
// leveldb write).
func BenchmarkJournalPut(b *testing.B) {
	j, err := OpenJournal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	salt := make([]byte, 32)
	for i := 0; i < b.N; i++ {
		if _, err := j.Put(Entry{Source: "s", Round: uint64(i), Status: 1, Salt: salt}); err != nil {
			b.Fatal(err)
		}
	}
}
