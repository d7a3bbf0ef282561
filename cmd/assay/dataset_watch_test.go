package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/apitest"
)

// TestDatasetWatchAcrossCut runs `assay dataset watch --json --after 0`
// through a proxy that cuts the connection after the second line: the
// lines are every dataset up to the last one printed, in resolution
// order, each once, and stderr says it reconnected.
func TestDatasetWatchAcrossCut(t *testing.T) {
	d, c, past := apitest.StartClient(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, _ := url.Parse(d.Nodes[0].API)
	proxy := apitest.NewProxy(t, u.Host)
	count := len(past) + 3
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"dataset", "watch", apitest.Source, "--api", proxy.URL, "--after", "0", "--json", "--count", fmt.Sprint(count)}, pw, &stderr)
		pw.Close()
	}()
	var got []state.DatasetView
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		var ds state.DatasetView
		if err := json.Unmarshal(sc.Bytes(), &ds); err != nil {
			t.Fatalf("line %d %q: %v", len(got)+1, sc.Text(), err)
		}
		if got = append(got, ds); len(got) == 2 {
			proxy.Cut()
		}
	}
	if c := <-code; c != 0 {
		t.Fatalf("exit %d: %s", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "reconnecting after ") {
		t.Errorf("stderr %q: want a reconnection", stderr.String())
	}
	var want []state.DatasetView
	o := state.ListOptions{Limit: state.MaxLimit, ToHeight: got[len(got)-1].Height}
	p, err := c.Datasets(ctx, apitest.Source, o)
	if err != nil || p.Truncated {
		t.Fatalf("list: %v, truncated %v", err, p.Truncated)
	}
	want = p.Items
	slices.Reverse(want)
	// the last line's height may hold more datasets, after the count
	if len(got) != count || len(want) < count {
		t.Fatalf("printed %d datasets, want %d; the chain has %d up to height %d", len(got), count, len(want), o.ToHeight)
	}
	for i := range got {
		if got[i].Round != want[i].Round || got[i].Height != want[i].Height || got[i].OutputCID != want[i].OutputCID {
			t.Errorf("line %d: round %d at %d, want round %d at %d", i+1, got[i].Round, got[i].Height, want[i].Round, want[i].Height)
		}
	}
}

// TestDatasetWatchText prints the text line of new datasets; an unknown
// source and a bad --api are errors.
func TestDatasetWatchText(t *testing.T) {
	d := apitest.Start(t)
	api := d.Nodes[0].API
	tests := []struct {
		name string
		args []string
		code int
		out  string
		err  string
	}{
		{"new", []string{apitest.Source, "--api", api, "--count", "1"}, 0, " status=ACCEPTED output=bafk", ""},
		{"unknown", []string{"nope", "--api", api}, 1, "", `source "nope"`},
		{"bad after", []string{apitest.Source, "--api", api, "--after", "x"}, 1, "", `cursor "x"`},
		{"bad api", []string{apitest.Source, "--api", "localhost:1"}, 2, "", "want http(s)://host:port"},
		{"no source", []string{"--api", api}, 2, "", "usage: assay dataset watch SOURCE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if c := run(append([]string{"dataset", "watch"}, tc.args...), &out, &errb); c != tc.code {
				t.Fatalf("exit %d, want %d: %s", c, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.out) || !strings.Contains(errb.String(), tc.err) {
				t.Errorf("stdout %q stderr %q, want %q and %q", out.String(), errb.String(), tc.out, tc.err)
			}
			if tc.code == 0 && !strings.HasPrefix(out.String(), "round=") {
				t.Errorf("stdout %q: want a round= line", out.String())
			}
		})
	}
}
