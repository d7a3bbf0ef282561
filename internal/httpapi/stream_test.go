package httpapi_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/apitest"
)

// cursorOf is the stream id of dataset d.
func cursorOf(d state.DatasetView) string { return fmt.Sprintf("%d.%d", d.Height, d.Round) }

// chainOrder lists every dataset of apitest.Source resolved at heights
// up to top, oldest first, through the paged list.
func chainOrder(ctx context.Context, t *testing.T, c *consumer.Client, top uint64) []state.DatasetView {
	t.Helper()
	var all []state.DatasetView
	o := state.ListOptions{Limit: 7, ToHeight: top} // small pages: the cursor is walked too
	for range 1000 {
		p, err := c.Datasets(ctx, apitest.Source, o)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Items...)
		if !p.Truncated {
			slices.Reverse(all)
			return all
		}
		o.Cursor = p.Next
	}
	t.Fatal("too many pages")
	return nil
}

// errEnough ends a Watch in the tests.
var errEnough = errors.New("enough")

// TestStreamExactlyOnceAcrossCut follows the stream from the first
// dataset through a proxy that cuts the connection twice (once while the
// stream replays the past, once while it follows new blocks): the
// datasets arrive in resolution order, each once, and are exactly the
// chain's list (up to the last one received).
func TestStreamExactlyOnceAcrossCut(t *testing.T) {
	d, direct, past := apitest.StartClient(t, 3)
	u, _ := url.Parse(d.Nodes[0].API)
	proxy := apitest.NewProxy(t, u.Host)
	var retries atomic.Int32
	c, err := consumer.NewClient(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	c = c.WithRetry(10*time.Millisecond, 100*time.Millisecond).WithRetryHook(func(error, string) { retries.Add(1) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var got []consumer.WatchEvent
	live := len(past) + 2 // by then the replay is over
	err = c.Watch(ctx, apitest.Source, "0", func(ev consumer.WatchEvent) error {
		got = append(got, ev)
		switch len(got) {
		case 2, live:
			if proxy.Cut() == 0 {
				t.Errorf("event %d: no connection to cut", len(got))
			}
		case live + 4:
			return errEnough
		}
		return nil
	})
	if !errors.Is(err, errEnough) {
		t.Fatalf("Watch: %v after %d events", err, len(got))
	}
	if n := retries.Load(); n < 2 {
		t.Errorf("%d reconnections, want ≥ 2 (two cuts)", n)
	}
	want := chainOrder(ctx, t, direct, got[len(got)-1].Dataset.Height)
	// the last event's height may hold more datasets, after the stop
	if len(want) < len(got) {
		t.Fatalf("got %d datasets, the chain has %d up to height %d", len(got), len(want), got[len(got)-1].Dataset.Height)
	}
	for i, ev := range got {
		w := want[i]
		if ev.Dataset.Round != w.Round || ev.Dataset.Height != w.Height || ev.Dataset.OutputCID != w.OutputCID || ev.Cursor != cursorOf(w) {
			t.Errorf("event %d: %s round %d, want %s round %d", i, ev.Cursor, ev.Dataset.Round, cursorOf(w), w.Round)
		}
	}
}

// sse opens the stream at rawURL with the given Last-Event-ID and
// returns the answer and a reader of its lines.
func sse(t *testing.T, ctx context.Context, rawURL, lastID string) (*http.Response, *bufio.Scanner) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp, bufio.NewScanner(resp.Body)
}

// nextEvent reads the lines of the next event (up to its blank line).
func nextEvent(t *testing.T, sc *bufio.Scanner) []string {
	t.Helper()
	var lines []string
	for sc.Scan() {
		if sc.Text() == "" {
			return lines
		}
		lines = append(lines, sc.Text())
	}
	t.Fatalf("stream ended: %v", sc.Err())
	return nil
}

// TestStreamResumeAndErrors: the stream starts with a ready event whose
// id is its starting cursor; Last-Event-ID wins over ?after=; the first
// dataset after cursor "H.R" is the next in resolution order; unknown
// sources are 404 and bad cursors 400 before the stream starts.
func TestStreamResumeAndErrors(t *testing.T) {
	d, direct, past := apitest.StartClient(t, 3)
	base := d.Nodes[0].API + "/api/v1/sources/"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	order := chainOrder(ctx, t, direct, past[0].Height)
	from := order[0]
	t.Run("resume", func(t *testing.T) {
		resp, sc := sse(t, ctx, base+"btc-usd/datasets/stream?after=1", cursorOf(from))
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		ready := nextEvent(t, sc)
		want := []string{"retry: 1000", "id: " + cursorOf(from), "event: ready", `data: {"source":"btc-usd","after":"` + cursorOf(from) + `"}`}
		if !slices.Equal(ready, want) {
			t.Fatalf("ready event %q, want %q", ready, want)
		}
		ev := nextEvent(t, sc)
		if len(ev) != 2 || ev[0] != "id: "+cursorOf(order[1]) || !strings.Contains(ev[1], fmt.Sprintf(`"round":%d,`, order[1].Round)) {
			t.Fatalf("first event after %s: %q, want dataset %s", cursorOf(from), ev, cursorOf(order[1]))
		}
	})
	t.Run("now", func(t *testing.T) {
		_, sc := sse(t, ctx, base+"btc-usd/datasets/stream", "")
		ready := nextEvent(t, sc)
		if len(ready) != 4 || !strings.HasPrefix(ready[1], "id: ") || strings.Contains(ready[1], ".") {
			t.Fatalf("ready event %q: want id HEIGHT", ready)
		}
	})
	for _, tc := range []struct {
		name, path, lastID string
		code               int
		want               string
	}{
		{"unknown source", "nope/datasets/stream", "", 404, `nope`},
		{"bad after", "btc-usd/datasets/stream?after=x", "", 400, `cursor \"x\"`},
		{"bad last id", "btc-usd/datasets/stream", "1.2.3", 400, `cursor \"1.2.3\"`},
		{"bad status", "btc-usd/datasets/stream?status=OK", "", 400, `status=\"OK\"`},
		{"bad param", "btc-usd/datasets/stream?limit=3", "", 400, `\"limit\"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := fetch(t, http.MethodGet, base+tc.path, map[string]string{"Last-Event-ID": tc.lastID})
			if resp.StatusCode != tc.code || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s, want %d with %s", resp.StatusCode, body, tc.code, tc.want)
			}
		})
	}
}
