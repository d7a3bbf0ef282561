package consumer_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsLight: importing package consumer does not import a node
// (the node, the ABCI app, CometBFT's node, the worker, the Wasm
// runtime or the plugins): a data consumer's program stays small.
func TestImportsLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	heavy := []string{
		"github.com/assaynet/assay/node",
		"github.com/assaynet/assay/consensus/app",
		"github.com/assaynet/assay/consensus/worker",
		"github.com/assaynet/assay/runtime/sandbox",
		"github.com/assaynet/assay/plugins",
		"github.com/cometbft/cometbft/node",
		"github.com/tetratelabs/wazero",
	}
	for _, d := range deps {
		for _, h := range heavy {
			if d == h {
				t.Errorf("consumer imports %s", d)
			}
		}
	}
	t.Logf("consumer imports %d packages", len(deps))
}
