package state

import "testing"

// TestPaths: the path builders give the paths of docs/protocol.md
// section 6, and Query routes each of them.
func TestPaths(t *testing.T) {
	op := make([]byte, 20)
	op[19] = 0xab
	for _, tt := range []struct{ got, want string }{
		{PathSource("feed"), "/source/feed"},
		{PathCode("bafk"), "/code/bafk"},
		{PathRound("a.b-c", 42), "/round/a.b-c/42"},
		{PathRounds("feed"), "/rounds/feed"},
		{PathDatasets("feed", 0, 0), "/datasets/feed"},
		{PathDatasets("feed", 3, 0), "/datasets/feed?from=3"},
		{PathDatasets("feed", 0, 9), "/datasets/feed?to=9"},
		{PathDatasets("feed", 3, 9), "/datasets/feed?from=3&to=9"},
		{PathAssigned(op), "/assigned/00000000000000000000000000000000000000ab"},
		{PathAccount(op), "/account/00000000000000000000000000000000000000ab"},
		{PathSource("a/b"), "/source/a%2Fb"}, // an argument cannot add a path segment
	} {
		if tt.got != tt.want {
			t.Errorf("path %q, want %q", tt.got, tt.want)
		}
	}
	kv := NewMemKV()
	for _, p := range []string{PathParams, PathValidators, PathSources, PathEvidence, PathRounds("feed"),
		PathDatasets("feed", 1, 2), PathAssigned(op), PathAccount(op)} {
		if _, err := Query(kv, p); err != nil {
			t.Errorf("query %s: %v", p, err)
		}
	}
}
