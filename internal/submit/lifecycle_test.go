package submit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/chain"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/internal/devnet"
	"github.com/assaynet/assay/internal/submit"
	"github.com/assaynet/assay/internal/testports"
	"github.com/assaynet/assay/plugins/sourcefile"
)

// echoWasm is the validator program whose output is its input.
const echoWasm = "../../consensus/worker/testdata/echo.wasm"

// TestSourceLifecycle registers a source on a one-validator devnet,
// updates it to an output limit its input cannot meet, then retires it,
// and checks what docs/authors.md says about open rounds: rounds opened
// up to the update's block finish with the spec they were opened with
// (ACCEPTED), later ones use the new spec (FAILED, output_limit); after
// the retire's block no round opens, open ones still resolve; a retired
// source cannot be updated or retired again, and only its owner may
// update it.
func TestSourceLifecycle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, t.TempDir(), devnet.Config{Validators: 1, BasePort: testports.FreeBase(t, 1),
		BlockTime: 100 * time.Millisecond, GenesisParams: `{"commit_window":"4","reveal_window":"4"}`})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	c := d.Nodes[0].RPC.Chain()
	if err := devnet.WaitHeight(ctx, d.Nodes[0], 1); err != nil {
		t.Fatal(err)
	}
	_, owner, _ := ed25519.GenerateKey(rand.Reader)
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	dir := t.TempDir()
	wasm, err := os.ReadFile(echoWasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "echo.wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	load := func(maxOutput int) *sourcefile.SourceFile {
		path := filepath.Join(dir, fmt.Sprintf("src-%d.toml", maxOutput))
		body := fmt.Sprintf(`id = "life"
code_file = "echo.wasm"
every = 1
replicas = 1
gas_limit = 10_000_000
max_output = %d
[fetch]
kind = "http"
[fetch.config]
url = "%s/price/BTC-USD?height={{height}}"
`, maxOutput, d.Exchange.URL)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sf, err := sourcefile.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return sf
	}
	if _, err := submit.RegisterSource(ctx, c, owner, load(65536)); err != nil {
		t.Fatal(err)
	}
	waitDataset(ctx, t, c, func(ds []state.DatasetView) bool { return len(ds) >= 2 })

	if _, _, err := submit.UpdateSource(ctx, c, stranger, load(2)); !isTxError(err, "owned by") {
		t.Fatalf("update by another key: %v", err)
	}
	_, updated, err := submit.UpdateSource(ctx, c, owner, load(2))
	if err != nil {
		t.Fatal(err)
	}
	ds := waitDataset(ctx, t, c, func(ds []state.DatasetView) bool { return ds[0].Round > updated+2 })
	for _, v := range ds {
		want := "ACCEPTED"
		if v.Round > updated {
			want = "FAILED"
		}
		if v.Status != want {
			t.Errorf("round %d (update at %d): %s, want %s", v.Round, updated, v.Status, want)
		}
	}

	retired, err := submit.RetireSource(ctx, c, owner, "life")
	if err != nil {
		t.Fatal(err)
	}
	// every round up to the retire's block resolves, and none opens after
	ds = waitDataset(ctx, t, c, func(ds []state.DatasetView) bool { return ds[0].Round >= retired })
	if err := devnet.WaitHeight(ctx, d.Nodes[0], retired+12); err != nil {
		t.Fatal(err)
	}
	ds = waitDataset(ctx, t, c, func([]state.DatasetView) bool { return true })
	if ds[0].Round != retired {
		t.Errorf("latest round %d, retired at %d", ds[0].Round, retired)
	}
	src, err := c.Source(ctx, "life")
	if err != nil || !src.Retired || src.Updated != retired || src.Spec.MaxOutputBytes != 2 {
		t.Errorf("source %+v, %v", src, err)
	}
	if _, _, err := submit.UpdateSource(ctx, c, owner, load(65536)); !isTxError(err, "is retired") {
		t.Errorf("update after retire: %v", err)
	}
	if _, err := submit.RetireSource(ctx, c, owner, "life"); !isTxError(err, "is retired") {
		t.Errorf("retire twice: %v", err)
	}
}

// waitDataset waits (bounded by ctx) until the source's datasets, newest
// first, satisfy ok, and returns them.
func waitDataset(ctx context.Context, t *testing.T, c *chain.Client, ok func([]state.DatasetView) bool) []state.DatasetView {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		page, _, err := c.Datasets(ctx, "life", state.ListOptions{Limit: 100})
		if err == nil && len(page.Items) > 0 && ok(page.Items) {
			return page.Items
		}
		select {
		case <-ctx.Done():
			t.Fatalf("datasets %+v, %v: %v", page.Items, err, ctx.Err())
		case <-tick.C:
		}
	}
}

func isTxError(err error, want string) bool {
	var te *chain.TxError
	return errors.As(err, &te) && strings.Contains(err.Error(), want)
}
