package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/rules"
	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/runtime/sandbox"
)

var update = flag.Bool("update", false, "rewrite testdata/store_check_v1.json")

// TestStoreCheckV1Golden pins the v1 store-time check: the module limits,
// the initializer's gas bound and the StoreCode txs a block may hold. A
// change to any of them changes which
// modules the chain stores, so it must be a new protocol version, never an
// edit (run with -update only for a new version's file).
func TestStoreCheckV1Golden(t *testing.T) {
	v1 := struct {
		MeterLimits   any // AllowImport (a func) is not encoded
		InitGas       uint64
		MaxStoreCodes int
	}{rules.MeterLimitsV1(), rules.InitGasV1, rules.V1().MaxStoreCodes}
	got, err := json.MarshalIndent(v1, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const path = "testdata/store_check_v1.json"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("protocol v1 limits changed:\n got %s\nwant %s", got, want)
	}
}

// TestStateRequiresRules: the state machine cannot be opened with a rule
// left out (it used to run with any module refused and any template
// accepted).
func TestStateRequiresRules(t *testing.T) {
	full := rules.V1()
	noCode, noTemplate, noCap := full, full, full
	noCode.Code, noTemplate.Template, noCap.MaxStoreCodes = nil, nil, 0
	for _, tc := range []struct {
		name string
		cfg  state.Config
		ok   bool
	}{
		{"v1", full, true},
		{"no code checker", noCode, false},
		{"no template check", noTemplate, false},
		{"no StoreCode cap", noCap, false},
		{"zero", state.Config{}, false},
	} {
		_, err := state.Open(state.NewMemKV(), tc.cfg)
		if tc.ok != (err == nil) || err != nil && !errors.Is(err, state.ErrConfig) {
			t.Errorf("%s: Open err = %v", tc.name, err)
		}
	}
}

// TestTemplateRuleApplies: V1's template rule refuses a malformed
// placeholder.
func TestTemplateRuleApplies(t *testing.T) {
	if err := rules.V1().Template("{{height"); err == nil {
		t.Fatal("unterminated placeholder accepted")
	}
	if err := rules.V1().Template("https://x/{{height}}"); err != nil {
		t.Fatalf("valid template refused: %v", err)
	}
}

// TestInitRuleApplies: V1's code check runs the module's initializer: a
// trapping one is refused with the sandbox's reason.
func TestInitRuleApplies(t *testing.T) {
	wasm, err := os.ReadFile("../../runtime/sandbox/testdata/init_trap.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rules.V1().Code.Check(wasm); err == nil || !strings.Contains(err.Error(), "trap:unreachable") {
		t.Fatalf("trapping initializer: err %v", err)
	}
}

// TestInitGasV1Bound: the v1 initializer bound is at least ten Go guest
// initializers and no more than what a node allows pre-initialization
// (sandbox.InitGasLimit), so code the chain stores pre-initializes on a
// node with the default memory.
func TestInitGasV1Bound(t *testing.T) {
	ctx := context.Background()
	rt, err := sandbox.New(ctx, sandbox.Config{Engine: sandbox.EngineInterpreter})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	wasm, err := os.ReadFile("../../runtime/sandbox/testdata/goguest/goguest.wasm")
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Store(ctx, wasm)
	if err != nil || !c.Preinitialized {
		t.Fatalf("Go guest: %v (pre-initialized %v)", err, c != nil && c.Preinitialized)
	}
	if 10*c.InitGas > rules.InitGasV1 || rules.InitGasV1 > sandbox.InitGasLimit {
		t.Fatalf("InitGasV1 %d: want >= 10 × the Go guest's %d and <= sandbox.InitGasLimit %d", rules.InitGasV1, c.InitGas, sandbox.InitGasLimit)
	}
}
