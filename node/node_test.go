package node

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenFailureReleasesParts: an Open that fails late (the operator key
// is missing, read after the pin store, the plugins and CometBFT's
// databases opened) returns no node and closes what it opened, so the
// next Open of the same home in the same process gets every lock.
func TestOpenFailureReleasesParts(t *testing.T) {
	homes, err := WriteTestnet(t.TempDir(), TestnetOptions{ChainID: "c1", Nodes: 1, Stake: 100})
	if err != nil {
		t.Fatal(err)
	}
	home := homes[0].Dir
	key := filepath.Join(home, OperatorKeyFile)
	aside := key + ".aside"
	if err := os.Rename(key, aside); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n, err := Open(ctx, home, Options{NoPrometheus: true})
	if err == nil || n != nil || !strings.Contains(err.Error(), "operator_key.json") {
		t.Fatalf("Open without a key: node %v, err %v; want no node and an error naming the key", n, err)
	}
	if err := os.Rename(aside, key); err != nil {
		t.Fatal(err)
	}
	n, err = Open(ctx, home, Options{NoPrometheus: true})
	if err != nil {
		t.Fatalf("Open after a failed Open: %v", err)
	}
	n.Stop()
}
