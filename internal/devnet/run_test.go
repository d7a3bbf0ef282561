package devnet

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/internal/testports"
)

// echoWasm is a tiny validator (its output is its input), so tests do not
// wait for a Go validator to compile.
const echoWasm = "../../consensus/worker/testdata/echo.wasm"

// freeBase finds a base port whose next 10n ports are free on loopback.
func freeBase(t *testing.T, n int) int { return testports.FreeBase(t, n) }

// TestDevnetHeadless runs the devnet in process until datasets resolve
// and the wrong-output validator is slashed (bounded to 3 minutes), then
// reads a dataset back through two gateways.
func TestDevnetHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four CometBFT nodes")
	}
	o := RunOptions{
		Config: Config{Validators: 4, BasePort: freeBase(t, 4), Fault: "wrong-output", CacheDir: t.TempDir(), BlockTime: 500 * time.Millisecond,
			GenesisParams: `{"commit_window":"4","reveal_window":"4","jail_blocks":"100"}`},
		Sources:  Sources{Symbols: []string{"BTC-USD", "ETH-USD"}, Every: 2, Replicas: 3, Spread: true},
		Duration: 3 * time.Minute, Headless: true, Dir: t.TempDir(), Code: echoWasm,
	}
	var out bytes.Buffer
	o.Until = func(s *Summary) bool {
		if len(s.Datasets) < 3 || len(s.Slashes) == 0 {
			return false
		}
		// Stop while the gateways are still up, after fetching a dataset.
		checkGateways(t, s)
		return true
	}
	s, err := Run(context.Background(), o, &out)
	if err != nil {
		t.Fatalf("devnet: %v\n%s", err, out.String())
	}
	if s == nil || len(s.Datasets) < 3 {
		t.Fatalf("too few datasets: %+v\n%s", s, out.String())
	}
	for _, d := range s.Datasets {
		if d.Status != "ACCEPTED" {
			t.Errorf("dataset %+v not ACCEPTED", d)
		}
	}
	// A round resolves at the earliest two blocks after it opens (commit,
	// then reveal).
	if s.RoundsResolved != len(s.Datasets) || s.MaxBlocksToResolve < 2 ||
		s.BlocksToResolve < 2 || s.BlocksToResolve > float64(s.MaxBlocksToResolve) {
		t.Errorf("inconsistent round counts: %d resolved, %d datasets, blocks to resolve %.2f (max %d)",
			s.RoundsResolved, len(s.Datasets), s.BlocksToResolve, s.MaxBlocksToResolve)
	}
	if len(s.Slashes) == 0 {
		t.Fatal("the faulty validator was not slashed")
	}
	faulty := s.Slashes[0].Validator
	for _, sl := range s.Slashes {
		if sl.Validator != faulty || sl.Reason != "WRONG_VERDICT" {
			t.Errorf("unexpected slash %+v (faulty %s)", sl, faulty)
		}
	}
	if s.HonestSlashed != 0 || s.CPUPercent <= 0 || s.MaxRSSBytes <= 0 {
		t.Errorf("summary: %d honest slashed, CPU %.1f %%, RSS %d bytes", s.HonestSlashed, s.CPUPercent, s.MaxRSSBytes)
	}
}

// checkGateways fetches the first dataset from every node's gateway: the
// nodes that validated the round (at least two) serve it, with the bytes
// of its CID; the others answer 404.
func checkGateways(t *testing.T, s *Summary) {
	t.Helper()
	id, err := cid.Decode(s.Datasets[0].CID)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var first []byte
	served := 0
	for _, gw := range s.Gateways {
		b, err := dataset.FromGateway(ctx, gw, id, false)
		if err != nil {
			continue
		}
		if first != nil && !bytes.Equal(b, first) {
			t.Errorf("gateways disagree on %s", id)
		}
		first = b
		served++
	}
	if served < 2 {
		t.Errorf("%s served by %d gateways, want ≥ 2", id, served)
	}
}

// TestDevnetExampleIsBuiltIn: by default the devnet's example program and
// params come from the binary, so it runs outside a checkout (from any
// working directory); files and "" params still work.
func TestDevnetExampleIsBuiltIn(t *testing.T) {
	t.Chdir(t.TempDir()) // no examples/ here
	wasm, params, err := ExampleFiles(Builtin, Builtin)
	if err != nil {
		t.Fatalf("built-in example: %v", err)
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) || !json.Valid(params) {
		t.Fatalf("built-in example: %d-byte module, params %q", len(wasm), params)
	}
	if err := os.WriteFile("v.wasm", []byte("\x00asm\x01\x00\x00\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	wasm, params, err = ExampleFiles("v.wasm", "")
	if err != nil || len(wasm) != 8 || params != nil {
		t.Fatalf("files: %d bytes, params %q, %v", len(wasm), params, err)
	}
	if _, _, err := ExampleFiles("examples/jsonfields/module/jsonfields.wasm", ""); err == nil {
		t.Fatal("a missing file was read")
	}
}
