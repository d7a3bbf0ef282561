package cliflag

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/state"
)

func TestRoundTime(t *testing.T) {
	now := func() time.Time { return time.Unix(100, 500) }
	for in, want := range map[string]int64{"": 100, "1700000000": 1700000000, "2023-11-14T22:13:20Z": 1700000000} {
		got, err := RoundTime(in, now)
		if err != nil || got.Unix() != want || got.Nanosecond() != 0 {
			t.Errorf("RoundTime(%q) = %v, %v; want unix %d", in, got, err, want)
		}
	}
	if _, err := RoundTime("yesterday", now); err == nil {
		t.Error(`RoundTime("yesterday"): no error`)
	}
}

func TestListFlags(t *testing.T) {
	tests := []struct {
		sets int
		args []string
		want state.ListOptions
	}{
		{Paging, nil, state.ListOptions{Limit: state.DefaultLimit}},
		{Paging | Rounds | Heights | Status, []string{"--limit", "5", "--cursor", "c", "--from", "2", "--to", "9", "--from-height", "3", "--to-height", "8", "--status", "ACCEPTED"},
			state.ListOptions{Limit: 5, Cursor: "c", From: 2, To: 9, FromHeight: 3, ToHeight: 8, Status: "ACCEPTED"}},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		o := ListFlags(fs, tt.sets)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		if *o != tt.want {
			t.Errorf("ListFlags(%d) %q = %+v, want %+v", tt.sets, tt.args, *o, tt.want)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ListFlags(fs, Rounds)
	if err := fs.Parse([]string{"--limit", "5"}); err == nil {
		t.Error("--limit accepted without Paging")
	}
}
