package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/assaynet/assay/node"
)

// TestPinGCCommand: `assay pin gc --dry-run` and `assay pin gc` over a
// fresh stopped home print what would go and what went; --home is
// required.
func TestPinGCCommand(t *testing.T) {
	homes, err := node.WriteTestnet(t.TempDir(), node.TestnetOptions{ChainID: "c1", Nodes: 1, Stake: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"pin", "gc"}, 2, "--home is required"},
		{[]string{"pin", "gc", "--home", homes[0].Dir, "--dry-run"}, 0, "would unpin 0 pins"},
		{[]string{"pin", "gc", "--home", homes[0].Dir}, 0, "unpinned 0 pins"},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
			t.Errorf("%v: exit %d, out %q, err %q; want exit %d and %q", tc.args, code, out.String(), errb.String(), tc.code, tc.want)
		}
	}
}
