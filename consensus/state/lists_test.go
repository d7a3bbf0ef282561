package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

// listKV is committed state with one source and the datasets put by
// resolve, written as storeDataset writes them (record and index key).
type listKV struct {
	t  *testing.T
	kv *MemKV
}

func newListKV(t *testing.T, source string) *listKV {
	l := &listKV{t: t, kv: NewMemKV()}
	b, _ := proto.Marshal(&pb.Source{Id: source})
	l.apply(Change{Key: keySource(source), Value: b})
	return l
}

func (l *listKV) apply(cs ...Change) {
	if err := l.kv.Apply(cs); err != nil {
		l.t.Fatal(err)
	}
}

// resolve stores the dataset of round of source, resolved at height.
func (l *listKV) resolve(source string, round, height uint64) {
	b, _ := proto.Marshal(&pb.Dataset{Source: source, Round: round, Status: 1, Height: height, Time: int64(height) * 1e9})
	l.apply(Change{Key: keyDataset(source, round), Value: b}, Change{Key: keyResolved(source, height, round), Value: []byte{}},
		Change{Key: keyRoundIndex(source, round), Value: indexValue}) // its round opened (q/) before it resolved
}

func queryAs[T any](t *testing.T, kv KV, path string) T {
	t.Helper()
	b, err := Query(kv, path)
	if err != nil {
		t.Fatalf("query %s: %v", path, err)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("query %s: %v", path, err)
	}
	return v
}

// TestLatestAmongThousands: with 1,500 datasets of one source stored, the
// newest is the answer of latest and the first item of the first page
// (the old answer was the oldest 1,000, silently), and the first page says
// it is truncated.
func TestLatestAmongThousands(t *testing.T) {
	l := newListKV(t, "btc-usd")
	const n = 1500
	for r := uint64(1); r <= n; r++ {
		l.resolve("btc-usd", 2*r, 2*r+1)
	}
	// newer rounds still open, or closed unresolved: no dataset to answer
	l.apply(Change{Key: keyRoundIndex("btc-usd", 2*n+1), Value: indexValue}, Change{Key: keyRoundIndex("btc-usd", 2*n+3), Value: indexValue})
	latest := queryAs[DatasetView](t, l.kv, PathLatestDataset("btc-usd", ""))
	if latest.Round != 2*n || latest.Height != 2*n+1 || latest.Time != formatTime(int64(2*n+1)*1e9) {
		t.Fatalf("latest %+v, want round %d", latest, 2*n)
	}
	p := queryAs[Page[DatasetView]](t, l.kv, PathDatasets("btc-usd", ListOptions{}))
	if len(p.Items) != DefaultLimit || p.Items[0].Round != 2*n || !p.Truncated || p.Next == "" {
		t.Fatalf("first page: %d items, first %+v, truncated %v next %q", len(p.Items), p.Items[0], p.Truncated, p.Next)
	}
	full := queryAs[Page[DatasetView]](t, l.kv, PathDatasets("btc-usd", ListOptions{Limit: MaxLimit}))
	if len(full.Items) != MaxLimit || full.Items[0].Round != 2*n || full.Items[MaxLimit-1].Round != 2*(n-MaxLimit+1) || !full.Truncated {
		t.Fatalf("page of %d: first %d last %d truncated %v", len(full.Items), full.Items[0].Round, full.Items[len(full.Items)-1].Round, full.Truncated)
	}
	// ranges by round and by resolving height select the same datasets
	byRound := queryAs[Page[DatasetView]](t, l.kv, PathDatasets("btc-usd", ListOptions{From: 100, To: 110}))
	byHeight := queryAs[Page[DatasetView]](t, l.kv, PathDatasets("btc-usd", ListOptions{FromHeight: 101, ToHeight: 111}))
	if len(byRound.Items) != 6 || byRound.Truncated || fmt.Sprint(byRound) != fmt.Sprint(byHeight) {
		t.Fatalf("by round %+v, by height %+v", byRound, byHeight)
	}
}

// TestPagingOutOfOrder: a consumer walks the datasets newest first with
// the cursor, then follows new ones with from_height = the newest height
// it saw + 1, while rounds resolve out of order (round 42 after 46, older
// rounds after newer ones below and above its cursor): it gets every
// dataset exactly once. Paging by round id (the old from = last round + 1)
// loses the late ones.
func TestPagingOutOfOrder(t *testing.T) {
	l := newListKV(t, "feed")
	height := uint64(100)
	resolve := func(rounds ...uint64) { // one block resolving rounds
		height++
		for _, r := range rounds {
			l.resolve("feed", r, height)
		}
	}
	for r := uint64(1); r <= 40; r++ {
		resolve(r)
	}
	resolve(46, 44) // 41, 42, 43, 45 are late
	resolve(47)
	late := [][]uint64{{42}, {41, 48}, {43}, {49, 45}, {50}, {51}, {52}, {53}}
	seen := map[uint64]int{}
	// The consumer's loop: walk [head+1, ∞) newest first with the cursor
	// to its end, then move head to the newest resolving height seen; a
	// block resolves more rounds after every page.
	var head uint64
	for walks := 0; ; walks++ {
		if walks > 20 {
			t.Fatal("following does not end")
		}
		opts, newHead, got := ListOptions{Limit: 7, FromHeight: head + 1}, head, 0
		for i := 0; ; i++ {
			if i > 100 {
				t.Fatal("paging does not end")
			}
			p := queryAs[Page[DatasetView]](t, l.kv, PathDatasets("feed", opts))
			for _, d := range p.Items {
				seen[d.Round]++
				newHead = max(newHead, d.Height)
			}
			got += len(p.Items)
			if len(late) > 0 {
				resolve(late[0]...)
				late = late[1:]
			}
			if !p.Truncated {
				break
			}
			opts.Cursor = p.Next
		}
		head = newHead
		if got == 0 && len(late) == 0 {
			break
		}
	}
	for r := uint64(1); r <= 53; r++ {
		if seen[r] != 1 {
			t.Errorf("round %d seen %d times", r, seen[r])
		}
	}
	if len(seen) != 53 {
		t.Errorf("saw %d rounds, want 53", len(seen))
	}
}

// TestListErrors: bad parameters and cursors are bad queries naming the
// input; an unknown source is NotFound.
func TestListErrors(t *testing.T) {
	l := newListKV(t, "feed")
	l.resolve("feed", 1, 2)
	rc := encodeCursor(cursorRounds, make([]byte, 8))
	for _, tt := range []struct {
		path string
		want error
	}{
		{"datasets/nope", ErrNotFound}, {"datasets/nope/latest", ErrNotFound}, {"rounds/nope", ErrNotFound},
		{"datasets/feed?cursor=" + rc, ErrBadQuery}, // a rounds cursor
		{"datasets/feed?limit=x", ErrBadQuery}, {"rounds/feed?status=ACCEPTED", ErrBadQuery},
		{"evidence?from=3", ErrBadQuery}, {"sources?cursor=!!", ErrBadQuery},
	} {
		if _, err := Query(l.kv, tt.path); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.path, err, tt.want)
		}
	}
}

// TestFormatTime: formatTime agrees with the time package.
func TestFormatTime(t *testing.T) {
	for _, ns := range []int64{0, 1, 1e9, 1_704_067_200_123_456_789, 951_782_400e9 /* 2000-02-29 */, -1, -86_400e9 - 5, 4_102_444_800e9 + 5e8} {
		if got, want := formatTime(ns), time.Unix(0, ns).UTC().Format(time.RFC3339Nano); got != want {
			t.Errorf("formatTime(%d) = %s, want %s", ns, got, want)
		}
	}
}
