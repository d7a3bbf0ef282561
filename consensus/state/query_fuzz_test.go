package state

import (
	"encoding/json"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

// FuzzQuery feeds arbitrary paths (with arbitrary cursors, limits and
// ranges) to Query and RecordKey over a state holding one source with 60
// datasets: every answer is an error of the query kinds (not found, bad
// query) or valid JSON, never a panic or an internal error.
func FuzzQuery(f *testing.F) {
	kv := NewMemKV()
	src, _ := proto.Marshal(&pb.Source{Id: "feed"})
	changes := []Change{{Key: keySource("feed"), Value: src}}
	for r := uint64(1); r <= 60; r++ {
		h := 100 + r + r%7 // some rounds resolve late
		d, _ := proto.Marshal(&pb.Dataset{Source: "feed", Round: r, Status: 1, Height: h, Time: int64(h) * 1e9})
		changes = append(changes, Change{Key: keyDataset("feed", r), Value: d}, Change{Key: keyResolved("feed", h, r), Value: []byte{}})
	}
	if err := kv.Apply(changes); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"datasets/feed", "datasets/feed?limit=7", "datasets/feed?limit=7&cursor=AAAA",
		"datasets/feed?from_height=120&to_height=110", "datasets/feed/latest?status=ACCEPTED",
		"rounds/feed?cursor=%ff%00", "evidence?limit=0", "sources?limit=1001", "round/feed/3",
		"dataset/feed/3", "key/00ff", "datasets/feed?limit=-1&from=18446744073709551615",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		b, err := Query(kv, path)
		switch {
		case err == nil && !json.Valid(b):
			t.Fatalf("%q: invalid JSON %q", path, b)
		case err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrBadQuery):
			t.Fatalf("%q: error of no query kind: %v", path, err)
		}
		if key, err := RecordKey(path); err == nil && len(key) == 0 {
			t.Fatalf("%q: empty record key", path)
		}
	})
}
