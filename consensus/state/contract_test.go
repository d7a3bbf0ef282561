package state

import (
	"errors"
	"testing"
)

// TestPaths: the path builders give the paths of docs/protocol.md
// section 6, and Query routes each of them (an unknown source is
// NotFound, never a bad query).
func TestPaths(t *testing.T) {
	op := make([]byte, 20)
	op[19] = 0xab
	for _, tt := range []struct{ got, want string }{
		{PathSource("feed"), "/source/feed"},
		{PathCode("bafk"), "/code/bafk"},
		{PathRound("a.b-c", 42), "/round/a.b-c/42"},
		{PathRounds("feed", ListOptions{}), "/rounds/feed"},
		{PathRounds("feed", ListOptions{Limit: 5, From: 2}), "/rounds/feed?from=2&limit=5"},
		{PathDatasets("feed", ListOptions{}), "/datasets/feed"},
		{PathDatasets("feed", ListOptions{From: 3}), "/datasets/feed?from=3"},
		{PathDatasets("feed", ListOptions{To: 9}), "/datasets/feed?to=9"},
		{PathDatasets("feed", ListOptions{From: 3, To: 9}), "/datasets/feed?from=3&to=9"},
		{PathDatasets("feed", ListOptions{FromHeight: 4, ToHeight: 8, Status: "ACCEPTED", Cursor: "ZA", Limit: 7}),
			"/datasets/feed?cursor=ZA&from_height=4&limit=7&status=ACCEPTED&to_height=8"},
		{PathLatestDataset("feed", ""), "/datasets/feed/latest"},
		{PathLatestDataset("feed", "ACCEPTED"), "/datasets/feed/latest?status=ACCEPTED"},
		{PathSourcesPage(ListOptions{Limit: 2}), "/sources?limit=2"},
		{PathEvidencePage(ListOptions{FromHeight: 10}), "/evidence?from_height=10"},
		{PathAssigned(op), "/assigned/00000000000000000000000000000000000000ab"},
		{PathAccount(op), "/account/00000000000000000000000000000000000000ab"},
		{PathSource("a/b"), "/source/a%2Fb"}, // an argument cannot add a path segment
	} {
		if tt.got != tt.want {
			t.Errorf("path %q, want %q", tt.got, tt.want)
		}
	}
	kv := NewMemKV()
	for _, p := range []string{PathParams, PathValidators, PathSources, PathEvidence, PathRounds("feed", ListOptions{}),
		PathDatasets("feed", ListOptions{From: 1, To: 2}), PathLatestDataset("feed", "ACCEPTED"), PathAssigned(op), PathAccount(op)} {
		if _, err := Query(kv, p); err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("query %s: %v", p, err)
		}
	}
}
